"""Keyset pages (issue 13): every row exactly once going forward and back, ties in the sort key
included, to the microsecond; forged cursors give the first page; counts stop at the cap."""

import base64
from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.paging import CappedCount, capped_counts, keyset_page
from forums import selectors
from forums.models import AWAITING_ACTIVE, PUBLIC_SUBMITTED, Proposal
from tests.forums.test_scale_builders import bulk_proposals, tracker_order

pytestmark = pytest.mark.django_db


def walk_forward(per_page, **filters):
    pages, after = [], ""
    while True:
        page = selectors.tracker_page(after=after, per_page=per_page, **filters)
        pages.append(page)
        if not page.has_next():
            return pages
        after = page.next_cursor


def test_forward_pages_hold_every_row_once_in_order_with_ties(forum, alice, local_unit):
    # 23 proposals, three at a time submitted in the same instant
    made = bulk_proposals(forum, n=23, author=alice, unit=local_unit, ties=3)
    pages = walk_forward(5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    seen = [p.pk for page in pages for p in page]
    assert seen == tracker_order(made)
    assert not pages[0].has_previous() and pages[1].has_previous()


def test_backward_pages_match_the_forward_ones(forum, alice, local_unit):
    bulk_proposals(forum, n=17, author=alice, unit=local_unit, ties=4)
    forward = walk_forward(4)
    page = forward[-1]
    backward = [[p.pk for p in page]]
    while page.previous_cursor:
        page = selectors.tracker_page(before=page.previous_cursor, per_page=4)
        backward.append([p.pk for p in page])
    assert backward[::-1] == [[p.pk for p in f] for f in forward]
    assert not page.has_previous(), "the walk back ends on the first page"


def test_keys_differing_by_a_microsecond_are_neither_skipped_nor_repeated(forum, alice):
    made = bulk_proposals(forum, n=3, author=alice)
    base = made[0].submitted_at
    for i, p in enumerate(made):
        Proposal.objects.filter(pk=p.pk).update(submitted_at=base + timedelta(microseconds=i))
    seen = [p.pk for page in walk_forward(1) for p in page]
    assert seen == [made[2].pk, made[1].pk, made[0].pk]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b'["not a date", 1]').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00+00:00"]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"[null, null]").decode(),
        "A" * 5000,
    ],
)
def test_a_forged_cursor_gives_the_first_page(client, forum, alice, cursor):
    bulk_proposals(forum, n=3, author=alice)
    first = [p.pk for p in selectors.tracker_page(per_page=2)]
    assert [p.pk for p in selectors.tracker_page(after=cursor, per_page=2)] == first
    response = client.get(reverse("forums:tracker"), {"after": cursor, "before": cursor})
    assert response.status_code == 200


def test_the_tracker_page_links_to_the_next_page_keeping_the_filters(client, forum, alice):
    bulk_proposals(forum, n=35, author=alice)
    bulk_proposals(forum, n=4, author=alice, category="road")
    response = client.get(reverse("forums:tracker"), {"category": "youth"})
    page = response.context["page"]
    assert len(page) == 30 and page.has_next()
    assert f"category=youth&amp;after={page.next_cursor}" in response.content.decode()
    rest = client.get(reverse("forums:tracker"), {"category": "youth", "after": page.next_cursor})
    assert len(rest.context["page"]) == 5
    assert not {p.pk for p in page} & {p.pk for p in rest.context["page"]}
    assert rest.context["page"].paginator.count == 35


def test_counts_are_exact_under_the_cap_and_say_more_above_it(forum, alice):
    bulk_proposals(forum, n=5, author=alice)
    counts = capped_counts(
        {"all": Proposal.objects.all(), "none": Proposal.objects.filter(pk__in=[])}, cap=3
    )
    assert counts["none"] == 0 and counts["none"].exact
    assert not counts["all"].exact and str(counts["all"]) == "3+"
    assert capped_counts({"all": Proposal.objects.all()})["all"] == CappedCount(5)


def test_the_tracker_says_more_than_the_cap(client, forum, alice, monkeypatch):
    monkeypatch.setattr("accounts.paging.COUNT_CAP", 3)
    bulk_proposals(forum, n=5, author=alice)
    for query in ({}, {"q": "lighting"}):
        response = client.get(reverse("forums:tracker"), query)
        assert "more than 3 proposals" in response.content.decode()


def test_the_index_conditions_repeat_the_models_states():
    """The partial indexes hold exactly what the tracker and the overdue filter ask for."""
    private = next(c for c in PUBLIC_SUBMITTED.children if isinstance(c, type(PUBLIC_SUBMITTED)))
    assert tuple(private.children[0][1]) == tuple(Proposal.PRIVATE_STATES)
    inactive = AWAITING_ACTIVE.children[-1]
    assert tuple(inactive.children[0][1]) == tuple(Proposal.INACTIVE_STATES)


def test_keyset_page_orders_ascending_too(forum, alice):
    made = bulk_proposals(forum, n=7, author=alice, ties=2)
    qs = Proposal.objects.all()
    first = keyset_page(qs, keys=("submitted_at", "pk"), descending=False, per_page=4)
    second = keyset_page(
        qs, keys=("submitted_at", "pk"), descending=False, per_page=4, after=first.next_cursor
    )
    expected = [p.pk for p in sorted(made, key=lambda p: (p.submitted_at, p.pk))]
    assert [p.pk for p in first] + [p.pk for p in second] == expected
    assert not second.has_next()
