"""One matrix per permission check: who is allowed, who is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from platforms import permissions
from platforms.models import Membership, Platform
from tests.factories import PlatformFactory, PoliceUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "cyril", "alice", "sam", "paula", "leo", "sysadmin"]


@pytest.fixture
def people(request, forum, alice, sam, paula, leo, cyril, sysadmin):
    return {
        "anonymous": AnonymousUser(),
        "cyril": cyril,
        "alice": alice,
        "sam": sam,
        "paula": paula,
        "leo": leo,
        "sysadmin": sysadmin,
    }


def _matrix(check, people, obj, allowed):
    got = {name for name in PERSONAS if check(people[name], obj)}
    assert got == set(allowed)


def test_participate(people, forum):
    _matrix(permissions.can_participate, people, forum, {"alice", "sam", "paula", "sysadmin"})


def test_act_as_secretariat(people, forum):
    _matrix(permissions.can_act_as_secretariat, people, forum, {"sam", "sysadmin"})


def test_secretariat_power_ends_with_the_term(people, forum, sam):
    m = Membership.objects.get(user=sam, platform=forum, role="secretariat")
    m.term_end = timezone.localdate() - timedelta(days=1)
    m.term_start = timezone.localdate() - timedelta(days=100)
    m.save()
    assert not permissions.can_act_as_secretariat(sam, forum)


def test_moderate(people, forum):
    _matrix(permissions.can_moderate, people, forum, {"sam", "sysadmin"})


def test_manage_memberships(people, forum):
    _matrix(permissions.can_manage_memberships, people, forum, {"paula", "sysadmin"})


def test_permissions_do_not_leak_to_another_platform(people):
    other = PlatformFactory()
    for name in ["alice", "sam", "paula"]:
        assert not permissions.can_participate(people[name], other)
        assert not permissions.can_act_as_secretariat(people[name], other)
        assert not permissions.can_manage_memberships(people[name], other)


def test_view_public_platform_everyone(people, forum):
    _matrix(permissions.can_view_platform, people, forum, set(PERSONAS))


def test_view_draft_platform_only_initiator_and_staff(people, cyril):
    draft = PlatformFactory(status=Platform.Status.DRAFT, created_by=cyril)
    _matrix(permissions.can_view_platform, people, draft, {"cyril", "sysadmin"})
    assert draft not in permissions.platforms_visible_to(AnonymousUser())
    assert draft in permissions.platforms_visible_to(cyril)


def test_start_forum_needs_verified_email(people):
    unverified = UserFactory(verified=False)
    assert permissions.can_start_forum(people["cyril"])
    assert not permissions.can_start_forum(unverified)
    assert not permissions.can_start_forum(AnonymousUser())


def test_request_membership(people, forum):
    _matrix(permissions.can_request_membership, people, forum, {"cyril", "leo", "sysadmin"})


def test_request_membership_refused_on_inactive_platform(cyril):
    draft = PlatformFactory(status=Platform.Status.SUBMITTED)
    assert not permissions.can_request_membership(cyril, draft)


def test_respond_for_unit(people, local_unit, district_unit):
    _matrix(permissions.can_respond_for_unit, people, local_unit, {"leo", "sysadmin"})
    # a local liaison does not answer for the district above
    _matrix(permissions.can_respond_for_unit, people, district_unit, {"sysadmin"})


def test_higher_unit_liaison_answers_for_units_below(local_unit, district_unit):
    from platforms.services import liaison_assign

    head = UserFactory()
    liaison_assign(user=head, unit=district_unit)
    assert permissions.can_respond_for_unit(head, local_unit)
    assert set(permissions.units_user_responds_for(head)) == {district_unit, local_unit}
    unrelated = PoliceUnitFactory()
    assert not permissions.can_respond_for_unit(head, unrelated)


def test_units_user_responds_for_empty_for_others(people, local_unit):
    assert not permissions.units_user_responds_for(people["alice"]).exists()
    assert not permissions.units_user_responds_for(AnonymousUser()).exists()
    assert list(permissions.units_user_responds_for(people["leo"])) == [local_unit]
