"""Large bulk imports run by a Celery worker, with progress the admin page shows.

A file over `IMPORT_ASYNC_ROWS` rows is stored in the default storage (shared by every web
replica and worker), an ImportJob row is created, and the job runs `lcpc_import` as the admin
page would: all or nothing, and a dry run writes nothing. While the import's transaction is
open, progress is written to the job row through a second connection, so that the admin page
sees it at once and a rollback of the import does not roll it back.

A job never hangs as "running" or "waiting": the task's soft time limit fails it with a message,
and `import_jobs_sweep` (every ten minutes) sends again a job whose message was lost and fails
one whose worker died outright. Either way nothing was imported, as the import is one
transaction.
"""

import uuid
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.models import User
from platforms.imports import dataset_from_file, lcpc_import
from platforms.models import ImportJob

# write progress every this many rows (one UPDATE each)
PROGRESS_EVERY = 100
# a job still waiting for a worker after this long is sent again (its message may be lost) ...
RESEND_AFTER = timedelta(minutes=30)
# ... and after this long no worker is coming: it fails
GIVE_UP_AFTER = timedelta(hours=24)
UNCLAIMED = gettext_lazy(
    "No worker took the import for a day. Nothing was imported: upload it again."
)
TOO_LONG = gettext_lazy(
    "The import took longer than %(minutes)d minutes and was stopped. Nothing was "
    "imported: split the file and upload the parts."
)
STOPPED = gettext_lazy(
    "The worker running the import stopped before it finished (restarted or out of memory). "
    "Nothing was imported: upload the file again."
)


def import_async_rows() -> int:
    return getattr(settings, "IMPORT_ASYNC_ROWS", 500)


def import_job_create(*, raw: bytes, original_name: str, rows: int, dry_run: bool, actor: User):
    """Store the file and queue its import (after the commit, so the worker finds the row)."""
    if not actor.is_superuser:
        raise PermissionDenied
    suffix = Path(original_name).suffix.lower()
    name = default_storage.save(f"imports/{uuid.uuid4().hex}{suffix}", ContentFile(raw))
    job = ImportJob.objects.create(
        file_name=name,
        original_name=original_name[:300],
        total_rows=rows,
        dry_run=dry_run,
        language=translation.get_language() or "",
        created_by=actor,
    )
    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_confirm(*, job: ImportJob, actor: User) -> ImportJob:
    """After a clean dry run, import the same stored file for real."""
    if not actor.is_superuser:
        raise PermissionDenied
    if not (job.dry_run and job.state == ImportJob.State.DONE and not job.errors):
        raise ValidationError("only a clean, finished dry run can be confirmed")
    real = ImportJob.objects.create(
        kind=job.kind,
        file_name=job.file_name,
        original_name=job.original_name,
        total_rows=job.total_rows,
        dry_run=False,
        language=translation.get_language() or job.language,
        created_by=actor,
    )
    transaction.on_commit(lambda: run_import_job.delay(real.pk))
    return real


class ProgressWriter:
    """Writes processed_rows on its own connection (PostgreSQL only: SQLite would lock)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = (
            connections.create_connection("default") if connection.vendor == "postgresql" else None
        )

    def __call__(self, done: int) -> None:
        if self.conn is None:
            return
        with self.conn.cursor() as cursor:
            cursor.execute(
                "UPDATE platforms_importjob SET processed_rows = %s WHERE id = %s",
                [done, self.job_id],
            )

    def close(self):
        if self.conn is not None:
            self.conn.close()


@shared_task(acks_late=True, max_retries=0)
def run_import_job(job_id: int) -> str:
    """Run a pending job once: a second delivery of the message finds it taken and stops."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.PENDING).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "taken"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        _run(job)
    return job.state


def _run(job: ImportJob) -> None:
    progress = ProgressWriter(job.pk)
    try:
        with default_storage.open(job.file_name, "rb") as stored:
            stream = BytesIO(stored.read())
        stream.name = job.original_name
        dataset = dataset_from_file(stream)
        report = lcpc_import(
            dataset=dataset,
            dry_run=job.dry_run,
            actor=job.created_by,
            progress=progress,
            progress_every=PROGRESS_EVERY,
        )
        job.errors = [list(error) for error in report.errors]
        job.created = report.created
    except (ValidationError, PermissionDenied, OSError) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        job.errors = [[0, message] for message in messages]
        job.created = 0
    except SoftTimeLimitExceeded:
        minutes = round(settings.CELERY_TASK_SOFT_TIME_LIMIT / 60)
        job.errors = [[0, str(TOO_LONG) % {"minutes": minutes}]]
        job.created = 0
    finally:
        progress.close()
    _finish(job, processed=job.total_rows)


def _finish(job: ImportJob, *, processed: int) -> None:
    job.state = ImportJob.State.FAILED if job.errors else ImportJob.State.DONE
    job.processed_rows = processed
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "errors", "created", "processed_rows", "finished_at"])
    if not job.dry_run or job.errors:
        # imported, or refused: the file is not needed again
        default_storage.delete(job.file_name)


def import_jobs_sweep(*, now=None) -> dict:
    """Jobs that would otherwise wait or run forever: a job still waiting after RESEND_AFTER is
    sent again (a second delivery is harmless), one waiting after GIVE_UP_AFTER fails, and one
    still running after the hard time limit fails: its worker died (it had been stopped
    otherwise), and its transaction died with it."""
    now = now or timezone.now()
    stalled = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5 * 60)
    failed = resent = 0
    waiting = ImportJob.objects.filter(state=ImportJob.State.PENDING)
    for job in waiting.filter(created_at__lt=now - RESEND_AFTER).order_by("pk"):
        if job.created_at < now - GIVE_UP_AFTER:
            failed += _fail(job, ImportJob.State.PENDING, UNCLAIMED)
        else:
            run_import_job.delay(job.pk)
            resent += 1
    running = ImportJob.objects.filter(state=ImportJob.State.RUNNING, started_at__lt=stalled)
    for job in running.order_by("pk"):
        failed += _fail(job, ImportJob.State.RUNNING, STOPPED)
    return {"resent": resent, "failed": failed}


def _fail(job: ImportJob, state: str, message) -> int:
    """Fail a job still in `state` (a worker finishing it meanwhile wins), in its language."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        text = str(message)
    if not ImportJob.objects.filter(pk=job.pk, state=state).update(state=ImportJob.State.FAILED):
        return 0
    job.errors, job.created = [[0, text]], 0
    _finish(job, processed=job.processed_rows)
    return 1


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sweep_import_jobs() -> dict:
    return import_jobs_sweep()
