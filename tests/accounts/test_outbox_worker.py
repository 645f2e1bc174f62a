"""The outbox relay through a real Celery worker and Redis broker (CI sets the broker)."""

import os
import time

import pytest
from celery import Celery
from django.core import mail

import accounts.tasks  # noqa: F401 - registers the shared task on every app
from accounts.models import OutboxMessage

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker_app(settings):
    """A separate Celery app on the Redis broker, so the eager app of other tests is untouched."""
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app = Celery("open_platforms_worker_test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=os.environ["CELERY_TEST_BROKER_URL"], task_always_eager=False)
    app.finalize()
    assert "accounts.tasks.relay_outbox" in app.tasks  # registered by @shared_task
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield app


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_relay_sends_committed_rows_through_the_broker(worker_app):
    relay_outbox = worker_app.tasks["accounts.tasks.relay_outbox"]
    row = OutboxMessage.objects.create(to="a@example.org", subject="Hi", body="Body")
    relay_outbox.delay()
    assert _wait_for(lambda: OutboxMessage.objects.get(pk=row.pk).status == "sent")
    assert mail.outbox[0].to == ["a@example.org"]
    # a second run finds nothing left: the task is idempotent and sends no duplicate
    relay_outbox.delay()
    time.sleep(1)
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1
