"""A bulk import run by a Celery worker: its state, progress and errors, polled by the admin."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """A large file imported in the background, all or nothing; a dry run checks it only.

    The file waits in the default storage (shared by every web replica and worker) until the
    real import has run.
    """

    class Kind(models.TextChoices):
        LCPC = "lcpc", _("LCPCs")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a worker")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed: nothing was imported")

    FINISHED_STATES = (State.DONE, State.FAILED)

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LCPC)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    dry_run = models.BooleanField(default=True)
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=300)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    # [[row as a spreadsheet numbers it (0: the file itself), message], ...]
    errors = models.JSONField(default=list, blank=True)
    # the language the administrator uploaded in: the job's messages are written in it
    language = models.CharField(max_length=8, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED_STATES

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
