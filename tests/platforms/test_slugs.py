"""Platform addresses: readable ASCII from Cyrillic and Uzbek Latin, unique in one query,
never one of the portal's own route words."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse

from platforms.models import Platform
from platforms.services import platform_create
from platforms.slugs import reserved_slugs, slug_base, unique_slug
from tests.factories import PlatformFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Лебединовка", "lebedinovka"),
        ("Жалал-Абад шаары", "jalal-abad-shaary"),
        ("Кең-Суу айыл өкмөтү", "keng-suu-ayyl-okmotu"),
        ("Кыргызстан", "kyrgyzstan"),
        ("Үч-Коргон коомдук кеңеши", "uch-korgon-koomduk-kengeshi"),
        ("Общественный совет Ленинского района", "obshchestvennyy-sovet-leninskogo-rayona"),
        ("Qoʻrgʻontepa mahalla kengashi", "qorgontepa-mahalla-kengashi"),
        ("Ўзбек маҳалла қўмитаси", "ozbek-mahalla-qomitasi"),
        ("Lebedinovka forum", "lebedinovka-forum"),
        ("!!!", "platform"),
    ],
)
def test_names_become_readable_ascii(name, slug):
    assert slug_base(name) == slug


def test_a_cyrillic_name_gets_a_readable_free_slug_in_one_query(django_assert_num_queries):
    for n in range(30):
        PlatformFactory(slug="kok-jar" if n == 0 else f"kok-jar-{n + 1}")
    PlatformFactory(slug="kok-jar-ata")  # shares the prefix, is not a number

    # 1. SELECT slug FROM platform WHERE slug LIKE 'kok-jar%'
    with django_assert_num_queries(1):
        slug = unique_slug("Көк-Жар")

    assert slug == "kok-jar-31"


def test_a_free_name_keeps_its_bare_slug(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert unique_slug("Байтик коомдук форуму") == "baytik-koomduk-forumu"


def test_the_first_gap_is_taken():
    PlatformFactory(slug="baitik")
    PlatformFactory(slug="baitik-3")
    assert unique_slug("Baitik") == "baitik-2"


def test_route_words_are_read_from_the_url_patterns():
    words = reserved_slugs()
    assert "register" in words  # /platforms/register/, the registration wizard
    assert {"new", "import"} <= words
    for word in words:
        assert "<" not in word and "/" not in word


def test_a_forum_named_register_does_not_take_the_wizards_address():
    slug = unique_slug("Register")
    assert slug == "register-2"
    assert resolve(f"/platforms/{slug}/").url_name == "detail"
    assert reverse("platforms:register") == "/platforms/register/"


def test_platform_create_gives_a_cyrillic_forum_a_readable_slug(forum):
    territory = TerritoryFactory()
    platform = platform_create(
        name="Көк-Жар коомдук форуму",
        level=Platform.Level.COMMUNITY,
        kind=Platform.Kind.INITIATIVE,
        territory=territory,
        parent=forum.parent,
    )
    assert platform.slug == "kok-jar-koomduk-forumu"
    assert platform.get_absolute_url() == "/platforms/kok-jar-koomduk-forumu/"


def test_a_route_word_typed_as_a_slug_is_refused(forum):
    forum.slug = "register"
    with pytest.raises(ValidationError) as error:
        forum.full_clean()
    assert "slug" in error.value.message_dict
