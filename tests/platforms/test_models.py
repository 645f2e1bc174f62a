import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from platforms.models import Membership, Party, Platform, PlatformEvent, Role, Territory
from platforms.services import platform_create
from tests.factories import CouncilFactory, PlatformFactory, TerritoryFactory, national_council

pytestmark = pytest.mark.django_db


def test_shipped_territories_cover_every_oblast_and_rayon():
    """The real tree ships as data: 7 oblasts, Bishkek and Osh, 40 rayons, with names."""
    assert Territory.objects.filter(kind=Territory.Kind.OBLAST).count() == 7
    assert set(
        Territory.objects.filter(kind=Territory.Kind.CITY_REPUBLICAN).values_list(
            "name_en", flat=True
        )
    ) == {"Bishkek", "Osh"}
    assert Territory.objects.filter(kind=Territory.Kind.RAYON).count() == 40
    alamudun = Territory.objects.get(code="KG-C-ALAMUDUN")
    assert alamudun.parent.code == "KG-C"
    assert alamudun.name_ru and alamudun.name_ky


def test_territory_name_follows_active_language():
    from django.utils import translation

    chui = Territory.objects.get(code="KG-C")
    with translation.override("ru"):
        assert chui.name == chui.name_ru
    with translation.override("ky"):
        assert chui.name == chui.name_ky
    with translation.override("en"):
        assert chui.name == chui.name_en


def test_subtree_query_uses_path():
    chui = Territory.objects.get(code="KG-C")
    below = Territory.objects.below(chui)
    assert below.filter(code="KG-C-ALAMUDUN").exists()
    assert not below.filter(code="KG-B").exists()


def test_community_forum_parent_must_be_council_of_its_district():
    other_council = CouncilFactory(territory=Territory.objects.get(code="KG-B-BATKEN"))
    forum = PlatformFactory.build(
        territory=TerritoryFactory(), parent=other_council, slug="x", name="x"
    )
    with pytest.raises(ValidationError) as exc:
        forum.full_clean()
    assert "parent" in exc.value.message_dict


def test_community_forum_parent_must_be_a_council_not_national():
    forum = PlatformFactory.build(territory=TerritoryFactory(), parent=national_council(), slug="y")
    with pytest.raises(ValidationError) as exc:
        forum.full_clean()
    assert "parent" in exc.value.message_dict


def test_only_one_national_council():
    national_council()
    second = Platform(
        name="Second",
        slug="second",
        level=Platform.Level.NATIONAL,
        territory=Territory.objects.get(code="KG"),
    )
    with pytest.raises(ValidationError):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_platform_cannot_be_its_own_ancestor():
    council = CouncilFactory()
    council.parent = council
    with pytest.raises(ValidationError) as exc:
        council.full_clean()
    assert "parent" in exc.value.message_dict


def test_kind_only_for_community_forums():
    council = CouncilFactory.build(kind=Platform.Kind.LCPC, slug="c", parent=national_council())
    with pytest.raises(ValidationError) as exc:
        council.full_clean()
    assert "kind" in exc.value.message_dict


def test_platform_create_records_an_event_and_sets_path():
    council = CouncilFactory()
    forum = platform_create(
        name="Kok-Jar forum",
        level=Platform.Level.COMMUNITY,
        kind=Platform.Kind.INITIATIVE,
        territory=TerritoryFactory(),
        parent=council,
    )
    assert forum.path == f"{council.path}{forum.pk}/"
    assert PlatformEvent.objects.filter(platform=forum, kind="created").count() == 1
    assert Platform.objects.below(council.parent).filter(pk=forum.pk).exists()


def test_platform_events_are_append_only():
    forum = PlatformFactory()
    event = PlatformEvent.objects.create(platform=forum, kind="status", old="a", new="b")
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_secretariat_needs_a_term():
    m = Membership(platform=PlatformFactory(), user=None, party=Party.NGO, role=Role.SECRETARIAT)
    with pytest.raises(ValidationError) as exc:
        m.clean()
    assert "term_end" in exc.value.message_dict


def test_delegate_represents_a_platform_directly_below():
    forum = PlatformFactory()
    council = forum.parent
    ok = Membership(platform=council, party=Party.DELEGATE, delegated_from=forum)
    ok.clean()
    wrong = Membership(platform=council.parent, party=Party.DELEGATE, delegated_from=forum)
    with pytest.raises(ValidationError):
        wrong.clean()
    missing = Membership(platform=council, party=Party.DELEGATE)
    with pytest.raises(ValidationError):
        missing.clean()


def test_one_open_membership_per_role_is_a_database_constraint(alice, forum):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=alice,
            platform=forum,
            party=Party.CITIZEN,
            role=Role.MEMBER,
            status=Membership.Status.ACTIVE,
        )
