"""The web tier can run on several machines: reads of public pages and of the API may go to a
read replica (and nothing that could need a fresh write does), files go through the storage
API (so S3 can replace the disk by settings), sessions and caches are shared, and the shipped
docker-compose.yml runs two web replicas behind nginx."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.utils import load_backend
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from config import routers
from forums import services
from forums.models import Attachment, Proposal
from tests.support.uploads import jpeg

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml")

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture
def replica(settings):
    """A `replica` alias on the same database, as DATABASE_REPLICA_URL would add: its own
    connection (so a test sees which one ran each query), made here rather than declared, as
    Django allows a dynamically created connection in a test."""
    config = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    settings.DATABASES = {**settings.DATABASES, "replica": config}
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias="replica")
    connections["replica"] = wrapper
    yield wrapper
    wrapper.close()
    del connections["replica"]


@pytest.fixture
def proposal(forum, alice, local_unit):
    return services.proposal_create(
        platform=forum,
        author=alice,
        title="Lights on School Street",
        body="Dark street",
        category="school",
        police_unit=local_unit,
        submit=True,
    )


# Routing decisions -----------------------------------------------------------------------


def test_without_a_replica_everything_reads_the_primary():
    with routers.replica_reads():
        assert routers.ReplicaRouter().db_for_read(Proposal) == "default"


def test_reads_go_to_the_replica_only_while_the_flag_is_up(replica):
    router = routers.ReplicaRouter()
    assert router.db_for_read(Proposal) == "default"
    with routers.replica_reads():
        assert router.db_for_read(Proposal) == "replica"
        # sessions and allauth rows are never read from a copy
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
        # a write goes to the primary, and the rest of the request reads the primary
        assert router.db_for_write(Proposal) == "default"
        assert router.db_for_read(Proposal) == "default"
    assert router.allow_migrate("replica", "forums") is False
    assert router.allow_migrate("default", "forums") is True


@pytest.mark.parametrize(
    ("method", "path", "cookie", "expected"),
    [
        ("GET", "/api/v1/proposals/", False, True),
        ("GET", "/api/v1/proposals/", True, True),  # the API has no sessions at all
        ("HEAD", "/proposals/", False, True),  # an anonymous visitor
        ("GET", "/proposals/", True, False),  # signed in (or may be): sees their own writes
        ("POST", "/api/v1/proposals/", False, False),
        ("POST", "/proposals/", False, False),
        ("GET", "/admin/", False, False),
        ("GET", "/accounts/login/", False, False),
        ("GET", "/me/notifications/", False, False),
    ],
)
def test_which_requests_may_read_the_replica(method, path, cookie, expected):
    request = RequestFactory().generic(method, path)
    if cookie:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert routers.may_read_replica(request) is expected


@pytest.mark.django_db(transaction=True)
def test_api_reads_run_on_the_replica_and_writes_on_the_primary(client, replica, proposal):
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        data = client.get("/api/v1/proposals/").json()
        csv = b"".join(client.get("/api/v1/proposals/", {"format": "csv"}).streaming_content)
    assert [p["id"] for p in data["results"]] == [proposal.pk]
    assert proposal.title in csv.decode()
    assert on_replica.captured_queries and not on_primary.captured_queries
    # a signed-in person's page reads the primary
    client.force_login(proposal.author)
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(proposal.get_absolute_url()).status_code == 200
    assert not on_replica.captured_queries


# Files through the storage API -------------------------------------------------------------


def test_attachments_and_report_pdfs_go_through_the_storage(settings, proposal, monkeypatch):
    from django.core.files.storage import default_storage

    from reporting import pdf
    from reporting.models import AnnualReport, ReportVersion

    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    upload = SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg")
    attachment = services.attachment_add(proposal=proposal, actor=proposal.author, upload=upload)
    assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
    assert default_storage.exists(attachment.file.name)
    assert Attachment.objects.get().file.read()[:3] == b"\xff\xd8\xff"

    report = AnnualReport.objects.create(platform=proposal.platform, year=2025, status="published")
    version = ReportVersion.objects.create(report=report, number=1, figures={}, sections={})
    monkeypatch.setattr(pdf, "version_pdf_bytes", lambda version, language: b"%PDF-1.4 test")
    stored = pdf.version_pdf(version, "ru")
    assert default_storage.open(stored.file.name).read() == b"%PDF-1.4 test"
    # nothing of either was written to the local disk
    media = settings.MEDIA_ROOT
    for name in (attachment.file.name, stored.file.name):
        assert not (media / name).exists()


def test_the_import_preview_is_kept_in_the_shared_storage(settings, tmp_path):
    """Preview and confirmation may reach different replicas: the file waits in the default
    storage (the shared media volume or S3), not in one machine's temporary folder."""
    from platforms.admin_imports import tmp_storage_class

    settings.MEDIA_ROOT = tmp_path
    storage = tmp_storage_class()(read_mode="rb", encoding=None)
    storage.save(b"name,territory,head\n")
    assert (tmp_path / "django-import-export" / storage.name).exists()
    again = tmp_storage_class()(name=storage.name, read_mode="rb", encoding=None)
    assert again.read() == b"name,territory,head\n"  # as another replica would read it
    again.remove()


def _settings_under(env: dict) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        "print(json.dumps({'storage': s.STORAGES['default'], 'cache': s.CACHES['default']"
        "['BACKEND'], 'session': s.SESSION_ENGINE, 'dbs': sorted(s.DATABASES), "
        "'acks_late': s.CELERY_TASK_ACKS_LATE, 'reject': s.CELERY_TASK_REJECT_ON_WORKER_LOST, "
        "'prefetch': s.CELERY_WORKER_PREFETCH_MULTIPLIER}))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_", "DATABASE"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**keep, "DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_for_several_machines():
    """S3 and the replica by environment only; shared cache and database sessions; Celery
    tasks acknowledged late, given back when a worker dies, one at a time per process."""
    values = _settings_under(
        {
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "S3_ENDPOINT_URL": "https://s3.example.kg",
            "DATABASE_URL": "postgres://portal@db/portal",
            "DATABASE_REPLICA_URL": "postgres://portal@replica/portal",
            "REDIS_URL": "redis://redis:6379/0",
        }
    )
    assert values["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["storage"]["OPTIONS"]["bucket_name"] == "portal-media"
    assert values["storage"]["OPTIONS"]["default_acl"] == "private"
    assert values["dbs"] == ["default", "replica"]
    assert values["cache"] == "config.cache.FailOpenRedisCache"
    assert values["session"] == "django.contrib.sessions.backends.db"
    assert values["acks_late"] and values["reject"] and values["prefetch"] == 1
    plain = _settings_under({"DATABASE_URL": "postgres://portal@db/portal"})
    assert plain["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert plain["dbs"] == ["default"]


# The shipped deployment ---------------------------------------------------------------------


def test_compose_runs_two_web_replicas_behind_nginx():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services_ = compose["services"]
    webs = [n for n, s in services_.items() if "gunicorn" in str(s.get("command", ""))]
    assert sorted(webs) == ["web", "web2"]
    for name in webs:
        assert "ports" not in services_[name]
        assert services_[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    for name in ("worker", "beat", "db", "redis", "nginx"):
        assert name in services_
    # migrations run once, before either web replica starts
    assert "migrate" in str(services_["migrate"]["command"])
    nginx = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    upstream = re.search(r"upstream portal_web \{(.*?)\}", nginx, re.S).group(1)
    assert re.findall(r"server\s+(\S+?):8000", upstream) == ["web", "web2"]
