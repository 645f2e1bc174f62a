"""Decision rules on their edge cases, and voting allowed and refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from platforms import decisions, permissions
from platforms.models import Decision, DecisionRule, Matter, Membership, Party, Role, RuleKind, Vote
from platforms.services import membership_grant
from tests.factories import PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db

ADOPTED, REJECTED, NO_QUORUM = "adopted", "rejected", "no_quorum"


def outcome(kind, eligible, yes=0, no=0, abstain=0, objections=0, quorum=50, threshold=67):
    return decisions.decision_outcome(
        kind=kind,
        quorum_percent=quorum,
        threshold_percent=threshold,
        eligible=eligible,
        yes=yes,
        no=no,
        abstain=abstain,
        objections=objections,
    )


@pytest.mark.parametrize(
    "kind, votes, expected",
    [
        (RuleKind.SIMPLE, dict(yes=3, no=2), ADOPTED),
        (RuleKind.SIMPLE, dict(yes=3, no=3), REJECTED),  # a tie is not a majority
        (RuleKind.SIMPLE, dict(yes=2, no=1, abstain=5), ADOPTED),  # abstentions do not count
        (RuleKind.SIMPLE, dict(yes=4), NO_QUORUM),  # 4 of 10 is under the 50% quorum
        (RuleKind.SIMPLE, dict(yes=3, abstain=2), ADOPTED),  # exactly the quorum
        (RuleKind.QUALIFIED, dict(yes=4, no=2), REJECTED),  # 66.6% < 67%
        (RuleKind.QUALIFIED, dict(yes=7, no=3), ADOPTED),
        (RuleKind.QUALIFIED, dict(abstain=6), REJECTED),
        (RuleKind.CONSENSUS, dict(yes=9, objections=1), REJECTED),  # one objection blocks
        (RuleKind.CONSENSUS, dict(yes=5, no=1), ADOPTED),  # a "no" is not an objection
        (RuleKind.CONSENSUS, dict(abstain=6), REJECTED),  # nobody in favour
        (RuleKind.CONSENSUS, dict(yes=2, objections=0), NO_QUORUM),
    ],
)
def test_rules_on_edge_cases(kind, votes, expected):
    assert outcome(kind, 10, **votes) == expected


def test_zero_members_is_no_quorum():
    assert outcome(RuleKind.SIMPLE, 0) == NO_QUORUM


def test_platform_rule_overrides_default(forum):
    assert decisions.rule_for(forum, Matter.RECOMMENDATION)[0] == RuleKind.CONSENSUS
    DecisionRule.objects.create(
        platform=forum,
        matter=Matter.PROPOSAL,
        kind=RuleKind.QUALIFIED,
        quorum_percent=30,
        threshold_percent=75,
    )
    assert decisions.rule_for(forum, Matter.PROPOSAL) == (RuleKind.QUALIFIED, 30, 75)


@pytest.fixture
def decision(forum, sam):
    return decisions.decision_open(
        platform=forum, actor=sam, matter=Matter.OTHER, title="Street lights"
    )


def test_only_secretariat_opens(forum, alice, cyril):
    for actor in (alice, cyril):
        with pytest.raises(PermissionDenied):
            decisions.decision_open(platform=forum, actor=actor, matter=Matter.OTHER, title="x")


def test_member_votes_once_and_may_change(decision, alice):
    decisions.vote_cast(decision=decision, user=alice, choice="yes")
    decisions.vote_cast(decision=decision, user=alice, choice="no")
    vote = Vote.objects.get(decision=decision, user=alice)
    assert vote.choice == "no" and vote.changed_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(decision=decision, user=alice, choice="yes")


def test_non_member_and_outsider_cannot_vote(decision, cyril, leo):
    for user in (cyril, leo):
        with pytest.raises(PermissionDenied):
            decisions.vote_cast(decision=decision, user=user, choice="yes")
    assert not decision.votes.exists()


def test_objection_needs_a_reason(decision, alice):
    with pytest.raises(ValidationError):
        decisions.vote_cast(decision=decision, user=alice, choice="object")


def test_vote_after_close_refused(decision, sam, alice):
    decisions.decision_close(decision=decision, actor=sam)
    with pytest.raises(ValidationError):
        decisions.vote_cast(decision=decision, user=alice, choice="yes")


def test_vote_after_closing_time_refused(forum, sam, alice):
    d = decisions.decision_open(
        platform=forum,
        actor=sam,
        matter=Matter.OTHER,
        title="Soon",
        closes_at=timezone.now() + timedelta(minutes=5),
    )
    Decision.objects.filter(pk=d.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        decisions.vote_cast(decision=d, user=alice, choice="yes")
    assert decisions.decisions_close_due() == 1


def test_close_records_tally_and_outcome(decision, sam, alice, paula):
    decisions.vote_cast(decision=decision, user=alice, choice="yes")
    decisions.vote_cast(decision=decision, user=paula, choice="yes")
    decisions.vote_cast(decision=decision, user=sam, choice="no")
    closed = decisions.decision_close(decision=decision, actor=sam)
    assert (closed.yes, closed.no, closed.eligible) == (2, 1, 3)
    assert closed.outcome == ADOPTED
    with pytest.raises(ValidationError):
        decisions.decision_close(decision=decision, actor=sam)


def test_close_refused_for_ordinary_member(decision, alice):
    with pytest.raises(PermissionDenied):
        decisions.decision_close(decision=decision, actor=alice)


def test_members_choose_the_first_secretariat():
    forum = PlatformFactory()
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    for u in (a, b, c):
        membership_grant(platform=forum, user=u, party=Party.CITIZEN, actor=None, check=False)
    candidate = Membership.objects.get(platform=forum, user=b)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        decisions.decision_open(
            platform=forum, actor=a, matter=Matter.SECRETARIAT, title="First", candidate=candidate
        )
    d = decisions.decision_open(
        platform=forum,
        actor=a,
        matter=Matter.SECRETARIAT,
        title="First",
        candidate=candidate,
        term_start=today,
        term_end=today + timedelta(days=730),
    )
    # without a secretariat, members cannot open other matters
    with pytest.raises(PermissionDenied):
        decisions.decision_open(platform=forum, actor=a, matter=Matter.OTHER, title="x")
    for u in (a, b):
        decisions.vote_cast(decision=d, user=u, choice="yes")
    d = decisions.decision_close(decision=d, actor=a)
    assert d.outcome == ADOPTED
    assert permissions.can_act_as_secretariat(b, forum)
    assert not permissions.can_act_as_secretariat(a, forum)
    # once there is a secretariat, members no longer open secretariat decisions
    assert not permissions.can_open_decision(a, forum, Matter.SECRETARIAT)


def test_decision_pages(client, decision, alice, cyril):
    url = decision.get_absolute_url()
    assert client.get(url).status_code == 200  # public
    client.force_login(cyril)
    response = client.post(url, {"choice": "yes"})
    assert response.status_code == 403 and not decision.votes.exists()
    client.force_login(alice)
    response = client.post(url, {"choice": "object", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert client.post(url, {"choice": "yes"}).status_code == 302
    assert decision.votes.get().choice == "yes"
    list_url = reverse("platforms:decisions", args=[decision.platform.slug])
    assert decision.title in client.get(list_url).content.decode()


def test_decision_form_errors_keep_input(client, forum, sam):
    client.force_login(sam)
    response = client.post(
        reverse("platforms:decision_new", args=[forum.slug]),
        {"matter": "secretariat", "title": "Choose", "description": "keep this"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["candidate"]
    assert "keep this" in response.content.decode()
    assert not Decision.objects.exists()


def test_role_member_count(forum, alice, sam, paula):
    assert decisions.eligible_voters(forum).count() == 3
    assert Role.SECRETARIAT in set(
        Membership.objects.filter(platform=forum).values_list("role", flat=True)
    )


def test_rules_page_read_by_all_set_by_admin_only(client, forum, paula, alice):
    url = reverse("platforms:rules", args=[forum.slug])
    assert client.get(url).status_code == 200
    data = {
        "matter": "proposal",
        "proposal-kind": "qualified",
        "proposal-quorum_percent": "40",
        "proposal-threshold_percent": "75",
    }
    client.force_login(alice)
    assert client.post(url, data).status_code == 403
    client.force_login(paula)
    assert client.post(url, data).status_code == 302
    assert decisions.rule_for(forum, Matter.PROPOSAL) == (RuleKind.QUALIFIED, 40, 75)
    bad = {**data, "proposal-quorum_percent": "140"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert decisions.rule_for(forum, Matter.PROPOSAL) == (RuleKind.QUALIFIED, 40, 75)
