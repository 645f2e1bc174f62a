import pytest
from django.urls import reverse

from platforms import views
from platforms.models import Party, Platform, Role, Territory
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    PlatformFactory,
    ThematicGroupFactory,
    national_council,
)

pytestmark = pytest.mark.django_db


def _grow(council, n):
    """n community forums under the council, each with two members."""
    for _ in range(n):
        forum = PlatformFactory(parent=council)
        MembershipFactory.create_batch(2, platform=forum)


def test_home_shows_level_counts(client, forum):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["counts"]["community"] == 1
    assert response.context["counts"]["district"] == 1


def test_directory_lists_public_platforms_only(client, forum):
    hidden = PlatformFactory(status=Platform.Status.DRAFT, name="Secret draft")
    response = client.get(reverse("platforms:directory"))
    assert response.status_code == 200
    body = response.content.decode()
    assert forum.name in body
    assert hidden.name not in body


def test_directory_filters_by_level_and_territory(client, forum):
    sokuluk = CouncilFactory(territory=Territory.objects.get(code="KG-C-SOKULUK"))
    response = client.get(reverse("platforms:directory"), {"level": "community"})
    names = [p.name for p in response.context["page"]]
    assert names == [forum.name]
    response = client.get(reverse("platforms:directory"), {"territory": "KG-B"})
    assert list(response.context["page"]) == []
    response = client.get(
        reverse("platforms:directory"), {"territory": "KG-C", "level": "district"}
    )
    assert {p.pk for p in response.context["page"]} == {forum.parent.pk, sokuluk.pk}


def test_directory_ignores_bad_filters(client, forum):
    response = client.get(
        reverse("platforms:directory"), {"level": "nonsense", "territory": "NOPE", "page": "x"}
    )
    assert response.status_code == 200
    assert response.context["level"] == ""


def test_platform_page_shows_structure(client, forum, alice, sam):
    group = ThematicGroupFactory(platform=forum, name="Youth safety")
    response = client.get(forum.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert forum.parent.name in body
    assert group.name in body
    assert alice.public_name in body and sam.public_name in body
    assert alice.email not in body  # never e-mail addresses on public pages
    council_page = client.get(forum.parent.get_absolute_url()).content.decode()
    assert forum.name in council_page


def test_draft_platform_is_404_for_outsiders_and_visible_to_initiator(client, cyril):
    draft = PlatformFactory(status=Platform.Status.DRAFT, created_by=cyril)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(cyril)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_user_content_is_escaped(client):
    forum = PlatformFactory(aims="<script>alert(1)</script>")
    body = client.get(forum.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("size", [10, 200])
def test_directory_query_count_is_flat(client, django_assert_num_queries, size):
    council = CouncilFactory()
    _grow(council, size)
    # 1 count for the paginator, 1 page of platforms with territory, parent and member count,
    # 1 territories for the filter
    with django_assert_num_queries(3):
        response = client.get(reverse("platforms:directory"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_platform_page_query_count_is_flat(client, django_assert_num_queries, size):
    council = CouncilFactory()
    _grow(council, size)
    for _ in range(size // 10):
        MembershipFactory(platform=council, party=Party.NGO)
        ThematicGroupFactory(platform=council)
    MembershipFactory(
        platform=council,
        role=Role.MEMBER,
        party=Party.DELEGATE,
        delegated_from=council.children.first(),
    )
    # 1 platform with territory and parents (and its counts per party), 1 members (with users
    # and represented platform), 1 secretariat and delegates with terms, 1 thematic groups with
    # counts, 1 children (member counts are a column), at most CHILDREN_SHOWN of them
    with django_assert_num_queries(5):
        response = client.get(council.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["children"]) == min(size, views.CHILDREN_SHOWN)


def test_national_page_lists_councils(client, forum):
    response = client.get(national_council().get_absolute_url())
    assert forum.parent.name in response.content.decode()


def test_leaving_asks_first_and_the_page_links_plans_and_reports(client, forum, alice):
    client.force_login(alice)
    page = client.get(forum.get_absolute_url()).content.decode()
    # a two-step form: the button that leaves sits inside a closed <details>
    assert '<details class="confirm"><summary class="button secondary">Leave this forum' in page
    assert 'class="danger">Yes, leave' in page
    assert f"/reports/p/{forum.slug}/" in page
