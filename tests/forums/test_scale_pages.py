"""Forums pages cost the same queries at 5 rows and at 50 (issue 13), and show a bounded part
of long lists: the tracker, the proposal's timeline and comments, the liaison queue, the
meeting list, a person's own page, and the meeting page's attendance (found by name, never
every member listed)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import selectors, services
from forums.models import Comment, Meeting, Proposal
from platforms.models import Party, Role
from platforms.services import membership_grant
from tests.factories import UserFactory
from tests.forums.test_scale_builders import bulk_events, bulk_proposals

pytestmark = pytest.mark.django_db

TRACKER_URLS = [
    {},
    {"state": "submitted"},
    {"category": "youth"},
    {"q": "lighting"},
    {"since": "2020-01-01", "until": "2099-12-31"},
    {"overdue": "1"},
]


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("query", TRACKER_URLS, ids=lambda q: ",".join(q) or "all")
def test_tracker_queries_are_flat(client, forum, alice, local_unit, size, query):
    bulk_proposals(forum, n=size, author=alice, unit=local_unit, ties=2)
    # 1 capped count (a search: the ids of up to 1,001 matches instead), 1 page of rows with
    # platforms, unit, support count and answer status, 1 regions and districts, 1 police units
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("forums:tracker"), query)
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 4, [q["sql"][:80] for q in ctx.captured_queries]


@pytest.mark.parametrize("size", [5, 50])
def test_a_deep_tracker_page_costs_what_the_first_does(client, forum, alice, size):
    bulk_proposals(forum, n=size, author=alice)
    first = client.get(reverse("forums:tracker")).context["page"]
    cursor = first.next_cursor or "unused"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("forums:tracker"), {"after": cursor})
    assert response.status_code == 200 and len(ctx.captured_queries) == 4


@pytest.mark.parametrize("events", [5, 60])
def test_proposal_page_is_flat_and_shows_the_latest_events(
    client, forum, alice, local_unit, events, django_assert_num_queries
):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="Lights",
        body="B",
        category="youth",
        police_unit=local_unit,
        submit=True,
    )
    bulk_events(proposal, n=events)
    # proposal with platforms, unit and author; timeline page; responses; escalations;
    # attachments; comments page; supporter count
    with django_assert_num_queries(7):
        response = client.get(proposal.get_absolute_url())
    timeline = response.context["timeline"]
    shown = min(events + 2, selectors.TIMELINE_PAGE)
    assert len(timeline) == shown
    ats = [e.at for e in timeline]
    assert ats == sorted(ats), "oldest first on the page"
    assert proposal.events.order_by("-at", "-pk").first() == list(timeline)[-1]
    assert timeline.has_next() == (events + 2 > selectors.TIMELINE_PAGE)


def test_earlier_events_link_works_without_javascript(client, forum, alice, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="Lights",
        body="B",
        category="youth",
        police_unit=local_unit,
        submit=True,
    )
    bulk_events(proposal, n=262)
    all_events = list(proposal.events.order_by("at", "pk").values_list("pk", flat=True))
    response = client.get(proposal.get_absolute_url())
    body = response.content.decode()
    assert 'data-testid="older-events"' in body and 'data-testid="latest-events"' not in body
    seen, page = [], response.context["timeline"]
    while True:
        seen = [e.pk for e in page] + seen
        if not page.has_next():
            break
        response = client.get(proposal.get_absolute_url(), {"events": page.next_cursor})
        assert 'data-testid="latest-events"' in response.content.decode()
        page = response.context["timeline"]
    assert seen == all_events, "every event once, in order, across the pages"


def test_comments_are_paged_too(client, forum, alice, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="Lights",
        body="B",
        category="youth",
        police_unit=local_unit,
        submit=True,
    )
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(proposal=proposal, author=alice, body=f"c{i}", created_at=now + timedelta(i))
        for i in range(selectors.COMMENTS_PAGE + 3)
    )
    page = client.get(proposal.get_absolute_url()).context["comments"]
    assert len(page) == selectors.COMMENTS_PAGE and page.has_next()
    assert [c.body for c in page][-1] == f"c{selectors.COMMENTS_PAGE + 2}"
    older = client.get(proposal.get_absolute_url(), {"comments": page.next_cursor})
    assert [c.body for c in older.context["comments"]] == ["c0", "c1", "c2"]


@pytest.mark.parametrize("size", [5, 60])
def test_liaison_dashboard_pages_through_the_whole_queue(
    client, forum, alice, leo, local_unit, size, django_assert_num_queries
):
    made = bulk_proposals(forum, n=size, author=alice, unit=local_unit)
    client.force_login(leo)
    # session, user, liaison posts, the units' ids, the page's keys, its rows, every counter
    # (capped), unread count
    with django_assert_num_queries(8):
        response = client.get(reverse("forums:liaison"))
    assert response.context["counts"]["total"] == size
    seen = [p.pk for p in response.context["rows"]]
    page = response.context["page"]
    while page.has_next():
        response = client.get(reverse("forums:liaison"), {"after": page.next_cursor})
        page = response.context["page"]
        seen += [p.pk for p in page]
    assert seen == [p.pk for p in made], "oldest first, every open proposal once"
    assert len(response.context["rows"]) <= selectors.LIAISON_PAGE


def test_liaison_counters_are_the_same_counted_in_one_scan_or_each_capped(
    forum, alice, leo, local_unit, monkeypatch
):
    from forums import permissions

    made = bulk_proposals(forum, n=12, author=alice, unit=local_unit)
    Proposal.objects.filter(pk__in=[p.pk for p in made[:4]]).update(assigned_officer=leo)
    Proposal.objects.filter(pk__in=[p.pk for p in made[4:7]]).update(
        police_answered_at=timezone.now()
    )
    queue = permissions.liaison_queue(leo)
    _page, scanned = selectors.liaison_dashboard(queue, user=leo)
    monkeypatch.setattr(selectors, "LIAISON_SCAN", 5)  # the queue is longer: each capped
    _page, capped = selectors.liaison_dashboard(queue, user=leo)
    assert {k: int(v) for k, v in scanned.items()} == {k: int(v) for k, v in capped.items()}
    assert int(scanned["total"]) == 12 and int(scanned["mine"]) == 4
    assert int(scanned["unanswered"]) == 9


@pytest.mark.parametrize("size", [5, 50])
def test_my_page_is_flat_for_a_prolific_author(client, forum, alice, size):
    bulk_proposals(forum, n=size, author=alice)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("forums:my"))
    assert response.status_code == 200 and len(response.context["proposals"]) == min(size, 30)
    # session, user, memberships, proposals, votes due, answers, the header's unread count and
    # the access snapshot's liaison posts
    assert len(ctx.captured_queries) == 8


@pytest.mark.parametrize("size", [5, 40])
def test_meeting_list_is_flat_and_keyset_paged(client, forum, sam, size):
    start = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(platform=forum, kind="general", title=f"M{i}", starts_at=start + timedelta(i))
        for i in range(size)
    )
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("forums:meetings", args=[forum.slug]))
    # platform, one page of meetings (hosted or joined) with their platforms
    assert len(ctx.captured_queries) == 2
    page = response.context["page"]
    titles = [m.title for m in page]
    if page.has_next():
        rest = client.get(
            reverse("forums:meetings", args=[forum.slug]), {"after": page.next_cursor}
        )
        titles += [m.title for m in rest.context["page"]]
    assert titles == [f"M{i}" for i in reversed(range(size))]


@pytest.fixture
def held(forum, sam):
    return services.meeting_create(
        platform=forum,
        actor=sam,
        kind=Meeting.Kind.GENERAL,
        title="Held",
        starts_at=timezone.now() - timedelta(hours=2),
    )


def _members(forum, n):
    people = []
    for i in range(n):
        user = UserFactory(display_name=f"Member {i:03d}")
        membership_grant(
            platform=forum,
            user=user,
            party=Party.CITIZEN,
            role=Role.MEMBER,
            actor=None,
            check=False,
        )
        people.append(user)
    return people


# session, user, meeting with platform, memberships (the access snapshot), the people recorded
# present (their boxes), their ids (ticked), the latest 100 waiting proposals (agenda choices),
# the count present, liaison posts, the header's unread count, guests, agenda, files
MEETING_PAGE_QUERIES = 13


@pytest.mark.parametrize("size", [5, 50])
def test_meeting_page_never_lists_every_member(client, forum, sam, held, size):
    people = _members(forum, size)
    client.force_login(sam)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(held.get_absolute_url()).content.decode()
    assert not any(p.display_name in body for p in people)
    assert len(ctx.captured_queries) == MEETING_PAGE_QUERIES, "\n".join(
        q["sql"][:100] for q in ctx.captured_queries
    )
    with CaptureQueriesContext(connection) as ctx:
        found = client.get(held.get_absolute_url(), {"find": "member 003"}).content.decode()
    assert "Member 003" in found and "Member 002" not in found
    assert len(ctx.captured_queries) == MEETING_PAGE_QUERIES + 1  # the search: 20 names at most


def test_find_keeps_the_typed_minutes_and_saves_the_ticked_people(client, forum, sam, held):
    people = _members(forum, 3)
    client.force_login(sam)
    url = held.get_absolute_url()
    response = client.post(
        url,
        {
            "action": "minutes",
            "find_people": "1",
            "find": "Member 001",
            "attendees": [people[0].pk],
            "minutes": "Agreed on patrols",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Agreed on patrols" in body
    assert "Member 000" in body and "Member 001" in body and "Member 002" not in body
    assert not held.attendees.exists(), "finding saves nothing"
    client.post(url, {"action": "minutes", "attendees": [people[0].pk, people[1].pk]})
    assert set(held.attendees.all()) == {people[0], people[1]}
    # someone who is not a member cannot be ticked in by a forged form
    outsider = UserFactory()
    client.post(url, {"action": "minutes", "attendees": [outsider.pk]})
    assert outsider not in held.attendees.all()
    # nobody but the secretariat searches the members
    client.force_login(people[2])
    assert "Member 001" not in client.get(url, {"find": "Member"}).content.decode()


def test_liaison_rows_come_from_the_cache_until_what_they_show_changes(
    client, forum, alice, leo, local_unit
):
    made = bulk_proposals(forum, n=3, author=alice, unit=local_unit)
    client.force_login(leo)
    first = client.get(reverse("forums:liaison")).content.decode()
    assert first.count('class="item"') == 3
    # a change that sends no signal still shows: the row's key is what it shows
    Proposal.objects.filter(pk=made[0].pk).update(title="Новый заголовок", assigned_officer=leo)
    Proposal.objects.filter(pk=made[1].pk).update(police_answered_at=timezone.now())
    page = client.get(reverse("forums:liaison")).content.decode()
    assert "Новый заголовок" in page and leo.public_name in page
    assert page.count('class="item"') == 3
    unchanged = client.get(reverse("forums:liaison")).content.decode()
    assert _queue(unchanged) == _queue(page)
    kyrgyz = client.get(reverse("forums:liaison"), HTTP_ACCEPT_LANGUAGE="ky").content.decode()
    assert _queue(kyrgyz) != _queue(page)  # each language has its own rows


def _queue(html: str) -> str:
    start = html.index('data-testid="queue"')
    return html[start : html.index("</ul>", start)]
