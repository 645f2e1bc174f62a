"""One access snapshot per request: every check reads it, and each page has a budget per persona.

Personas as in conftest: alice a member, sam the secretariat, paula the platform admin, leo the
local unit's liaison officer, a system administrator; cyril has no role.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from platforms import permissions
from platforms.access import Access
from platforms.models import Membership, Party, Platform, PlatformContact, PoliceUnit, Role
from platforms.services import liaison_end, membership_end, membership_grant
from tests.factories import (
    MembershipFactory,
    PlatformFactory,
    PoliceUnitFactory,
    ThematicGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "sam", "paula", "leo", "sysadmin"]


def _grow(platform, size):
    for _ in range(size):
        MembershipFactory(platform=platform, party=Party.NGO)
        ThematicGroupFactory(platform=platform)
        PlatformFactory(territory=platform.territory, parent=platform.parent)


@pytest.mark.parametrize("size", [2, 15])
@pytest.mark.parametrize("persona", PERSONAS)
def test_platform_page_budget_per_persona(
    client,
    request,
    forum,
    alice,
    sam,
    paula,
    leo,
    sysadmin,
    persona,
    size,
    django_assert_num_queries,
):
    _grow(forum, size)
    client.force_login(request.getfixturevalue(persona))
    # session, user, the platform with territory and parents, the user's memberships (the
    # snapshot every check reads), the user's liaison posts (the snapshot: the header's link),
    # members, secretariat and delegates (here and upward), thematic groups, child forums, the
    # founders (an initiative forum), the header's unread count (counts per party are on the
    # platform row)
    with django_assert_num_queries(11):
        response = client.get(forum.get_absolute_url())
    assert response.status_code == 200


def test_many_checks_cost_one_query_per_snapshot(
    forum, council, alice, local_unit, leo, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = alice
    access = Access.for_request(request)
    assert Access.of(alice) is access
    with django_assert_num_queries(1):  # alice's memberships, once
        for platform in (forum, council, forum, council):
            permissions.can_participate(alice, platform)
            permissions.can_act_as_secretariat(alice, platform)
            permissions.can_manage_memberships(alice, platform)
            permissions.can_moderate(alice, platform)
            permissions.can_request_membership(alice, platform)
            permissions.can_name_delegate(alice, platform)
    with django_assert_num_queries(1):  # alice's liaison posts, once
        permissions.can_respond_for_unit(alice, local_unit)
        permissions.is_liaison_officer(alice)
        permissions.units_user_responds_for(alice)


def test_a_role_change_in_the_request_is_seen_at_once(forum, paula, cyril):
    """A service that changes roles mid-request makes the attached snapshot reload."""
    request = RequestFactory().get("/")
    request.user = cyril
    Access.for_request(request)
    assert not permissions.can_participate(cyril, forum)
    m = membership_grant(platform=forum, user=cyril, party=Party.CITIZEN, actor=paula)
    assert permissions.can_participate(cyril, forum)
    membership_end(membership=m, actor=paula)
    assert not permissions.can_participate(cyril, forum)


def test_without_a_request_every_check_reads_fresh(forum, alice):
    assert permissions.can_participate(alice, forum)
    Membership.objects.filter(user=alice).update(status=Membership.Status.ENDED)
    assert not permissions.can_participate(alice, forum)


# -- each check agrees with its queryset ---------------------------------------------------------


@pytest.fixture
def drafts(forum, cyril):
    """Platforms of every status, some of them cyril's or naming him."""
    mine = PlatformFactory(status=Platform.Status.DRAFT, created_by=cyril, parent=None)
    named = PlatformFactory(status=Platform.Status.SUBMITTED, parent=None)
    PlatformContact.objects.create(platform=named, user=cyril, name="Cyril", source="initiative")
    other = PlatformFactory(status=Platform.Status.RETURNED, parent=None)
    closed = PlatformFactory(status=Platform.Status.CLOSED)
    return [forum, mine, named, other, closed]


@pytest.mark.parametrize("persona", ["anon", "cyril", "alice", "paula", "leo", "sysadmin"])
def test_platforms_visible_to_agrees_with_can_view_platform(request, drafts, persona, paula):
    user = AnonymousUser() if persona == "anon" else request.getfixturevalue(persona)
    # paula administers one draft: an admin sees the drafts of platforms they manage
    admin_draft = PlatformFactory(status=Platform.Status.DRAFT, parent=None)
    membership_grant(
        platform=admin_draft, user=paula, party=Party.LSG, role=Role.ADMIN, actor=None, check=False
    )
    visible = set(permissions.platforms_visible_to(user))
    for platform in Platform.objects.all():
        assert (platform in visible) == permissions.can_view_platform(user, platform), platform


def test_platforms_visible_to_includes_a_registration_the_official_answers(forum, cyril):
    """An official of the territory sees a submitted registration in the list and on its page."""
    from platforms.registration import initiative_add, registration_start, registration_submit

    official = UserFactory()
    membership_grant(platform=forum, user=official, party=Party.LSG, actor=None, check=False)
    pending = registration_start(user=cyril, name="Dacha forum", territory=forum.territory)
    pending.aims = "Safer"
    pending.save(update_fields=["aims"])
    initiative_add(platform=pending, user=cyril, name="Asel Bek", email="a@example.org")
    initiative_add(platform=pending, user=cyril, name="Bolot Sar", email="b@example.org")
    registration_submit(platform=pending, user=cyril)
    pending.refresh_from_db()
    assert permissions.can_view_platform(official, pending)
    assert pending in permissions.platforms_visible_to(official)
    assert not permissions.can_view_platform(UserFactory(), pending)


@pytest.mark.parametrize("persona", ["anon", "cyril", "alice", "leo", "lena", "head", "sysadmin"])
def test_units_user_responds_for_agrees_with_can_respond_for_unit(
    request, persona, local_unit, district_unit
):
    from platforms.models import LiaisonOfficer
    from platforms.services import liaison_assign

    if persona == "head":
        user = UserFactory()
        liaison_assign(user=user, unit=district_unit, position=LiaisonOfficer.Position.HEAD)
    else:
        user = AnonymousUser() if persona == "anon" else request.getfixturevalue(persona)
    PoliceUnitFactory(parent=local_unit)
    allowed = set(permissions.units_user_responds_for(user))
    for unit in PoliceUnit.objects.all():
        assert (unit in allowed) == permissions.can_respond_for_unit(user, unit), unit


def test_an_ended_post_answers_for_nothing(leo, local_unit):
    post = leo.liaison_posts.get()
    liaison_end(post=post)
    assert not permissions.can_respond_for_unit(leo, local_unit)
    assert not permissions.units_user_responds_for(leo).exists()
    assert not permissions.is_liaison_officer(leo)
