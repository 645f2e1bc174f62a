"""Issue 7 on proposals and meetings: each test pins a leak or a server error an attack found."""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from accounts.text import isolate
from forums import services
from forums.models import Meeting, MinutesCorrection, Proposal, ProposalEvent
from forums.selectors import liaison_dashboard
from tests.forums.conftest import adopt

pytestmark = pytest.mark.django_db
S = Proposal.State
RLO = "\u202e"


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode()


# 3. Merge publishes private drafts ---------------------------------------------------------


def test_merge_into_a_private_draft_is_refused(proposal, forum, alice, sam):
    draft = services.proposal_create(
        platform=forum, author=alice, title="My private notes", body="not ready", category="youth"
    )
    with pytest.raises(ValidationError):
        services.proposal_merge(duplicate=proposal, into=draft, actor=sam)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert not ProposalEvent.objects.filter(note__contains="My private notes").exists()


def test_merge_into_another_platform_is_refused_and_same_platform_allowed(
    proposal, forum, alice, sam
):
    from tests.conftest import _grant
    from tests.factories import PlatformFactory

    other = PlatformFactory()
    outsider_author = _grant(other)
    foreign = services.proposal_create(
        platform=other, author=outsider_author, title="F", body="B", category="youth", submit=True
    )
    with pytest.raises(Exception):  # noqa: B017 - permission or validation, never a merge
        services.proposal_merge(duplicate=proposal, into=foreign, actor=sam)
    twin = services.proposal_create(
        platform=forum, author=alice, title="Same lights", body="B", category="school", submit=True
    )
    services.proposal_merge(duplicate=twin, into=proposal, actor=sam)
    twin.refresh_from_db()
    assert twin.state == S.DUPLICATE and twin.duplicate_of == proposal


def test_merge_form_refuses_a_draft_id_through_the_page(client, proposal, forum, alice, sam):
    draft = services.proposal_create(
        platform=forum, author=alice, title="Secret draft", body="x", category="youth"
    )
    client.force_login(sam)
    client.post(proposal.get_absolute_url(), {"action": "merge", "into": draft.pk})
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert "Secret draft" not in client.get(proposal.get_absolute_url()).content.decode()


# 7. Overdue is per addressee ----------------------------------------------------------------


@pytest.fixture
def lsg_person(forum):
    from platforms.models import Party
    from tests.conftest import _grant

    return _grant(forum, party=Party.LSG)


@pytest.fixture
def both_addressed(forum, alice, local_unit, lsg_person):
    return services.proposal_create(
        platform=forum,
        author=alice,
        title="Broken lights at the bus stop",
        body="Dark every evening",
        category="road",
        police_unit=local_unit,
        lsg_territory=forum.territory,
        submit=True,
    )


def test_lsg_answer_does_not_clear_the_police_deadline(both_addressed, lsg_person, leo):
    later = both_addressed.response_due + timedelta(days=1)
    services.response_log(
        proposal=both_addressed,
        actor=lsg_person,
        status="in_progress",
        text="The aimak will repair the lights.",
        responder="lsg",
    )
    p = Proposal.objects.get(pk=both_addressed.pk)
    assert Proposal.objects.overdue(later).filter(pk=p.pk).exists()
    assert Proposal.objects.filter(pk=p.pk).overdue(later).exists()
    services.response_log(proposal=p, actor=leo, status="accepted", text="Patrols from Monday.")
    assert not Proposal.objects.overdue(later).filter(pk=p.pk).exists()


def test_police_answer_does_not_clear_the_lsg_deadline(both_addressed, lsg_person, leo):
    later = both_addressed.response_due + timedelta(days=1)
    services.response_log(proposal=both_addressed, actor=leo, status="accepted", text="Patrols.")
    assert Proposal.objects.overdue(later).filter(pk=both_addressed.pk).exists()
    p = Proposal.objects.get(pk=both_addressed.pk)
    with time_travel(later):
        assert p.overdue_parties == ["lsg"]
        # the police answered: their dashboard shows nothing overdue
        from forums.permissions import liaison_queue

        _rows, counts = liaison_dashboard(liaison_queue(leo))
        assert counts["overdue"] == 0 and counts["unanswered"] == 0


def test_deadline_check_reminds_only_the_party_that_has_not_answered(
    both_addressed, lsg_person, leo
):
    from accounts.models import Notification

    services.response_log(proposal=both_addressed, actor=leo, status="accepted", text="Patrols.")
    services.response_deadlines_check(today=both_addressed.response_due + timedelta(days=1))
    overdue_to = set(
        Notification.objects.filter(verb="proposal.overdue").values_list("user_id", flat=True)
    )
    assert lsg_person.pk in overdue_to and leo.pk not in overdue_to


def time_travel(day):
    import time_machine

    return time_machine.travel(
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))
    )


# 8. Published minutes ----------------------------------------------------------------------


@pytest.fixture
def meeting(forum, sam):
    return services.meeting_create(
        platform=forum,
        actor=sam,
        kind=Meeting.Kind.GENERAL,
        title="Quarterly meeting",
        starts_at=timezone.now() - timedelta(days=1),
    )


def test_published_minutes_change_only_by_a_recorded_correction(meeting, sam):
    services.meeting_record(meeting=meeting, actor=sam, minutes="Agreed: patrols.", publish=True)
    with pytest.raises(ValidationError) as exc:
        services.meeting_record(meeting=meeting, actor=sam, minutes="Agreed: nothing.")
    assert "correction_reason" in exc.value.message_dict
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed: patrols."
    services.meeting_record(
        meeting=meeting,
        actor=sam,
        minutes="Agreed: patrols on Fridays.",
        correction_reason="The day was missing.",
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed: patrols on Fridays."
    correction = MinutesCorrection.objects.get(meeting=meeting)
    assert correction.old_minutes == "Agreed: patrols." and correction.actor == sam


def test_correction_is_public_on_the_meeting_page(client, meeting, sam):
    services.meeting_record(meeting=meeting, actor=sam, minutes="First text.", publish=True)
    services.meeting_record(
        meeting=meeting, actor=sam, minutes="Second text.", correction_reason="Typo in names"
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Second text." in page and "Typo in names" in page and "First text." in page


def test_publishing_twice_adds_one_event(meeting, sam, proposal):
    services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=meeting)
    for _ in range(3):
        services.meeting_record(meeting=meeting, actor=sam, minutes="Same.", publish=True)
    assert proposal.events.filter(kind=ProposalEvent.Kind.MEETING).count() == 1


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


def _in_parallel(n, fn):
    errors, barrier = [], threading.Barrier(n)

    def run():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_publishes_put_one_event_on_the_timeline(forum, sam, alice, local_unit):
    meeting = services.meeting_create(
        platform=forum, actor=sam, kind="general", title="M", starts_at=timezone.now()
    )
    proposal = services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="youth", submit=True
    )
    services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=meeting)
    errors = _in_parallel(
        10,
        lambda: services.meeting_record(meeting=meeting, actor=sam, minutes="Same.", publish=True),
    )
    assert errors == []
    assert proposal.events.filter(kind=ProposalEvent.Kind.MEETING).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_double_click_on_register_registers_once_without_error(
    forum, council, sam, alice, local_unit
):
    from tests.forums.conftest import secretariat_of

    paula = __import__("tests.conftest", fromlist=["_grant"])._grant(forum)
    csec = secretariat_of(council)
    proposal = services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="youth", submit=True
    )
    adopt(proposal, sam, [alice, paula, sam])
    services.proposal_escalate(proposal=proposal, actor=sam)
    errors = _in_parallel(
        8, lambda: services.proposal_register(proposal=proposal, actor=csec, platform=council)
    )
    # the winner registers; the others are told it no longer waits (a message, not a 500)
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(errors) == 7
    proposal.refresh_from_db()
    assert proposal.state == S.REGISTERED
    assert proposal.escalations.filter(status="registered").count() == 1


# 9. Server errors become 4xx or messages ---------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"q": "школа\x00"},
        {"platform": "x\x00"},
        {"territory": "\x00"},
        {"unit": "²"},
        {"unit": "99999999999999999999999"},
        {"unit": "-1"},
        {"state": "\x00"},
        {"page": "\x00"},
    ],
)
@pytest.mark.parametrize("url", ["/proposals/", "/proposals/export.csv"])
def test_hostile_tracker_parameters_never_500(client, proposal, query, url):
    response = client.get(url, query)
    assert response.status_code == 200
    if url.endswith(".csv"):
        assert csv_text(response).startswith("\ufeff")


@pytest.mark.parametrize(
    "data",
    [
        {"action": "hide_comment", "comment": "abc", "reason": "x"},
        {"action": "hide_comment", "comment": "²", "reason": "x"},
        {"action": "register", "platform": "abc"},
        {"action": "return", "platform": "1e9", "reason": "r"},
        {"action": "merge", "into": "abc"},
        {"action": "merge", "into": str(2**70)},
        {"action": "comment", "body": "nul\x00byte"},
        {"action": "withdraw", "reason": "nul\x00"},
    ],
)
def test_hostile_posted_actions_answer_a_message_not_500(client, proposal, alice, sam, data):
    for user in (alice, sam):
        client.force_login(user)
        response = client.post(proposal.get_absolute_url(), data)
        assert response.status_code in (302, 404)
    proposal.refresh_from_db()
    assert proposal.state == S.SUBMITTED
    assert not proposal.comments.exists()


def test_meeting_with_thousands_of_guests_is_a_form_error(client, forum, sam):
    client.force_login(sam)
    response = client.post(
        f"/at/{forum.slug}/meetings/new/",
        {
            "kind": "joint",
            "title": "Joint",
            "starts_at": "2026-12-01T10:00",
            "guests": [str(i) for i in range(1, 900)],
        },
    )
    assert response.status_code == 200
    assert "at most 50" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_flood_of_fields_is_a_400(forum, sam):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(sam)
    response = client.post(
        f"/at/{forum.slug}/meetings/new/",
        {"kind": "joint", "title": "J", "guests": [str(i) for i in range(5000)]},
    )
    assert response.status_code == 400


# 13. CSV formulas ---------------------------------------------------------------------------


def test_csv_export_neutralises_formulas(client, forum, alice):
    for title in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"):
        services.proposal_create(
            platform=forum, author=alice, title=title, body="b", category="youth", submit=True
        )
    rows = list(csv.reader(io.StringIO(csv_text(client.get("/proposals/export.csv")))))
    rows[0][0] = rows[0][0].lstrip("\ufeff")
    titles = {r[2] for r in rows[1:]}
    assert titles == {'\'=HYPERLINK("http://evil")', "'+1+1", "'-2", "'@SUM(A1)"}


def test_safe_cell_quotes_every_formula_prefix_and_keeps_numbers():
    from accounts.exports import safe_cell

    for text in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell(-3) == -3 and safe_cell("Ош") == "Ош"


# 14. Bidi isolation -------------------------------------------------------------------------


def test_bidi_controls_in_a_title_are_isolated_on_pages(client, forum, alice):
    p = services.proposal_create(
        platform=forum,
        author=alice,
        title=f"Lights {RLO}evil",
        body="b",
        category="youth",
        submit=True,
    )
    for url in (p.get_absolute_url(), "/proposals/"):
        page = client.get(url).content.decode()
        assert f"<bdi>Lights {RLO}evil</bdi>" in page


def test_bidi_controls_are_isolated_in_notifications(forum, alice, sam):
    from accounts.models import Notification

    services.proposal_create(
        platform=forum,
        author=alice,
        title=f"Lights {RLO}evil",
        body="b",
        category="youth",
        submit=True,
    )
    title = Notification.objects.get(user=sam, verb="proposal.submitted").title
    assert isolate(f"Lights {RLO}evil") in title
    assert isolate("plain") == "plain"


# 15. A proposal recorded on paper can protect its author ------------------------------------


def test_recorded_proposal_can_protect_the_citizen(client, forum, sam, leo, local_unit):
    p = services.proposal_record(
        platform=forum,
        actor=sam,
        title="Told at the meeting",
        body="A witness of the fights",
        category="youth",
        on_behalf_of="Айгуль Токтосунова",
        police_unit=local_unit,
        protect_author=True,
    )
    assert client.get(p.get_absolute_url()).content.decode().count("Айгуль") == 0
    client.force_login(leo)
    assert "Айгуль" not in client.get(p.get_absolute_url()).content.decode()
    assert "Айгуль" not in csv_text(client.get("/proposals/export.csv"))
    client.force_login(sam)
    assert "Айгуль" in client.get(p.get_absolute_url()).content.decode()


def test_record_form_offers_protection(client, forum, sam):
    client.force_login(sam)
    response = client.post(
        f"/at/{forum.slug}/proposals/record/",
        {
            "title": "Paper",
            "body": "From the box",
            "category": "youth",
            "on_behalf_of": "Бакыт",
            "protect_author": "on",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.get(title="Paper").protect_author


# issue 9.17: a place, and no silently preselected category ----------------------------------


def test_new_proposal_needs_a_chosen_category_and_keeps_a_place(client, forum, alice):
    client.force_login(alice)
    url = f"/at/{forum.slug}/proposals/new/"
    assert 'value="" selected' in client.get(url).content.decode().replace(
        'selected=""', "selected"
    )
    response = client.post(url, {"title": "T", "body": "B", "save_as": "submit"})
    assert response.status_code == 200 and not Proposal.objects.exists()
    client.post(
        url,
        {
            "title": "T",
            "body": "B",
            "category": "road",
            "place": "Остановка у школы №3",
            "save_as": "submit",
        },
    )
    p = Proposal.objects.get()
    assert p.place == "Остановка у школы №3"
    assert "Остановка у школы №3" in client.get(p.get_absolute_url()).content.decode()


# issue 9.10: spreadsheets people can open -----------------------------------------------------


@pytest.fixture
def answered(proposal, leo, csec, sam, alice, paula, council):
    services.response_log(
        proposal=proposal, actor=leo, status="accepted", text="Патруль с понедельника"
    )
    return proposal


def test_csv_has_bom_labels_in_the_readers_language_and_the_answer(client, answered):
    text = csv_text(client.get("/proposals/export.csv", HTTP_ACCEPT_LANGUAGE="ru"))
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[:2]
    assert "Название" in header or "Заголовок" in header or header[2] != "Title"
    assert "Патруль с понедельника" in row
    assert answered.body in row
    # Bishkek time to the minute, no microseconds
    submitted = row[12]
    assert len(submitted) == 16 and submitted[4] == "-"


def test_xlsx_export_opens_with_the_same_rows(client, answered):
    import openpyxl

    response = client.get("/proposals/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert answered.title in values and "Патруль с понедельника" in values


def test_export_query_count_is_flat(client, forum, alice, django_assert_max_num_queries):
    for i in range(30):
        services.proposal_create(
            platform=forum, author=alice, title=f"P{i}", body="b", category="youth", submit=True
        )
    with django_assert_max_num_queries(8):
        csv_text(client.get("/proposals/export.csv"))


# issue 9.9: the tracker's filters and what a row says ------------------------------------------


def test_tracker_filters_by_district_unit_and_dates(client, proposal, forum, alice, district_unit):
    council_code = forum.parent.territory.code
    other = {"district": "KG-B-BATKEN"} if council_code != "KG-B-BATKEN" else {}
    page = client.get("/proposals/", {"district": council_code}).content.decode()
    assert proposal.title in page
    if other:
        page = client.get("/proposals/", other).content.decode()
        assert proposal.title not in page
    # a district unit finds what is addressed to the local unit below it
    page = client.get("/proposals/", {"unit": district_unit.pk}).content.decode()
    assert proposal.title in page and f'value="{district_unit.pk}" selected' in page
    today = timezone.localdate()
    page = client.get("/proposals/", {"since": today.isoformat()}).content.decode()
    assert proposal.title in page
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert proposal.title not in client.get("/proposals/", {"since": tomorrow}).content.decode()
    yesterday = (today - timedelta(days=1)).isoformat()
    assert proposal.title not in client.get("/proposals/", {"until": yesterday}).content.decode()


def test_row_shows_the_answer_status_and_answered_late(client, proposal, leo):
    due = proposal.response_due
    with time_travel(due + timedelta(days=2)):
        services.response_deadlines_check()
        services.response_log(proposal=proposal, actor=leo, status="accepted", text="Сделаем.")
        page = client.get("/proposals/").content.decode()
        assert "answered late" in page and "answer overdue" not in page
        assert 'data-testid="answer-status"' in page


def test_overdue_note_is_in_the_readers_language_and_date_format(client, proposal):
    due = proposal.response_due
    with time_travel(due + timedelta(days=1)):
        services.response_deadlines_check()
    page = client.get(proposal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"No answer by {due:%m/%d/%Y}" in page or f"No answer by {due:%m/%d/%y}" in page
    assert due.isoformat() not in page.split('data-testid="timeline"')[1]


# issue 9.1-9.2: a protected name stays with the originating secretariat -----------------------


@pytest.fixture
def protected(forum, alice, local_unit):
    return services.proposal_create(
        platform=forum,
        author=alice,
        title="Драки у клуба",
        body="Каждую пятницу",
        category="youth",
        police_unit=local_unit,
        protect_author=True,
        submit=True,
    )


def test_protected_name_stays_with_the_forums_secretariat_after_escalation(
    client, protected, forum, council, sam, csec, nsec, alice, paula
):
    from forums import permissions

    adopt(protected, sam, [alice, paula, sam])
    services.proposal_escalate(proposal=protected, actor=sam)
    services.proposal_register(proposal=protected, actor=csec, platform=council)
    protected.refresh_from_db()
    assert permissions.can_see_author(sam, protected)
    assert not permissions.can_see_author(csec, protected)
    assert not permissions.can_see_author(nsec, protected)
    client.force_login(csec)
    assert alice.public_name not in client.get(protected.get_absolute_url()).content.decode()


def test_protected_authors_comments_show_as_the_author(client, protected, alice, sam, cyril):
    services.comment_add(proposal=protected, author=alice, body="Вчера снова были драки")
    client.force_login(alice)
    own = client.get(protected.get_absolute_url()).content.decode()
    assert 'data-testid="protected-comment-warning"' in own
    client.logout()
    page = client.get(protected.get_absolute_url()).content.decode()
    assert alice.public_name not in page and "the author" in page
    client.force_login(sam)
    assert alice.public_name in client.get(protected.get_absolute_url()).content.decode()


def test_every_message_parameter_is_isolated_wherever_it_comes_from(forum):
    from django.utils.translation import gettext_lazy

    from accounts.text import Message

    # a platform name with a right-to-left override, passed without isolate() by the caller
    title = str(Message(gettext_lazy("Welcome to %(platform)s"), {"platform": f"Forum {RLO}x"}))
    assert title.endswith(isolate(f"Forum {RLO}x"))
    assert str(Message(gettext_lazy("Welcome to %(platform)s"), {"platform": "Plain"})).endswith(
        "Plain"
    )
