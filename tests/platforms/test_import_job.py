"""Bulk imports at national scale: a file over IMPORT_ASYNC_ROWS rows is imported by a Celery
job (eager here) whose page in the admin shows state, progress and errors and refreshes itself
without JavaScript; the dry run writes nothing, a bad row rolls back every row, only system
administrators see or start jobs, and a job runs once however often its message is delivered."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from platforms import tasks_imports
from platforms.models import ImportJob, Platform, Territory
from tests.factories import CouncilFactory, TerritoryFactory, UserFactory

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
