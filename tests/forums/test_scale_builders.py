"""Many rows at once for the scale tests (bulk inserts, as a national load writes them); no
tests here, only builders the test_scale_* modules share."""

from datetime import timedelta

from django.utils import timezone

from forums.models import Proposal, ProposalEvent


def bulk_proposals(forum, *, n, author=None, unit=None, ties=1, state="submitted", **fields):
    """`n` public proposals on `forum`; every `ties` of them share one submission time."""
    start = timezone.now() - timedelta(days=1)
    return Proposal.objects.bulk_create(
        Proposal(
            title=fields.get("title", f"Street lighting {i}"),
            body=fields.get("body", "Dark street near the school"),
            category=fields.get("category", "youth"),
            origin=forum,
            platform=forum,
            police_unit=unit,
            author=author,
            state=state,
            submitted_at=start + timedelta(minutes=i // ties),
            response_due=timezone.localdate() + timedelta(days=14),
        )
        for i in range(n)
    )


def bulk_events(proposal, *, n):
    """`n` more timeline events on the proposal, an hour apart, after what it has."""
    start = timezone.now() - timedelta(days=30)
    return ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=proposal,
            kind=ProposalEvent.Kind.RESPONSE,
            platform_id=proposal.platform_id,
            actor_role="police",
            note=f"Step {i}",
            at=start + timedelta(hours=i),
        )
        for i in range(n)
    )


def tracker_order(proposals):
    """The tracker's order: newest submission first, the higher number first among equals."""
    return [p.pk for p in sorted(proposals, key=lambda p: (p.submitted_at, p.pk), reverse=True)]
