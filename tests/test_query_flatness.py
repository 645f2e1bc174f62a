"""Query flatness: every page the benchmark drives (bench/pages.py) makes as many SQL queries
over the generator's data at scale 0.001 as over three times that data. A page whose count grows
with the data makes a query per row somewhere; at national scale that is thousands."""

import pytest
from django.core.cache import cache
from django.db import transaction

from bench.pages import page_list, query_count
from reporting.national import generate

pytestmark = pytest.mark.django_db
# the real day: terms and deadlines are read against it (determinism holds within a day)
TODAY = None


def counts_at(scale: float) -> dict[str, int]:
    """Queries per page over generated data, measured cold (caches emptied), then rolled back."""
    with transaction.atomic():
        generate(scale=scale, seed=3, verbose=False, today=TODAY)
        cache.clear()
        clients: dict = {}
        counts = {}
        for page in page_list():
            status, queries, _size = query_count(page, clients)
            assert status == 200, (page.name, page.url, status)
            counts[page.name] = queries
        transaction.set_rollback(True)
    cache.clear()
    return counts


def test_query_counts_do_not_grow_with_the_data():
    small, large = counts_at(0.001), counts_at(0.003)
    assert small.keys() == large.keys()
    assert {n: large[n] for n in large if large[n] != small[n]} == {}, small
