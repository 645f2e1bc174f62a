"""The outbox relay through a real Celery worker and Redis broker (CI sets the broker)."""

import time

import pytest
from django.core import mail

from accounts.models import OutboxMessage
from tests.support.worker import wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def test_relay_sends_committed_rows_through_the_broker(worker_app):
    relay_outbox = worker_app.tasks["accounts.tasks.relay_outbox"]
    row = OutboxMessage.objects.create(to="a@example.org", subject="Hi", body="Body")
    relay_outbox.delay()
    assert wait_for(lambda: OutboxMessage.objects.get(pk=row.pk).status == "sent")
    assert mail.outbox[0].to == ["a@example.org"]
    # a second run finds nothing left: the task is idempotent and sends no duplicate
    relay_outbox.delay()
    time.sleep(1)
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get(pk=row.pk).attempts == 1
