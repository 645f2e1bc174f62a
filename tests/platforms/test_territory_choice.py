"""Choosing a territory: oblast -> rayon -> ayil aimak in the reader's language, with a search
that works without JavaScript (issue 9.19)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from platforms.forms import BasicsForm, grouped_territory_choices
from platforms.models import Platform, Territory
from tests.factories import CouncilFactory, PlatformFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lebedinovka(db):
    alamudun = Territory.objects.get(code="KG-C-ALAMUDUN")
    CouncilFactory(territory=alamudun)
    return TerritoryFactory(
        code="T-LEB", parent=alamudun, name_en="Lebedinovka", name_ru="Лебединовка",
        name_ky="Лебединовка",
    )  # fmt: skip


def _labels(choices):
    return [group for group, _ in choices[1:]]


def test_groups_are_oblasts_in_the_readers_language_sorted_by_it(lebedinovka):
    with translation.override("ru"):
        groups = _labels(grouped_territory_choices())
    assert "Чуйская область" in groups and "Бишкек" in groups
    assert groups == sorted(groups, key=str.casefold)
    with translation.override("ky"):
        assert "Чүй облусу" in _labels(grouped_territory_choices())


def test_each_rayon_is_followed_by_its_aimaks_and_oblasts_are_not_choices(lebedinovka):
    with translation.override("ru"):
        chui = dict(grouped_territory_choices()[1:])["Чуйская область"]
    labels = [label for _, label in chui]
    alamudun = labels.index("Аламудунский район")
    assert labels[alamudun + 1] == "— Лебединовка"
    oblasts = set(Territory.objects.filter(kind="oblast").values_list("pk", flat=True))
    assert not oblasts & {
        pk for _, pk_labels in grouped_territory_choices()[1:] for pk, _ in pk_labels
    }


def test_find_narrows_the_list_without_saving(client, lebedinovka):
    client.force_login(UserFactory())
    with translation.override("ru"):
        response = client.post(
            reverse("platforms:register"),
            {"name": "Форум", "territory_q": "лебедин", "find": "1"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert response.status_code == 200
    assert not Platform.objects.filter(name="Форум").exists()
    options = re.findall(r'<option value="(\d+)"', response.content.decode())
    # the match, after its rayon (shown for context, and itself a choice)
    assert options == [str(lebedinovka.parent_id), str(lebedinovka.pk)]
    form = response.context["form"]
    assert form["territory_q"].value() == "лебедин" and form["name"].value() == "Форум"

    response = client.post(
        reverse("platforms:register"), {"name": "Форум", "territory": lebedinovka.pk}
    )
    assert response.status_code == 302
    assert Platform.objects.get(name="Форум").territory == lebedinovka


def test_find_with_no_match_says_so(lebedinovka):
    form = BasicsForm({"name": "x", "territory_q": "Atlantis", "find": "1"})
    assert not form.is_valid()
    assert form.errors["territory"] == ["No territory matches this search: try another spelling."]


def test_a_rayon_found_by_name_brings_its_aimaks(lebedinovka):
    form = BasicsForm({"name": "x", "territory_q": "Alamudun", "find": "1"})
    labels = [label for _, group in form.fields["territory"].choices[1:] for _, label in group]
    with translation.override("en"):
        assert any("Lebedinovka" in str(label) for label in labels)


def test_the_directory_filter_groups_rayons_under_their_oblast(client, lebedinovka):
    forum = PlatformFactory(territory=lebedinovka, name="Village forum")
    response = client.get(reverse("platforms:directory"), HTTP_ACCEPT_LANGUAGE="ru")
    body = response.content.decode()
    assert re.search(r'<optgroup label="[^"]+">\s*<option value="KG-C"', body)
    chui = body.index('<option value="KG-C"')
    assert chui < body.index('value="KG-C-ALAMUDUN"') < body.index("</optgroup>", chui)
    # the search box finds forums by their place's name, in any language
    response = client.get(reverse("platforms:directory"), {"q": "Лебединовка"})
    assert forum in response.context["page"].object_list
