"""A search outside a transaction (as a web request runs) reads its first matches with the
planner told to use the word indexes (forums.selectors._search_ids); the hint ends with it."""

import pytest
from django.db import connection

from forums import selectors, services


@pytest.mark.django_db(transaction=True)
def test_search_in_autocommit_finds_the_matches_and_leaves_the_planner_as_it_was(forum, alice):
    for title in ("Кража велосипеда у школы", "Кража в магазине", "Тёмная улица"):
        services.proposal_create(
            platform=forum, author=alice, title=title, body="Просим помочь.", category="school",
            submit=True,
        )  # fmt: skip
    assert not connection.in_atomic_block
    page = selectors.tracker_page(query="кража")
    assert sorted(p.title for p in page.object_list) == [
        "Кража в магазине",
        "Кража велосипеда у школы",
    ]
    assert page.paginator.count.value == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"
