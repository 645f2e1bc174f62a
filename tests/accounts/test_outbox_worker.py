"""The outbox relay through a real Celery worker and Redis broker (CI sets the broker)."""

import os

import pytest
from django.core import mail

from accounts.models import OutboxMessage
from accounts.tasks import relay_outbox
from config.celery import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker(settings):
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    keys = ("broker_url", "task_always_eager", "result_backend")
    old = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=os.environ["CELERY_TEST_BROKER_URL"],
        task_always_eager=False,
        result_backend="redis://" + os.environ["CELERY_TEST_BROKER_URL"].split("://", 1)[1],
    )
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield
    finally:
        app.conf.update(old)


def test_relay_sends_committed_rows_through_the_broker(real_worker):
    OutboxMessage.objects.create(to="a@example.org", subject="Hi", body="Body")
    sent = relay_outbox.delay().get(timeout=20)
    assert sent == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert mail.outbox[0].to == ["a@example.org"]
    # running again finds nothing: the task is idempotent
    assert relay_outbox.delay().get(timeout=20) == 0
