"""Integrity under moves and races: a platform moved with its children rewrites every path below
it in the move's transaction (or none, if the move fails); a merge racing an escalation leaves
the proposal in exactly one of the two states."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from forums import services
from forums.models import Escalation, Proposal, ProposalEvent
from platforms import trees
from platforms.models import Platform, PlatformEvent, Territory
from tests.conftest import _grant
from tests.factories import CouncilFactory, PlatformFactory, national_council
from tests.forums.conftest import adopt

S = Proposal.State


def paths(*nodes) -> list[str]:
    return [Platform.objects.get(pk=n.pk).path for n in nodes]


@pytest.fixture
def orphan_council(db):
    """A district council still in registration (the only state in which a council has no
    parent), already with two forums: placing it under the national council moves a subtree."""
    if not Territory.objects.filter(code="KG").exists():  # a reused database after a flush
        from platforms.services import territories_load

        territories_load()
    council = CouncilFactory(
        parent=None,
        status=Platform.Status.SUBMITTED,
        territory=Territory.objects.get(code="KG-C-SOKULUK"),
    )
    forums = [PlatformFactory(parent=council, territory=council.territory) for _ in range(2)]
    return council, forums


@pytest.mark.django_db
def test_moving_a_platform_rewrites_its_descendants_paths(orphan_council, sysadmin):
    council, forums = orphan_council
    national = national_council()
    assert paths(council, *forums) == [
        f"/{council.pk}/",
        *[f"/{council.pk}/{f.pk}/" for f in forums],
    ]

    trees.tree_move(node=council, parent=national, actor=sysadmin, reason="placed")

    top = f"{national.path}{council.pk}/"
    assert paths(council, *forums) == [top, *[f"{top}{f.pk}/" for f in forums]]
    assert set(Platform.objects.below(national)) >= {council, *forums}
    assert council.events.filter(kind=PlatformEvent.Kind.MOVED).count() == 1


@pytest.mark.django_db
def test_a_move_that_fails_leaves_every_path_as_it_was(orphan_council, sysadmin, monkeypatch):
    """The history row is written after the subtree's UPDATE; if it fails, the UPDATE is undone."""
    council, forums = orphan_council
    national = national_council()
    before = paths(council, *forums)

    def broken(**kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(trees, "event_record", broken)
    with pytest.raises(RuntimeError):
        trees.tree_move(node=council, parent=national, actor=sysadmin)

    assert paths(council, *forums) == before
    assert Platform.objects.get(pk=council.pk).parent_id is None
    assert not PlatformEvent.objects.filter(kind=PlatformEvent.Kind.MOVED).exists()


@pytest.mark.django_db(transaction=True)
def test_a_merge_racing_an_escalation_leaves_one_state(forum, council, sam, alice):
    """Both take the proposal's row lock: whichever comes second finds it no longer adopted (or
    no longer open) and is refused, so the proposal is escalated or a duplicate, never both."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    voters = [alice, sam, _grant(forum)]
    outcomes = []
    for round_ in range(3):
        target = services.proposal_create(
            platform=forum, author=alice, title=f"Target {round_}", body="B", category="school",
            submit=True,
        )  # fmt: skip
        proposal = services.proposal_create(
            platform=forum, author=alice, title=f"Race {round_}", body="B", category="school",
            submit=True,
        )  # fmt: skip
        adopt(proposal, sam, voters)
        barrier, errors = threading.Barrier(2, timeout=10), []

        def run(fn, errors=errors, barrier=barrier):
            try:
                barrier.wait()
                fn()
            except ValidationError as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [
            threading.Thread(
                target=run,
                args=(lambda p=proposal: services.proposal_escalate(proposal=p, actor=sam),),
            ),
            threading.Thread(
                target=run,
                args=(
                    lambda p=proposal, t=target: services.proposal_merge(
                        duplicate=p, into=t, actor=sam
                    ),
                ),
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

        proposal.refresh_from_db()
        assert len(errors) == 1, errors
        escalations = Escalation.objects.filter(proposal=proposal)
        merged = proposal.events.filter(kind=ProposalEvent.Kind.MERGED)
        escalated = proposal.events.filter(kind=ProposalEvent.Kind.ESCALATED)
        if proposal.state == S.ESCALATED:
            assert escalations.count() == 1 and escalated.count() == 1
            assert not merged.exists() and proposal.duplicate_of_id is None
        else:
            assert proposal.state == S.DUPLICATE and proposal.duplicate_of_id == target.pk
            assert merged.count() == 1
            assert not escalations.exists() and not escalated.exists()
        outcomes.append(proposal.state)
    assert set(outcomes) <= {S.ESCALATED, S.DUPLICATE}
