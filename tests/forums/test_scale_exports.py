"""Exports at national size (issue 13): the CSV streams as rows arrive instead of being built in
memory; the whole tracker needs signing in (one forum's CSV stays open to anyone); a large
export runs once at a time per person; an XLSX over the limit is refused before it is built."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from forums import exports, selectors
from tests.factories import PlatformFactory
from tests.forums.test_scale_builders import bulk_proposals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch):
    monkeypatch.setattr(exports, "ANONYMOUS_ROWS", 5)
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 8)


def test_csv_yields_rows_as_they_arrive(forum, alice, monkeypatch):
    bulk_proposals(forum, n=12, author=alice)
    monkeypatch.setattr(exports, "FLUSH_BYTES", 1)  # a piece per row
    monkeypatch.setattr(exports, "CHUNK", 2)
    fetched = []
    rows = exports.rows

    def counting(qs):
        for row in rows(qs):
            fetched.append(row[0])
            yield row

    monkeypatch.setattr(exports, "rows", counting)
    chunks = exports.csv_chunks(selectors.tracker_matches())
    first = next(chunks)
    assert first.startswith("\ufeff") and len(fetched) == 1, "one row read, not the whole set"
    next(chunks)
    assert len(fetched) == 2
    rest = list(chunks)
    assert len(fetched) == 12 and len(rest) == 11


def test_whole_export_is_streamed_for_a_signed_in_person(client, forum, alice):
    bulk_proposals(forum, n=9, author=alice)
    client.force_login(alice)
    response = client.get(reverse("forums:export"))
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 9


def test_anonymous_whole_export_asks_to_sign_in(client, forum, alice):
    bulk_proposals(forum, n=9, author=alice)
    response = client.get(reverse("forums:export"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert client.get(reverse("forums:export_xlsx")).status_code == 302


def test_anonymous_export_of_one_forum_stays_open(client, forum, alice):
    bulk_proposals(forum, n=9, author=alice)
    small = PlatformFactory()
    bulk_proposals(small, n=3, author=alice, title="Small forum lights")
    response = client.get(reverse("forums:export"), {"platform": small.slug})
    assert isinstance(response, StreamingHttpResponse)
    assert "Small forum lights" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_small_anonymous_export_stays_open(client, forum, alice):
    bulk_proposals(forum, n=4, author=alice)
    response = client.get(reverse("forums:export"))
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)


def test_a_large_export_runs_once_at_a_time_per_person(client, forum, alice, cyril):
    bulk_proposals(forum, n=9, author=alice)
    client.force_login(alice)
    first = client.get(reverse("forums:export"))
    assert first.status_code == 200
    busy = client.get(reverse("forums:export"))
    assert busy.status_code == 429
    # someone else is not held up by alice's download
    client.force_login(cyril)
    assert client.get(reverse("forums:export")).status_code == 200
    b"".join(first.streaming_content)  # the download ends: the response is closed
    client.force_login(alice)
    again = client.get(reverse("forums:export"))
    assert again.status_code == 200
    b"".join(again.streaming_content)  # read to the end: the slot is freed
    last = client.get(reverse("forums:export"))
    assert last.status_code == 200
    b"".join(last.streaming_content)


def test_a_broken_off_download_frees_the_slot(rf, alice):
    """The WSGI server calls close() on the response however the download ends."""
    request = rf.get("/")
    request.user = alice
    slot = exports.ExportSlot.hold(request, iter(["a", "b"]))
    assert slot is not None and exports.ExportSlot.hold(request, iter([])) is None
    assert next(iter(slot)) == "a"
    slot.close()
    again = exports.ExportSlot.hold(request, iter([]))
    assert again is not None
    again.close()


def test_xlsx_over_the_limit_is_refused_before_it_is_built(client, forum, alice, monkeypatch):
    bulk_proposals(forum, n=9, author=alice)
    client.force_login(alice)

    def never(qs):
        raise AssertionError("built although over the limit")

    monkeypatch.setattr(exports, "xlsx_bytes", never)
    response = client.get(reverse("forums:export_xlsx"), follow=True)
    assert "More than 8 proposals" in response.content.decode()


def test_server_side_cursors_are_planned_for_all_their_rows():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert float(cursor.fetchone()[0]) == 1.0
