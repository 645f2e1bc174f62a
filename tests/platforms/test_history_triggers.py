"""History rows are append-only in the database: QuerySet.update(), delete(), cascades and raw
SQL are refused on PostgreSQL; only a deleted account's link is cleared."""

import pytest
from django.db import IntegrityError, connection, transaction

from forums import services
from forums.models import Proposal, ProposalEvent
from platforms.history import history_models, install_append_only_triggers
from platforms.models import PlatformEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="database triggers are PostgreSQL's"
    ),
]


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_every_history_model_has_its_trigger():
    install_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = 'op_append_only'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    expected = {m._meta.db_table for m in history_models()}
    assert len(expected) >= 10 and expected <= tables


@pytest.fixture
def proposal(forum, alice):
    return services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="youth", submit=True
    )


def test_queryset_update_delete_and_raw_sql_are_refused(proposal):
    events = ProposalEvent.objects.filter(proposal=proposal)
    refused(lambda: events.update(note="rewritten"))
    refused(lambda: events.delete())
    refused(lambda: PlatformEvent.objects.all().delete())

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE forums_proposalevent SET note = 'x'")

    refused(raw)
    assert not ProposalEvent.objects.filter(note="rewritten").exists()


def test_a_cascade_cannot_erase_a_timeline(proposal):
    refused(lambda: Proposal.objects.filter(pk=proposal.pk).delete())
    assert ProposalEvent.objects.filter(proposal=proposal).exists()


def test_only_a_link_to_a_person_may_be_cleared(proposal, alice):
    from tests.factories import UserFactory

    events = ProposalEvent.objects.filter(proposal=proposal)
    assert events.filter(actor=alice).exists()
    refused(lambda: events.update(actor=UserFactory()))
    # an erased account: the history keeps what happened, not who
    events.update(actor=None)
    assert events.count() == 2 and not events.filter(actor__isnull=False).exists()
