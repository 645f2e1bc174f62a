"""Strategic plans and annual reports of a platform; published reports are frozen versions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import AppendOnlyModel, Decision, Party, Platform, PoliceUnit


class StrategicPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        VOTING = "voting", _("put to the vote")
        ADOPTED = "adopted", _("adopted")

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(
        _("objectives"), max_length=10000, help_text=_("One objective per line.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        ordering = ["-year", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "year"], name="one_plan_per_year")
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("reporting:plan", kwargs={"slug": self.platform.slug, "year": self.year})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ADOPTED

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class PlanAction(models.Model):
    class Responsible(models.TextChoices):
        POLICE = "police", _("police unit")
        LSG = "lsg", _("local self-government")
        NGO = "ngo", _("NGO")
        PLATFORM = "platform", _("the platform itself")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="actions")
    objective = models.CharField(_("objective"), max_length=300, blank=True)
    title = models.CharField(_("action"), max_length=300)
    responsible = models.CharField(
        _("responsible party"), max_length=16, choices=Responsible.choices
    )
    police_unit = models.ForeignKey(
        PoliceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("police unit"),
    )
    responsible_name = models.CharField(
        _("responsible body or organisation"), max_length=200, blank=True
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["position", "deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_range")
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status not in self.CLOSED_STATUSES and self.deadline < timezone.localdate()


class PlanEvent(AppendOnlyModel):
    """The plan's history: status changes, action progress notes, endorsements."""

    class Kind(models.TextChoices):
        STATUS = "status", _("status changed")
        PROGRESS = "progress", _("progress noted")
        ENDORSED = "endorsed", _("endorsed")

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="events")
    action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old = models.CharField(max_length=32, blank=True)
    new = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True, max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="plan_event_audit_time"),
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.kind} {self.old}->{self.new}"


class PlanEndorsement(AppendOnlyModel):
    """Local self-government or a police unit approving an adopted plan."""

    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="endorsements")
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    unit = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=2000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party", "user"], name="one_endorsement_each")
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.party}"


class AnnualReport(models.Model):
    """The report being written; each publication freezes a ReportVersion."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        CORRECTED = "corrected", _("published with corrections")

    class Job(models.TextChoices):
        IDLE = "", _("not generated")
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("computing")
        DONE = "done", _("figures ready")
        FAILED = "failed", _("failed")

    SECTIONS = ("summary", "achievements", "problems", "next_year")
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CORRECTED)

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True, max_length=20000)
    achievements = models.TextField(_("achievements"), blank=True, max_length=20000)
    problems = models.TextField(_("problems"), blank=True, max_length=20000)
    next_year = models.TextField(_("plans for next year"), blank=True, max_length=20000)
    figures = models.JSONField(null=True, blank=True, editable=False)
    job = models.CharField(max_length=16, choices=Job.choices, blank=True, default=Job.IDLE)
    job_progress = models.PositiveSmallIntegerField(default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "platform"]
        constraints = [
            # one report per platform and year: a second "publish" for the year cannot exist
            models.UniqueConstraint(fields=["platform", "year"], name="one_report_per_year")
        ]
        indexes = [models.Index(fields=["year", "status"], name="report_year_status")]

    def __str__(self):
        return f"{self.platform} {self.year}"

    def get_absolute_url(self):
        return reverse("reporting:report", kwargs={"slug": self.platform.slug, "year": self.year})

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES


class ReportVersion(AppendOnlyModel):
    """A published report, frozen: its figures and narrative never change afterwards."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    sections = models.JSONField()
    note = models.TextField(_("what was corrected"), blank=True, max_length=4000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number")
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"


def report_pdf_path(instance, filename):
    v = instance.version
    return f"reports/{v.report.platform.slug}/{v.report.year}-v{v.number}-{instance.language}.pdf"


class ReportFile(models.Model):
    """The PDF of a version in one language, rendered once and stored through the storage API."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(max_length=8)
    file = models.FileField(upload_to=report_pdf_path)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="one_pdf_per_language")
        ]

    def __str__(self):
        return self.file.name


class ReportEvent(AppendOnlyModel):
    """The report's history: each transition, generation and publication."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    old = models.CharField(max_length=16, blank=True)
    new = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True, max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # the audit log (platforms.audit) reads this table newest first, a page at a time
            models.Index(fields=["-at", "-id"], name="report_event_audit_time"),
        ]

    def __str__(self):
        return f"{self.report_id}: {self.action}"


# the yearly figure summaries live in their own module (reporting.summaries)
from reporting.summaries.models import (  # noqa: E402, F401
    PlatformYearFigures,
    PlatformYearParty,
    SummaryYear,
)
