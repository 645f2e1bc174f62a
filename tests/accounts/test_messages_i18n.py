"""Messages people can read: each recipient's language, an absolute link, plain text and HTML.

sam, the forum's secretariat, works in Russian; aibek reads Kyrgyz, and nobody he hears from
should reach him in the language of whoever acted.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Notification, OutboxMessage
from accounts.services import notification_preferences_set, notify, outbox_relay
from accounts.text import Message
from forums.services import meeting_create, proposal_create
from platforms.decisions import decision_open
from platforms.models import Matter, Membership, Party
from platforms.services import membership_approve, membership_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.kg"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def aibek(forum):
    """A Kyrgyz-speaking citizen."""
    return UserFactory(preferred_language="ky")


def _in(language, msgid, **params):
    with translation.override(language):
        return gettext(msgid) % params


def _kyrgyz(msgid, **params):
    """The Kyrgyz wording, checked to be a translation (not the Russian or English one)."""
    worded = _in("ky", msgid, **params)
    assert worded != _in("ru", msgid, **params)
    assert worded != msgid % params
    return worded


def test_a_kyrgyz_reader_of_a_russian_actors_approval_gets_kyrgyz_title_and_email(
    forum, sam, aibek
):
    sam.preferred_language = "ru"
    sam.save()
    membership = membership_request(platform=forum, user=aibek, party=Party.CITIZEN)
    with translation.override("ru"):  # sam's request
        membership_approve(membership=membership, actor=sam)
    expected = _kyrgyz("Welcome to %(platform)s", platform=forum.name)
    note = Notification.objects.get(user=aibek, verb="membership.approved")
    assert note.title == expected
    letter = OutboxMessage.objects.get(to=aibek.email)
    assert letter.subject == expected
    assert expected in letter.body
    link = f"{SITE}{forum.get_absolute_url()}"
    assert link in letter.body.split()
    assert f'href="{link}"' in letter.html_body
    assert '<html lang="ky">' in letter.html_body
    assert _in("ky", "Open it on the portal") in letter.html_body
    # the in-app link stays relative: it is followed on the site itself
    assert note.url == forum.get_absolute_url()


def test_the_email_goes_out_with_a_plain_text_body_and_an_html_alternative(forum, sam, aibek):
    membership = membership_request(platform=forum, user=aibek, party=Party.CITIZEN)
    membership_approve(membership=membership, actor=sam)
    assert outbox_relay() >= 1
    sent = next(m for m in mail.outbox if m.to == [aibek.email])
    assert f"{SITE}{forum.get_absolute_url()}" in sent.body
    assert "<" not in sent.body
    (html, mimetype), *_ = sent.alternatives
    assert mimetype == "text/html"
    assert f"{SITE}{forum.get_absolute_url()}" in html


def test_readers_of_one_proposal_get_it_each_in_their_language(forum, alice, sam, leo):
    sam.preferred_language = "ky"
    sam.save()
    leo.preferred_language = "uz"
    leo.save()
    unit = leo.liaison_posts.get().unit
    with translation.override("en"):  # alice writes in English
        proposal = proposal_create(
            platform=forum,
            author=alice,
            title="Street lights",
            body="Dark at night.",
            category="road",
            police_unit=unit,
            submit=True,
        )
    msgid = "New proposal on %(platform)s: %(title)s"
    params = {"platform": forum.name, "title": proposal.title}
    assert Notification.objects.get(user=sam, verb="proposal.submitted").title == _kyrgyz(
        msgid, **params
    )
    assert Notification.objects.get(user=leo, verb="proposal.submitted").title == _in(
        "uz", msgid, **params
    )


def test_a_meeting_notice_writes_the_time_in_the_readers_language(forum, sam, aibek):
    Membership.objects.create(
        platform=forum, user=aibek, party=Party.CITIZEN, status=Membership.Status.ACTIVE
    )
    starts = timezone.now() + timedelta(days=3)
    with translation.override("en"):
        meeting_create(platform=forum, actor=sam, kind="general", title="Spring", starts_at=starts)
    title = Notification.objects.get(user=aibek, verb="meeting.scheduled").title
    with translation.override("ky"):
        when = Message("%(d)s", {"d": starts})
        expected = gettext("Meeting on %(when)s: %(title)s") % {
            "when": str(when),
            "title": "Spring",
        }
    assert title == expected
    assert "AM" not in title and "PM" not in title


def test_a_vote_opened_in_russian_reaches_a_kyrgyz_member_in_kyrgyz(forum, sam, aibek):
    Membership.objects.create(
        platform=forum, user=aibek, party=Party.CITIZEN, status=Membership.Status.ACTIVE
    )
    with translation.override("ru"):
        decision_open(
            platform=forum,
            actor=sam,
            matter=Matter.OTHER,
            title="Budget",
            closes_at=timezone.now() + timedelta(days=7),
        )
    assert Notification.objects.get(user=aibek, verb="decision.opened").title == _kyrgyz(
        "Vote: %(title)s", title="Budget"
    )


def test_message_words_itself_when_read():
    message = Message(gettext_lazy("Welcome to %(platform)s"), {"platform": "Ала-Бука"})
    with translation.override("ky"):
        assert str(message) == gettext("Welcome to %(platform)s") % {"platform": "Ала-Бука"}
    with translation.override("uz"):
        assert str(message) == gettext("Welcome to %(platform)s") % {"platform": "Ала-Бука"}
    with translation.override("ru"):
        day = str(Message("%(d)s", {"d": date(2026, 3, 8)}))
    assert "2026" in day and day != "2026-03-08"


def test_notify_stays_at_three_queries_with_readers_in_three_languages(settings):
    users = [UserFactory(preferred_language=lang) for lang in ("ky", "ru", "uz", "ky", "", "uz")]
    notification_preferences_set(user=users[1], values={"membership": "daily"})
    title = Message(gettext_lazy("Welcome to %(platform)s"), {"platform": "Forum"})
    with CaptureQueriesContext(connection) as queries:
        notify(users=users, verb="membership.approved", title=title, url="/f/x/")
    # the preferences, the notifications, the outbox
    assert len(queries) == 3, [q["sql"] for q in queries]
    titles = dict(Notification.objects.values_list("user__preferred_language", "title"))
    assert titles["ky"] == _in("ky", "Welcome to %(platform)s", platform="Forum")
    assert titles["uz"] == _in("uz", "Welcome to %(platform)s", platform="Forum")
    assert titles[""] == _in(settings.LANGUAGE_CODE, "Welcome to %(platform)s", platform="Forum")
    assert OutboxMessage.objects.count() == 5  # the daily-digest reader waits for the digest


def test_signing_in_keeps_the_language_being_read_for_later_messages(client, db):
    from tests.factories import UserFactory

    user = UserFactory(preferred_language="")
    client.post(
        "/accounts/login/",
        {"login": user.email, "password": "pass-word-123"},
        HTTP_ACCEPT_LANGUAGE="ky",
    )
    user.refresh_from_db()
    assert user.preferred_language == "ky"


def test_problems_assessments_and_reports_have_their_own_e_mail_choice():
    from accounts.services import notification_category

    assert notification_category("assessment.published") == "assessment"
    assert notification_category("problem.stage") == "problem"
    assert notification_category("plan.adopted") == notification_category("report.published")
    assert notification_category("report.published") == "report"
