"""Every role service grants on grant and revokes on end; nothing else touches the grants."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from platforms import permissions
from platforms.models import LiaisonOfficer, Membership, Party, PlatformEvent, Role
from platforms.roles import granted_platform_permissions
from platforms.services import liaison_assign, liaison_end, membership_end, membership_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, expected",
    [
        (Role.MEMBER, {"participate_platform"}),
        (Role.COORDINATOR, {"participate_platform"}),
        (Role.SECRETARIAT, {"participate_platform", "secretariat_platform"}),
        (Role.MODERATOR, {"participate_platform", "moderate_platform"}),
        (Role.ADMIN, {"participate_platform", "administer_platform"}),
    ],
)
def test_grant_then_end_each_role(forum, paula, role, expected):
    user = UserFactory()
    today = timezone.localdate()
    term = (
        {"term_start": today, "term_end": today + timedelta(days=365)}
        if role == Role.SECRETARIAT
        else {}
    )
    m = membership_grant(platform=forum, user=user, party=Party.NGO, role=role, actor=paula, **term)
    assert granted_platform_permissions(user=user, platform=forum) == expected
    membership_end(membership=m, actor=paula, reason="term over")
    assert granted_platform_permissions(user=user, platform=forum) == frozenset()
    kinds = list(PlatformEvent.objects.filter(membership=m).values_list("new", flat=True))
    assert sorted(kinds) == ["active", "ended"]


def test_ending_one_role_keeps_the_permissions_of_another(forum, paula):
    user = UserFactory()
    today = timezone.localdate()
    member = membership_grant(platform=forum, user=user, party=Party.NGO, actor=paula)
    sec = membership_grant(
        platform=forum,
        user=user,
        party=Party.NGO,
        role=Role.SECRETARIAT,
        actor=paula,
        term_start=today,
        term_end=today + timedelta(days=30),
    )
    membership_end(membership=sec, actor=paula)
    assert granted_platform_permissions(user=user, platform=forum) == {"participate_platform"}
    assert member.status == Membership.Status.ACTIVE


def test_grant_refused_for_non_admin(forum, alice, cyril):
    with pytest.raises(PermissionDenied):
        membership_grant(platform=forum, user=cyril, party=Party.CITIZEN, actor=alice)
    assert not Membership.objects.filter(user=cyril).exists()


def test_grant_twice_refused(forum, paula, alice):
    with pytest.raises(ValidationError):
        membership_grant(platform=forum, user=alice, party=Party.CITIZEN, actor=paula)


def test_member_may_leave_but_not_end_someone_else(forum, alice, cyril, paula):
    m = Membership.objects.get(user=alice, platform=forum)
    with pytest.raises(PermissionDenied):
        membership_end(membership=m, actor=cyril)
    membership_end(membership=m, actor=alice, reason="moving away")
    assert not permissions.can_participate(alice, forum)


def test_ending_an_ended_membership_is_refused(forum, alice, paula):
    m = Membership.objects.get(user=alice, platform=forum)
    membership_end(membership=m, actor=paula)
    with pytest.raises(ValidationError):
        membership_end(membership=m, actor=paula)


def test_liaison_assign_and_end(local_unit):
    user = UserFactory()
    post = liaison_assign(user=user, unit=local_unit)
    assert permissions.can_respond_for_unit(user, local_unit)
    liaison_end(post=post)
    assert not permissions.can_respond_for_unit(user, local_unit)
    assert not LiaisonOfficer.objects.filter(user=user, active=True).exists()


def test_liaison_assign_refused_for_non_sysadmin(local_unit, alice):
    with pytest.raises(PermissionDenied):
        liaison_assign(user=UserFactory(), unit=local_unit, actor=alice)


def test_liaison_assign_allowed_for_sysadmin(local_unit, sysadmin):
    user = UserFactory()
    liaison_assign(user=user, unit=local_unit, actor=sysadmin)
    assert permissions.can_respond_for_unit(user, local_unit)
