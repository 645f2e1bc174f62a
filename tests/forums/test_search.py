"""Search finds Russian and Kyrgyz word forms (PostgreSQL) and ignores case everywhere."""

import pytest
from django.db import connection

from forums import selectors, services
from forums.models import Proposal

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming and trigrams are PostgreSQL's"
)


@pytest.fixture
def proposals(forum, alice):
    def make(title, body="Текст"):
        return services.proposal_create(
            platform=forum, author=alice, title=title, body=body, category="other", submit=True
        )

    return {
        "school": make("Вымогательство возле школы №3"),
        "lights": make("Нет фонарей на улице Ленина"),
        "tree": make("Ёлка на площади упала"),
        "kg": make("Мектептин жанында жарык жок"),
        "other": make("Бродячие собаки", body="Стая собак у рынка"),
    }


def found(query):
    return set(selectors.search(Proposal.objects.all(), query).values_list("title", flat=True))


def test_cyrillic_search_ignores_case(proposals):
    assert found("ВЫМОГАТЕЛЬСТВО") == {"Вымогательство возле школы №3"}
    assert found("мектептин") == {"Мектептин жанында жарык жок"}
    assert found("стая") == {"Бродячие собаки"}


def test_operators_in_the_query_are_words_not_syntax(proposals):
    assert found("собаки & | ! :* ( )") == {"Бродячие собаки"}
    assert found("&|!") == set(found(""))


@postgres_only
@pytest.mark.parametrize(
    "query,title",
    [
        ("школа", "Вымогательство возле школы №3"),
        ("фонарь", "Нет фонарей на улице Ленина"),
        ("елка", "Ёлка на площади упала"),
        ("мектеп", "Мектептин жанында жарык жок"),
        ("вымогательсво", "Вымогательство возле школы №3"),  # a typo, found by trigrams
    ],
)
def test_word_forms_and_typos_are_found(proposals, query, title):
    assert title in found(query)


@postgres_only
def test_search_uses_the_indexes(proposals):
    qs = selectors.search(Proposal.objects.order_by(), "школа")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
        cursor.execute("SET enable_indexscan = on")
    assert "proposal_search_ru" in plan and "proposal_title_trgm" in plan
