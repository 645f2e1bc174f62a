"""Rights end with the term: a stale guardian grant alone never lets anyone take part.

The daily task (terms_check) revokes the grants of terms that are over; until it runs, the
grant is still stored. Every participation check must also ask for a current membership.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from forums import permissions as forum_permissions
from platforms import decisions, permissions, services
from platforms.models import (
    Decision,
    Matter,
    Membership,
    Party,
    PlatformUserObjectPermission,
    Role,
    Vote,
)
from platforms.roles import PARTICIPATE
from tests.factories import PlatformFactory, ThematicGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def _expire(user, platform):
    """Move the user's term on the platform into the past without running the daily task."""
    yesterday = timezone.localdate() - timedelta(days=1)
    Membership.objects.filter(user=user, platform=platform).update(
        term_start=yesterday - timedelta(days=365), term_end=yesterday
    )


def _stale_grant_still_stored(user, platform) -> bool:
    return PlatformUserObjectPermission.objects.filter(
        user=user, content_object=platform, permission__codename=PARTICIPATE
    ).exists()


@pytest.fixture
def delegate(forum):
    """A member of the forum named as its delegate to the council, term covering today."""
    user = UserFactory()
    services.membership_grant(
        platform=forum, user=user, party=Party.CITIZEN, actor=None, check=False
    )
    today = timezone.localdate()
    services.membership_grant(
        platform=forum.parent,
        user=user,
        party=Party.DELEGATE,
        delegated_from=forum,
        term_start=today - timedelta(days=30),
        term_end=today + timedelta(days=300),
        actor=None,
        check=False,
    )
    return user


@pytest.fixture
def council_decision(council, sam):
    return Decision.objects.create(
        platform=council, matter=Matter.OTHER, title="Street lights", rule_kind="simple"
    )


@pytest.fixture
def forum_decision(forum, sam):
    return Decision.objects.create(
        platform=forum, matter=Matter.OTHER, title="Meeting day", rule_kind="simple"
    )


def test_current_delegate_takes_part(delegate, council, council_decision):
    """Allowed: a delegate within term votes and submits at the upper platform."""
    assert permissions.can_participate(delegate, council)
    assert permissions.can_vote(delegate, council_decision)
    assert forum_permissions.can_create_proposal(delegate, council)
    vote = decisions.vote_cast(decision=council_decision, user=delegate, choice=Vote.Choice.YES)
    assert vote.pk


def test_expired_delegate_with_stored_grant_is_refused(delegate, council, council_decision):
    """Denied: term_end yesterday, the grant still stored, yet no vote and no proposal."""
    _expire(delegate, council)
    assert _stale_grant_still_stored(delegate, council)
    assert not permissions.can_participate(delegate, council)
    assert not permissions.can_vote(delegate, council_decision)
    assert not forum_permissions.can_create_proposal(delegate, council)
    with pytest.raises(PermissionDenied):
        decisions.vote_cast(decision=council_decision, user=delegate, choice=Vote.Choice.YES)
    assert not Vote.objects.filter(decision=council_decision).exists()


def test_expired_member_cannot_vote_through_the_page(client, alice, forum, forum_decision):
    """Denied over HTTP too: the vote form is refused and no vote row is written."""
    _expire(alice, forum)
    assert _stale_grant_still_stored(alice, forum)
    client.force_login(alice)
    response = client.post(forum_decision.get_absolute_url(), {"choice": "yes"})
    assert response.status_code == 403
    assert not Vote.objects.filter(decision=forum_decision).exists()


def test_current_member_votes_through_the_page(client, alice, forum, forum_decision):
    """Allowed: the same request from a current member records the vote."""
    client.force_login(alice)
    response = client.post(forum_decision.get_absolute_url(), {"choice": "yes"})
    assert response.status_code == 302
    assert Vote.objects.filter(decision=forum_decision, user=alice).exists()


def test_expired_member_cannot_join_a_group(alice, forum):
    group = ThematicGroupFactory(platform=forum)
    _expire(alice, forum)
    with pytest.raises(PermissionDenied):
        services.group_join(group=group, user=alice)
    assert not group.members.exists()


def test_expired_secretariat_grant_does_not_moderate_or_decide(sam, forum):
    """The secretariat's own stored grants (secretariat, participate) lapse with the term."""
    assert permissions.can_act_as_secretariat(sam, forum)
    assert permissions.can_moderate(sam, forum)
    _expire(sam, forum)
    assert not permissions.can_act_as_secretariat(sam, forum)
    assert not permissions.can_moderate(sam, forum)
    assert not permissions.can_participate(sam, forum)


def test_expired_candidate_cannot_stand_for_the_secretariat(sam, alice, forum):
    """A decision on the secretariat needs a candidate whose membership is current."""
    candidate = Membership.objects.get(user=alice, platform=forum)
    _expire(alice, forum)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        decisions.decision_open(
            platform=forum,
            actor=sam,
            matter=Matter.SECRETARIAT,
            title="New secretariat",
            candidate=candidate,
            term_start=today,
            term_end=today + timedelta(days=365),
        )
    assert "candidate" in exc.value.message_dict


def test_ended_membership_with_unsynced_grant_is_refused(forum):
    """An ended membership whose grant was never revoked is not a membership."""
    user = UserFactory()
    services.membership_grant(
        platform=forum, user=user, party=Party.NGO, role=Role.MEMBER, actor=None, check=False
    )
    Membership.objects.filter(user=user, platform=forum).update(status=Membership.Status.ENDED)
    assert _stale_grant_still_stored(user, forum)
    assert not permissions.can_participate(user, forum)


def test_sysadmin_keeps_access_everywhere(sysadmin):
    platform = PlatformFactory()
    assert permissions.can_participate(sysadmin, platform)
    assert permissions.can_manage_memberships(sysadmin, platform)


def test_vote_url_for_expired_member_does_not_500(client, alice, forum, forum_decision):
    _expire(alice, forum)
    client.force_login(alice)
    url = reverse("platforms:decision", kwargs={"slug": forum.slug, "pk": forum_decision.pk})
    assert client.get(url).status_code == 200
