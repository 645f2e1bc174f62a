"""Deadline reminders and overdue marking run on a real Celery worker with Redis (in CI)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums import services
from forums.models import Proposal
from tests.support.worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_beat_task_marks_overdue_through_the_worker(worker_app, forum, alice, leo, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="Broken lamp",
        body="Dark road",
        category="road",
        police_unit=local_unit,
        submit=True,
    )
    Proposal.objects.filter(pk=proposal.pk).update(
        response_due=timezone.localdate() - timedelta(days=1)
    )
    worker_app.tasks["forums.tasks.check_response_deadlines"].delay()
    assert wait_for(lambda: proposal.events.filter(kind="overdue").exists())
    assert Proposal.objects.get(pk=proposal.pk).overdue_marked_at is not None
    assert leo.notifications.filter(verb="proposal.overdue").exists()
