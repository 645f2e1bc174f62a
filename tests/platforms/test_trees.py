"""Moving a node of a tree moves its whole subtree: territories, police units and platforms."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import permissions as forum_perms
from forums import selectors as forum_selectors
from forums import services as forum_services
from platforms import selectors
from platforms.models import Party, Platform, PlatformEvent, PoliceUnit, Territory
from platforms.permissions import can_respond_for_unit, units_user_responds_for
from platforms.services import liaison_assign, membership_grant
from platforms.trees import tree_move
from tests.factories import (
    CouncilFactory,
    PlatformFactory,
    PoliceUnitFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _member_of(forum):
    user = UserFactory()
    membership_grant(platform=forum, user=user, party=Party.CITIZEN, actor=None, check=False)
    return user


def _fresh(node):
    return type(node).objects.get(pk=node.pk)


def _path_of(node) -> str:
    """The path a node would have if computed from its ancestors one by one."""
    parts, current = [], node
    while current is not None:
        parts.append(str(current.pk))
        current = current.parent
    return "/" + "/".join(reversed(parts)) + "/"


def _paths_consistent(model) -> None:
    for node in model.objects.select_related("parent"):
        assert node.path == _path_of(node), node


@pytest.fixture
def sysadmin_user(db):
    return UserFactory(is_superuser=True, is_staff=True)


# --- territories ---------------------------------------------------------------------------


@pytest.fixture
def alamudun():
    return Territory.objects.get(code="KG-C-ALAMUDUN")


def test_a_rayon_moved_to_another_oblast_takes_its_aimaks_villages_and_forums(
    alamudun, sysadmin_user
):
    chui, issyk_kul = Territory.objects.get(code="KG-C"), Territory.objects.get(code="KG-Y")
    aimak = TerritoryFactory(parent=alamudun, name_en="Lebedinovka")
    village = TerritoryFactory(parent=aimak, name_en="Kok-Jar", kind=Territory.Kind.TOWN)
    forum = PlatformFactory(territory=village, name="Kok-Jar forum")

    tree_move(node=alamudun, parent=issyk_kul, actor=sysadmin_user)

    village = _fresh(village)
    assert village.path.startswith(issyk_kul.path)
    assert village.path == f"{issyk_kul.path}{alamudun.pk}/{aimak.pk}/{village.pk}/"
    below_issyk_kul = set(Territory.objects.below(issyk_kul))
    assert {alamudun, aimak, village} <= below_issyk_kul
    assert not {alamudun, aimak, village} & set(Territory.objects.below(chui))
    # the region filters of the directory and the tracker follow the move
    assert forum in selectors.directory_platforms(territory=issyk_kul)
    assert forum not in selectors.directory_platforms(territory=chui)
    _paths_consistent(Territory)


def test_the_tracker_region_filter_follows_a_moved_territory(alamudun, sysadmin_user):
    issyk_kul, chui = Territory.objects.get(code="KG-Y"), Territory.objects.get(code="KG-C")
    forum = PlatformFactory(territory=TerritoryFactory(parent=alamudun))
    proposal = forum_services.proposal_create(
        platform=forum,
        author=_member_of(forum),
        title="Dark street",
        body="No lights",
        category="school",
        submit=True,
    )
    assert proposal in forum_selectors.tracker(territory=chui)

    tree_move(node=alamudun, parent=issyk_kul, actor=sysadmin_user)

    assert proposal in forum_selectors.tracker(territory=issyk_kul)
    assert proposal not in forum_selectors.tracker(territory=chui)


def test_a_plain_save_with_a_new_parent_moves_the_subtree_too(alamudun):
    """The admin's form and any other save: the path rewrite is in the model, not the view."""
    aimak = TerritoryFactory(parent=alamudun)
    village = TerritoryFactory(parent=aimak, kind=Territory.Kind.TOWN)
    talas = Territory.objects.get(code="KG-T")

    alamudun.parent = talas
    alamudun.save()

    assert _fresh(village).path == f"{talas.path}{alamudun.pk}/{aimak.pk}/{village.pk}/"
    _paths_consistent(Territory)


def test_a_move_rewrites_the_subtree_in_one_update(alamudun, sysadmin_user):
    for _ in range(5):
        TerritoryFactory(parent=TerritoryFactory(parent=alamudun), kind=Territory.Kind.TOWN)
    issyk_kul = Territory.objects.get(code="KG-Y")

    with CaptureQueriesContext(connection) as ctx:
        tree_move(node=alamudun, parent=issyk_kul, actor=sysadmin_user)

    rewrites = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    # one UPDATE for the node's own fields, one for every path below (whatever its size)
    assert len(rewrites) == 2, rewrites
    assert "LIKE" in rewrites[1] or "like" in rewrites[1].lower()
    _paths_consistent(Territory)


def test_a_territory_cannot_move_inside_its_own_subtree(alamudun, sysadmin_user):
    aimak = TerritoryFactory(parent=alamudun)
    path_before = alamudun.path

    with pytest.raises(ValidationError):
        tree_move(node=alamudun, parent=aimak, actor=sysadmin_user)
    alamudun = _fresh(alamudun)
    alamudun.parent = aimak
    with pytest.raises(ValidationError):
        alamudun.save()  # the model refuses it even without full_clean

    assert _fresh(alamudun).path == path_before


def test_only_a_system_administrator_moves(alamudun):
    with pytest.raises(PermissionDenied):
        tree_move(node=alamudun, parent=Territory.objects.get(code="KG-Y"), actor=UserFactory())
    assert _fresh(alamudun).parent.code == "KG-C"


# --- police units ----------------------------------------------------------------------------


@pytest.fixture
def units():
    chui_t, talas_t = Territory.objects.get(code="KG-C"), Territory.objects.get(code="KG-T")
    ministry = PoliceUnitFactory(name="Ministry", kind=PoliceUnit.Kind.MINISTRY)
    chui = PoliceUnitFactory(
        name="Chui directorate", kind=PoliceUnit.Kind.DIRECTORATE, parent=ministry, territory=chui_t
    )
    talas = PoliceUnitFactory(
        name="Talas directorate",
        kind=PoliceUnit.Kind.DIRECTORATE,
        parent=ministry,
        territory=talas_t,
    )
    district = PoliceUnitFactory(name="District", kind=PoliceUnit.Kind.DISTRICT, parent=chui)
    local = PoliceUnitFactory(name="Local", parent=district)
    return chui, talas, district, local


def test_a_moved_unit_is_answered_for_by_its_new_higher_units_not_the_old(units, sysadmin_user):
    chui, talas, district, local = units
    chui_liaison, talas_liaison = UserFactory(), UserFactory()
    liaison_assign(user=chui_liaison, unit=chui)
    liaison_assign(user=talas_liaison, unit=talas)
    forum = PlatformFactory()
    proposal = forum_services.proposal_create(
        platform=forum,
        author=_member_of(forum),
        title="Dark street",
        body="No lights",
        category="school",
        police_unit=local,
        submit=True,
    )
    assert forum_perms.can_respond_police(chui_liaison, proposal)
    assert not forum_perms.can_respond_police(talas_liaison, proposal)

    tree_move(node=district, parent=talas, actor=sysadmin_user)

    proposal.police_unit = _fresh(local)
    assert forum_perms.can_respond_police(talas_liaison, proposal)
    assert not forum_perms.can_respond_police(chui_liaison, proposal)
    assert can_respond_for_unit(talas_liaison, _fresh(district))
    assert set(units_user_responds_for(talas_liaison)) == {talas, district, local}
    assert set(units_user_responds_for(chui_liaison)) == {chui}
    assert proposal in forum_perms.liaison_queue(talas_liaison)
    assert proposal not in forum_perms.liaison_queue(chui_liaison)
    assert set(PoliceUnit.objects.below(talas)) == {talas, district, local}
    _paths_consistent(PoliceUnit)


def test_a_unit_cannot_move_below_itself(units, sysadmin_user):
    chui, _, district, local = units
    with pytest.raises(ValidationError):
        tree_move(node=chui, parent=local, actor=sysadmin_user)
    assert _fresh(local).path.startswith(_fresh(chui).path)


# --- platforms -------------------------------------------------------------------------------


def test_a_forum_moved_to_another_council_is_listed_there_and_recorded(sysadmin_user):
    forum = PlatformFactory(name="Lebedinovka forum")
    old_council = forum.parent
    sokuluk = Territory.objects.get(code="KG-C-SOKULUK")
    new_council = CouncilFactory(territory=sokuluk)

    forum.territory = TerritoryFactory(parent=sokuluk)
    tree_move(node=forum, parent=new_council, actor=sysadmin_user, reason="boundary change")

    forum = _fresh(forum)
    assert forum.path == f"{new_council.path}{forum.pk}/"
    assert forum in Platform.objects.below(new_council)
    assert forum not in Platform.objects.below(old_council)
    assert forum in Platform.objects.below(new_council.parent)  # still under the national council
    event = forum.events.get(kind=PlatformEvent.Kind.MOVED)
    assert (event.old, event.new, event.actor, event.reason) == (
        str(old_council.pk),
        str(new_council.pk),
        sysadmin_user,
        "boundary change",
    )


def test_a_platform_cannot_become_its_own_ancestor(sysadmin_user):
    forum = PlatformFactory()
    council = forum.parent
    with pytest.raises(ValidationError):
        tree_move(node=council, parent=forum, actor=sysadmin_user)
    assert _fresh(forum).path.startswith(_fresh(council).path)
    assert not PlatformEvent.objects.filter(kind=PlatformEvent.Kind.MOVED).exists()


def test_activation_places_a_draft_under_its_council_with_its_path(db):
    """A registration has no parent until it activates: that first placement is a move too."""
    draft = PlatformFactory(parent=None, status=Platform.Status.DRAFT)
    council = CouncilFactory(territory=Territory.objects.get(code="KG-C-SOKULUK"))
    assert draft.path == f"/{draft.pk}/"

    draft = _fresh(draft)
    draft.parent = council
    draft.save(update_fields=["parent"])

    assert _fresh(draft).path == f"{council.path}{draft.pk}/"
