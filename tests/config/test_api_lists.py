"""The open data API's lists: filters, cursor paging, whole lists as CSV (streamed, formula-safe),
anonymous throttling (allowed, then 429), query counts that do not grow with the data, and the
documentation page under the Content-Security-Policy."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from tests.config.api_world import LISTS, build

pytestmark = pytest.mark.django_db

# Queries per list page, the same at every size. Most lists are one query (the page with its
# foreign keys joined); prefetched lists add one per prefetch: unit profiles (figures,
# published results), plans (actions). Territory filters add one lookup of the territory.
QUERIES = {name: 1 for name in LISTS} | {"unit-profiles": 3, "plans": 2}


@pytest.mark.parametrize("size", [1, 4])
def test_list_query_counts_are_flat(client, forum, leo, local_unit, size):
    build(forum, leo, local_unit, n=size)
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/{name}/").status_code == 200
        assert len(queries) == QUERIES[name], (name, [q["sql"][:120] for q in queries])


@pytest.mark.parametrize("size", [1, 4])
def test_detail_query_counts_are_flat(client, forum, leo, local_unit, size):
    world = build(forum, leo, local_unit, n=size)
    # proposal + answers + timeline; result + criteria + findings + recommendations;
    # report + versions
    for url, expected in (
        (f"/api/v1/proposals/{world.public_proposal.pk}/", 3),
        (f"/api/v1/assessment-results/{world.published_subject.pk}/", 4),
        (f"/api/v1/reports/{world.report.pk}/", 2),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == expected, url


def test_csv_streams_every_row_across_batches_formula_safe(client, forum, leo, local_unit):
    import accounts.api

    build(forum, leo, local_unit, n=5)
    old, accounts.api.CSV_BATCH = accounts.api.CSV_BATCH, 2
    try:
        response = client.get("/api/v1/responses/", {"format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8")
    finally:
        accounts.api.CSV_BATCH = old
    assert response["Content-Disposition"] == 'attachment; filename="response.csv"'
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 5 and len({r["id"] for r in rows}) == 5
    # an answer written as a formula is quoted, never run by a spreadsheet
    assert {r["text"] for r in rows} == {"'=HYPERLINK(1)"}


def test_csv_keyset_batches_keep_the_filter(client, forum, leo, local_unit):
    build(forum, leo, local_unit, n=3)
    response = client.get("/api/v1/proposals/", {"format": "csv", "category": "youth"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert [r["title"] for r in rows] == ["Protected case"]


def test_cursor_paging_walks_every_row_once(client, forum, leo, local_unit):
    build(forum, leo, local_unit, n=5)
    seen, url, params = [], "/api/v1/proposals/", {"page_size": 2}
    while url:
        data = client.get(url, params).json()
        assert "count" not in data  # a cursor: no COUNT over the table
        seen += [p["id"] for p in data["results"]]
        url, params = data["next"], {}
    assert len(seen) == 6 == len(set(seen)) and seen == sorted(seen, reverse=True)


def test_filters(client, forum, leo, local_unit):
    world = build(forum, leo, local_unit, n=2)
    code = forum.territory.code

    def ids(name, **params):
        return {r["id"] for r in client.get(f"/api/v1/{name}/", params).json()["results"]}

    assert ids("proposals", category="youth") == {world.protected.pk}
    assert len(ids("proposals", territory=code, level="community")) == 3
    assert ids("proposals", level="national") == set()
    # a private state is not even a choice
    assert client.get("/api/v1/proposals/", {"state": "draft"}).status_code == 400
    assert ids("proposals", submitted_after="2100-01-01T00:00:00Z") == set()
    assert len(ids("responses", police_unit=local_unit.parent_id)) == 2
    assert ids("responses", territory="KG-B-BATKEN") == set()
    assert len(ids("meetings", platform=forum.slug)) == 2
    assert len(ids("problems", territory=code, stage="scanning")) == 2
    assert len(ids("assessment-results", unit=local_unit.pk, overall=4)) == 2
    assert ids("assessment-results", period_after="2026-01-01") == set()
    assert len(ids("reports", level="community", year_from=2016)) == 1
    assert len(ids("plans", platform=forum.slug)) == 2
    assert local_unit.pk in ids("unit-profiles", territory=local_unit.territory.code)
    assert forum.parent.pk not in ids("police-units", territory="KG-B-BATKEN")


def test_anonymous_clients_are_throttled(client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "anon_csv": "1/min"}
    )
    codes = [client.get("/api/v1/territories/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()
    codes = [client.get("/api/v1/territories/", {"format": "csv"}).status_code for _ in range(2)]
    assert codes == [200, 429]
    cache.clear()


def test_schema_lists_every_endpoint_and_docs_load_under_the_csp(client):
    schema = client.get("/api/schema/").content.decode()
    for name in LISTS:
        assert f"/api/v1/{name}/" in schema
    docs = client.get("/api/docs/")
    body = docs.content.decode()
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "<script>" not in body
    # every script and stylesheet of the page is a local static file that is served
    for src in [*_attrs(body, "script", "src"), *_attrs(body, "link", "href")]:
        assert src.startswith("/"), src
        assert client.get(src).status_code == 200, src


def _attrs(html: str, tag: str, attr: str) -> list[str]:
    import re

    return re.findall(rf'<{tag}[^>]*\s{attr}="([^"]+)"', html)


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    """Validated against the OpenAPI 3 meta-schema; no unresolved types or clashing names."""
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/assessment-results/{id}/" in target.read_text()
