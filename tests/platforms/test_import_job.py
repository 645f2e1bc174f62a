"""Bulk imports at national scale: a file over IMPORT_ASYNC_ROWS rows is imported by a Celery
job (eager here) whose page in the admin shows state, progress and errors and refreshes itself
without JavaScript; the dry run writes nothing, a bad row rolls back every row, only system
administrators see or start jobs, and a job runs once however often its message is delivered."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from platforms import tasks_imports
from platforms.models import ImportJob, Platform, Territory
from tests.factories import CouncilFactory, PlatformFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:platforms_platform_import_lcpcs"
JOB_URL = "admin:platforms_platform_import_lcpcs_job"
HEADER = "name,territory,head,head_email,members\n"


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.IMPORT_ASYNC_ROWS = 3
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks_imports, "PROGRESS_EVERY", 2)
    with translation.override("en"):
        yield


@pytest.fixture
def lebedinovka(db):
    CouncilFactory(territory=Territory.objects.get(code="KG-C-ALAMUDUN"))
    return TerritoryFactory(code="KG-C-ALAMUDUN-LEBEDINOVKA", name_en="Lebedinovka")


@pytest.fixture
def progress(monkeypatch):
    """Every progress value the job writes, in order."""
    seen = []
    original = tasks_imports.ProgressWriter.__call__

    def spy(self, done):
        seen.append(done)
        original(self, done)

    monkeypatch.setattr(tasks_imports.ProgressWriter, "__call__", spy)
    return seen


def _file(rows: int, bad_row: int | None = None):
    lines = [
        f"LCPC {i},{'KG-NOWHERE' if i == bad_row else 'KG-C-ALAMUDUN-LEBEDINOVKA'},Head {i},,\n"
        for i in range(1, rows + 1)
    ]
    return SimpleUploadedFile("lcpcs.csv", (HEADER + "".join(lines)).encode(), "text/csv")


def _lcpcs() -> int:
    return Platform.objects.filter(kind=Platform.Kind.LCPC).count()


def test_a_large_file_runs_as_a_job_dry_run_first_then_confirmed(
    client, sysadmin, lebedinovka, progress, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(IMPORT_URL), {"file": _file(6), "dry_run": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(JOB_URL, args=[job.pk])
    # the dry run: checked every row, with progress, and wrote nothing
    assert (job.state, job.dry_run, job.created, job.total_rows) == ("done", True, 6, 6)
    assert progress == [2, 4, 6] and job.processed_rows == 6 and job.percent == 100
    assert _lcpcs() == 0
    assert default_storage.exists(job.file_name)  # kept for the confirmation
    page = client.get(reverse(JOB_URL, args=[job.pk])).content.decode()
    assert "6 of 6 rows" in page and 'name="confirm"' in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(JOB_URL, args=[job.pk]), {"confirm": "1"})
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse(JOB_URL, args=[real.pk])
    assert (real.state, real.dry_run, real.created) == ("done", False, 6)
    assert _lcpcs() == 6
    assert not default_storage.exists(real.file_name)  # imported: the file is removed
    assert "6 LCPCs imported." in client.get(response["Location"]).content.decode()


def test_a_bad_row_rolls_back_every_row(
    client, sysadmin, lebedinovka, progress, django_capture_on_commit_callbacks
):
    client.force_login(sysadmin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(IMPORT_URL), {"file": _file(6, bad_row=5)})
    job = ImportJob.objects.get()
    assert (job.state, job.dry_run, job.created) == ("failed", False, 0)
    assert [row for row, _message in job.errors] == [6]  # row 6 of the sheet: data row 5
    assert "KG-NOWHERE" in job.errors[0][1]
    assert _lcpcs() == 0  # rows 1-4 were rolled back with it
    page = client.get(reverse(JOB_URL, args=[job.pk])).content.decode()
    assert "Nothing was imported" in page and 'name="confirm"' not in page
    # a failed dry run cannot be confirmed
    with pytest.raises(Exception, match="dry run"):
        tasks_imports.import_job_confirm(job=job, actor=sysadmin)


def test_a_small_file_is_still_imported_at_once(client, sysadmin, lebedinovka):
    client.force_login(sysadmin)
    response = client.post(reverse(IMPORT_URL), {"file": _file(2), "dry_run": "on"})
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "LCPCs would be created" in response.content.decode()


def test_a_running_job_page_refreshes_itself_without_javascript(client, sysadmin):
    job = ImportJob.objects.create(
        file_name="imports/x.csv", original_name="x.csv", total_rows=1000, processed_rows=250
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    client.force_login(sysadmin)
    page = client.get(reverse(JOB_URL, args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'value="25"' in page and "250 of 1000 rows" in page and "Refresh now" in page


def test_only_system_administrators_see_or_start_jobs(client, lebedinovka):
    job = ImportJob.objects.create(file_name="imports/x.csv", original_name="x.csv")
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(JOB_URL, args=[job.pk])).status_code == 403
    assert client.post(reverse(IMPORT_URL), {"file": _file(6)}).status_code == 403
    with pytest.raises(PermissionDenied):
        tasks_imports.import_job_create(
            raw=b"", original_name="x.csv", rows=6, dry_run=True, actor=staff
        )
    client.logout()
    assert client.get(reverse(JOB_URL, args=[job.pk])).status_code == 302  # to the login
    assert not ImportJob.objects.exclude(pk=job.pk).exists()


def test_a_job_runs_once_however_often_it_is_delivered(sysadmin, lebedinovka):
    raw = (HEADER + "LCPC 1,KG-C-ALAMUDUN-LEBEDINOVKA,Head,,\n").encode()
    job = tasks_imports.import_job_create(
        raw=raw, original_name="a.csv", rows=1, dry_run=False, actor=sysadmin
    )
    assert tasks_imports.run_import_job(job.pk) == "done"
    assert tasks_imports.run_import_job(job.pk) == "taken"  # a redelivered message
    assert _lcpcs() == 1


def _stored_job(state: str, *, minutes_ago: int, language: str = "ky", **fields) -> ImportJob:
    """A job in `state` since `minutes_ago`, with its file stored."""
    name = default_storage.save("imports/stalled.csv", ContentFile(b"x"))
    since = timezone.now() - timedelta(minutes=minutes_ago)
    job = ImportJob.objects.create(
        file_name=name, original_name="big.csv", total_rows=9000, language=language, **fields
    )
    ImportJob.objects.filter(pk=job.pk).update(state=state, created_at=since, started_at=since)
    return job


def test_a_job_whose_worker_died_is_failed_by_the_sweep_in_its_language(settings):
    limit = settings.CELERY_TASK_TIME_LIMIT // 60
    dead = _stored_job("running", minutes_ago=limit + 6, processed_rows=4200)
    alive = _stored_job("running", minutes_ago=limit - 1, language="en")

    assert tasks_imports.import_jobs_sweep() == {"resent": 0, "failed": 1}

    dead.refresh_from_db()
    assert (dead.state, dead.created, dead.processed_rows) == ("failed", 0, 4200)
    with translation.override("ky"):
        expected = str(tasks_imports.STOPPED)
    assert dead.errors == [[0, expected]] and expected != str(tasks_imports.STOPPED)
    assert not default_storage.exists(dead.file_name)
    alive.refresh_from_db()
    assert alive.state == "running" and not alive.errors


def test_a_waiting_job_is_sent_again_and_after_a_day_given_up(sysadmin, lebedinovka):
    raw = (HEADER + "LCPC 1,KG-C-ALAMUDUN-LEBEDINOVKA,Head,,\n").encode()
    # its message is lost: the callback that would send it after the commit never runs here
    lost = tasks_imports.import_job_create(
        raw=raw, original_name="a.csv", rows=1, dry_run=False, actor=sysadmin
    )
    ImportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=40))
    recent = _stored_job("pending", minutes_ago=5)
    abandoned = _stored_job("pending", minutes_ago=25 * 60, language="ru")

    assert tasks_imports.import_jobs_sweep() == {"resent": 1, "failed": 1}

    lost.refresh_from_db()
    assert (lost.state, lost.created, _lcpcs()) == ("done", 1, 1)  # sent again, and ran
    recent.refresh_from_db()
    assert recent.state == "pending"  # a worker may still be on its way
    abandoned.refresh_from_db()
    assert abandoned.state == "failed" and abandoned.errors[0][0] == 0
    assert not default_storage.exists(abandoned.file_name)


def test_an_import_over_the_time_limit_rolls_back_and_says_so(
    sysadmin, lebedinovka, monkeypatch, settings, django_capture_on_commit_callbacks
):
    def slow(**kwargs):
        PlatformFactory(name="half-way", kind=Platform.Kind.LCPC, territory=lebedinovka)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(tasks_imports, "lcpc_import", _atomic(slow))
    raw = (HEADER + "LCPC 1,KG-C-ALAMUDUN-LEBEDINOVKA,Head,,\n").encode()
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        job = tasks_imports.import_job_create(
            raw=raw, original_name="a.csv", rows=1, dry_run=False, actor=sysadmin
        )
    job.refresh_from_db()
    minutes = round(settings.CELERY_TASK_SOFT_TIME_LIMIT / 60)
    assert (job.state, job.language, job.created, _lcpcs()) == ("failed", "ru", 0, 0)
    assert str(minutes) in job.errors[0][1] and "minutes" not in job.errors[0][1]


def _atomic(function):
    def wrapped(**kwargs):
        with transaction.atomic():
            return function(**kwargs)

    return wrapped


def test_every_task_stops_before_redis_would_deliver_it_again(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    sweep = settings.CELERY_BEAT_SCHEDULE["import-jobs"]
    assert sweep["task"] == tasks_imports.sweep_import_jobs.name
