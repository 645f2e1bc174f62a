"""One table for the proposal's state machine: the page shows what the services allow, and a
decision closed from any path moves its proposal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from forums import services
from forums.models import Proposal
from forums.transitions import PROPOSAL, actions_from
from platforms.decisions import decisions_close_due, vote_cast

pytestmark = pytest.mark.django_db
S = Proposal.State

# the buttons on the proposal page, by the action they post
BUTTONS = {
    "vote": 'data-testid="open-vote"',
    "resolve": 'value="resolve"',
    "merge": 'value="merge"',
    "escalate": 'data-testid="escalate"',
    "agenda": 'data-testid="agenda"',
}


@pytest.mark.parametrize("state", [s for s in S.values if s != S.DRAFT])
def test_the_page_offers_exactly_what_the_table_allows(client, proposal, sam, state):
    Proposal.objects.filter(pk=proposal.pk).update(state=state)
    client.force_login(sam)
    page = client.get(proposal.get_absolute_url()).content.decode()
    for action, marker in BUTTONS.items():
        expected = state in PROPOSAL[action].sources
        if action == "escalate":
            expected = expected and proposal.platform.parent_id is not None
        assert (marker in page) == expected, (state, action)


@pytest.mark.parametrize("state", [S.RESOLVED, S.WITHDRAWN, S.DUPLICATE, S.REJECTED])
def test_a_closed_proposal_offers_and_accepts_no_manual_transition(client, proposal, sam, state):
    Proposal.objects.filter(pk=proposal.pk).update(state=state)
    assert actions_from(state) == set()
    with pytest.raises(ValidationError):
        services.proposal_close(proposal=proposal, actor=sam, resolution=S.RESOLVED)
    other = services.proposal_create(
        platform=proposal.platform,
        author=proposal.author,
        title="Other",
        body="b",
        category="youth",
        submit=True,
    )
    with pytest.raises(ValidationError):
        services.proposal_merge(duplicate=proposal, into=other, actor=sam)


def _open_vote(proposal, sam, voters):
    decision = services.proposal_open_vote(
        proposal=proposal, actor=sam, closes_at=timezone.now() + timedelta(hours=1)
    )
    for voter in voters:
        vote_cast(decision=decision, user=voter, choice="yes")
    return decision


def test_closing_the_decision_on_its_own_page_moves_the_proposal(
    client, proposal, sam, alice, paula
):
    decision = _open_vote(proposal, sam, [sam, alice, paula])
    client.force_login(sam)
    response = client.post(decision.get_absolute_url(), {"action": "close"})
    assert response.status_code in (200, 302)
    decision.refresh_from_db()
    assert decision.status == "closed"
    proposal.refresh_from_db()
    assert proposal.state == S.ADOPTED


def test_the_timed_task_closing_the_decision_moves_the_proposal(proposal, sam, alice, paula):
    _open_vote(proposal, sam, [sam, alice, paula])
    decisions_close_due(now=timezone.now() + timedelta(hours=2))
    proposal.refresh_from_db()
    assert proposal.state == S.ADOPTED
    assert proposal.events.filter(kind="decided", actor_role="system").exists()


def test_closing_from_the_proposal_page_records_one_decided_event(proposal, sam, alice, paula):
    _open_vote(proposal, sam, [sam, alice, paula])
    services.proposal_decide(proposal=proposal, actor=sam)
    proposal.refresh_from_db()
    assert proposal.state == S.ADOPTED
    assert proposal.events.filter(kind="decided").count() == 1


def test_the_decision_page_links_to_its_proposal_and_says_when_voting_closes(
    client, proposal, sam, alice, paula
):
    decision = _open_vote(proposal, sam, [])
    page = client.get(decision.get_absolute_url()).content.decode()
    assert 'data-testid="decision-proposal"' in page and proposal.get_absolute_url() in page
    assert "Voting closes" in page


def test_services_refuse_an_unrelated_police_unit_or_guest_platform(forum, alice, sam, lena):
    from platforms.models import Territory
    from tests.factories import PlatformFactory, TerritoryFactory

    batken_unit = lena.liaison_posts.get().unit
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(
            platform=forum,
            author=alice,
            title="T",
            body="B",
            category="youth",
            police_unit=batken_unit,
        )
    assert "police_unit" in exc.value.message_dict
    batken = Territory.objects.get(code="KG-B-BATKEN")
    far_away = PlatformFactory(territory=TerritoryFactory(parent=batken))  # another council
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            platform=forum,
            actor=sam,
            kind="joint",
            title="J",
            starts_at=timezone.now(),
            guests=[far_away],
        )
    assert "guests" in exc.value.message_dict
