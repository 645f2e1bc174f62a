"""Notifications reach members at the pace each of them chose, per category, without floods."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification, NotificationPreference, OutboxMessage
from accounts.services import digest_send, notification_preferences_set, notify
from accounts.tasks import send_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Frequency = NotificationPreference.Frequency
State = Notification.EmailState


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://op.example.kg"
    return settings.SITE_URL


def _prefer(user, **values):
    notification_preferences_set(user=user, values=values)
    return user


def _outbox_to(user):
    return OutboxMessage.objects.filter(to=user.email)


# --- notify: one in-app row always, e-mail as preferred -------------------------------------


def test_no_preference_means_immediate_email():
    bob = UserFactory()
    notify(users=[bob], verb="membership.approved", title="You are in")
    row = Notification.objects.get(user=bob)
    assert row.category == "membership"
    assert row.email_state == State.QUEUED
    assert list(_outbox_to(bob).values_list("subject", flat=True)) == ["You are in"]


def test_immediate_preference_writes_an_outbox_row_at_once():
    bob = _prefer(UserFactory(), proposal=Frequency.IMMEDIATE)
    notify(users=[bob], verb="proposal.escalated", title="Escalated", url="/p/1/")
    assert _outbox_to(bob).count() == 1
    assert Notification.objects.get(user=bob).email_state == State.QUEUED


def test_preference_applies_to_its_category_only():
    bob = _prefer(UserFactory(), membership=Frequency.OFF)
    notify(users=[bob], verb="proposal.response", title="Answered")
    notify(users=[bob], verb="membership.refused", title="Refused")
    assert list(_outbox_to(bob).values_list("subject", flat=True)) == ["Answered"]


def test_off_keeps_the_in_app_notification_without_email():
    bob = _prefer(UserFactory(), decision=Frequency.OFF)
    notify(users=[bob], verb="decision.opened", title="Vote open")
    row = Notification.objects.get(user=bob)
    assert row.title == "Vote open"
    assert row.email_state == State.NONE
    assert not _outbox_to(bob).exists()
    assert digest_send(frequency="daily") == 0


def test_unknown_verb_prefix_is_always_emailed_at_once():
    bob = _prefer(UserFactory(), **{c: Frequency.OFF for c in NotificationPreference.Category})
    notify(users=[bob], verb="test", title="System notice")
    assert Notification.objects.get(user=bob).category == ""
    assert _outbox_to(bob).count() == 1


def test_explicit_category_overrides_the_verb():
    bob = _prefer(UserFactory(), meeting=Frequency.OFF)
    notify(users=[bob], verb="proposal.submitted", title="Meeting soon", category="meeting")
    assert Notification.objects.get(user=bob).category == "meeting"
    assert not _outbox_to(bob).exists()


def test_unknown_explicit_category_is_refused():
    with pytest.raises(ValueError):
        notify(users=[UserFactory()], verb="x.y", title="T", category="gossip")


# --- digests ------------------------------------------------------------------------------------


def test_daily_digest_sends_one_email_per_user_with_every_title(site_url):
    bob = _prefer(UserFactory(), proposal=Frequency.DAILY)
    dina = _prefer(UserFactory(), proposal=Frequency.DAILY)
    notify(users=[bob, dina], verb="proposal.submitted", title="Street lights", url="/p/1/")
    notify(users=[bob, dina], verb="proposal.escalated", title="Night patrols", url="/p/2/")
    assert not OutboxMessage.objects.exists()  # nothing at once
    assert set(Notification.objects.values_list("email_state", flat=True)) == {State.DIGEST}

    assert digest_send(frequency="daily") == 2

    for user in (bob, dina):
        (message,) = _outbox_to(user)
        assert "Street lights" in message.body
        assert "Night patrols" in message.body
        assert f"{site_url}/p/1/" in message.body
        assert f"{site_url}/p/2/" in message.body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {State.DIGESTED}
    # idempotent: a second run (or a retried task) writes nothing more
    assert digest_send(frequency="daily") == 0
    assert OutboxMessage.objects.count() == 2


def test_weekly_rows_wait_for_the_weekly_run(site_url):
    wendy = _prefer(UserFactory(), decision=Frequency.WEEKLY)
    notify(users=[wendy], verb="decision.opened", title="Budget vote", url="/d/1/")
    assert digest_send(frequency="daily") == 0
    assert not _outbox_to(wendy).exists()
    assert Notification.objects.get(user=wendy).email_state == State.DIGEST

    assert digest_send(frequency="weekly") == 1
    (message,) = _outbox_to(wendy)
    assert "Budget vote" in message.body
    assert Notification.objects.get(user=wendy).email_state == State.DIGESTED


def test_digest_covers_only_the_categories_on_that_frequency():
    bob = _prefer(UserFactory(), proposal=Frequency.DAILY, decision=Frequency.WEEKLY)
    notify(users=[bob], verb="proposal.response", title="Police answered")
    notify(users=[bob], verb="decision.opened", title="Vote open")
    assert digest_send(frequency="daily") == 1
    (message,) = _outbox_to(bob)
    assert "Police answered" in message.body
    assert "Vote open" not in message.body


def test_switching_a_digest_off_drops_the_waiting_rows():
    bob = _prefer(UserFactory(), proposal=Frequency.WEEKLY)
    notify(users=[bob], verb="proposal.returned", title="Returned")
    _prefer(bob, proposal=Frequency.OFF)
    assert Notification.objects.get(user=bob).email_state == State.NONE
    assert digest_send(frequency="weekly") == 0
    assert digest_send(frequency="daily") == 0


def test_switching_back_to_immediate_leaves_nothing_stranded():
    bob = _prefer(UserFactory(), proposal=Frequency.WEEKLY)
    notify(users=[bob], verb="proposal.returned", title="Returned")
    _prefer(bob, proposal=Frequency.IMMEDIATE)
    # the next daily run takes what the weekly one would have sent
    assert digest_send(frequency="daily") == 1
    assert "Returned" in _outbox_to(bob).get().body


def test_digest_refuses_other_frequencies():
    with pytest.raises(ValueError):
        digest_send(frequency="immediate")


def test_send_digests_task_writes_and_relays(django_capture_on_commit_callbacks):
    bob = _prefer(UserFactory(), membership=Frequency.DAILY)
    notify(users=[bob], verb="membership.approved", title="Welcome")
    assert send_digests.delay("daily").get() == 1
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert "Welcome" in mail.outbox[0].body
    assert send_digests.delay("daily").get() == 0
    assert len(mail.outbox) == 1


# --- query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_notify_query_count_does_not_grow_with_recipients(size, django_assert_max_num_queries):
    users = UserFactory.create_batch(size)
    for user in users[::2]:
        _prefer(user, proposal=Frequency.DAILY)
    # 1 preferences of all recipients, 2 notifications bulk insert, 3 outbox bulk insert
    with django_assert_max_num_queries(3):
        notify(users=users, verb="proposal.escalated", title="Escalated", url="/p/9/")
    assert Notification.objects.count() == size
    assert OutboxMessage.objects.count() == size // 2


@pytest.mark.parametrize("size", [5, 50])
def test_digest_query_count_does_not_grow_with_recipients(size, django_assert_num_queries):
    users = UserFactory.create_batch(size)
    for user in users:
        _prefer(user, proposal=Frequency.DAILY)
    notify(users=users, verb="proposal.escalated", title="Escalated", url="/p/9/")
    notify(users=users, verb="proposal.response", title="Answered", url="/p/9/")
    # savepoint, waiting rows with their users, outbox bulk insert, update, release
    with django_assert_num_queries(5):
        assert digest_send(frequency="daily") == size


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:notifications", "accounts:notification_settings"])
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_mark_all_read_requires_login(client, cyril):
    notify(users=[cyril], verb="proposal.submitted", title="Hello")
    response = client.post(reverse("accounts:notifications_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_list_shows_only_own_notifications(client, alice, cyril):
    notify(users=[alice], verb="membership.approved", title="Alice is in", url="/f/leb/")
    notify(users=[cyril], verb="membership.refused", title="Cyril private notice")
    client.force_login(alice)
    response = client.get(reverse("accounts:notifications"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice is in" in html
    assert 'href="/f/leb/"' in html
    assert "Unread" in html  # marked with text, not colour alone
    assert "Cyril private notice" not in html


def test_list_is_paginated_by_30(client, cyril):
    for i in range(31):
        notify(users=[cyril], verb="proposal.submitted", title=f"Item {i:02d}")
    client.force_login(cyril)
    response = client.get(reverse("accounts:notifications"))
    page = response.context["page"]
    assert len(page) == 30
    following = client.get(reverse("accounts:notifications"), {"after": page.next_cursor})
    assert len(following.context["page"]) == 1


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_does_not_grow_with_rows(client, cyril, size, django_assert_num_queries):
    for i in range(size):
        notify(users=[cyril], verb="proposal.submitted", title=f"Item {i}")
    client.force_login(cyril)
    # 1 session, 2 user, 3 unread count up to 100 (shared by page and header), 4 liaison check
    # for the header, 5 the page's rows (keyset: no count of the inbox)
    with django_assert_num_queries(5):
        assert client.get(reverse("accounts:notifications")).status_code == 200


def test_header_shows_the_unread_count(client, cyril):
    client.force_login(cyril)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:notifications") in html
    assert '<span class="tag">' not in html
    notify(users=[cyril], verb="proposal.submitted", title="One")
    notify(users=[cyril], verb="proposal.submitted", title="Two")
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<span class="tag">2</span>' in html
    assert reverse("accounts:notification_settings") in html


def test_mark_all_read(client, alice, cyril):
    notify(users=[alice, cyril], verb="proposal.submitted", title="Hello")
    notify(users=[alice], verb="proposal.escalated", title="Again")
    client.force_login(alice)
    response = client.post(reverse("accounts:notifications_read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:notifications")
    assert not alice.notifications.filter(read_at__isnull=True).exists()
    assert cyril.notifications.filter(read_at__isnull=True).count() == 1  # others untouched
    html = client.get(reverse("accounts:notifications")).content.decode()
    assert "Mark all as read" not in html


def test_mark_all_read_refuses_get(client, cyril):
    client.force_login(cyril)
    assert client.get(reverse("accounts:notifications_read")).status_code == 405


def test_settings_form_has_a_label_for_every_select(client, cyril):
    client.force_login(cyril)
    html = client.get(reverse("accounts:notification_settings")).content.decode()
    for category in NotificationPreference.Category.values:
        assert f'<label for="id_{category}"' in html
        assert f'<select name="{category}" id="id_{category}"' in html


def test_settings_form_saves(client, cyril):
    client.force_login(cyril)
    values = {
        "registration": "immediate",
        "membership": "daily",
        "decision": "weekly",
        "proposal": "off",
        "meeting": "daily",
        "problem": "weekly",
        "assessment": "immediate",
        "report": "off",
    }
    response = client.post(reverse("accounts:notification_settings"), values)
    assert response.status_code == 302
    stored = dict(cyril.notification_preferences.values_list("category", "frequency"))
    assert stored == values
    # saving again updates the same rows
    client.post(reverse("accounts:notification_settings"), {**values, "decision": "off"})
    assert cyril.notification_preferences.count() == 8
    assert cyril.notification_preferences.get(category="decision").frequency == "off"
    form = client.get(reverse("accounts:notification_settings")).context["form"]
    assert form["membership"].value() == "daily"


def test_settings_form_rejects_an_invalid_frequency_and_keeps_the_rest(client, cyril):
    _prefer(cyril, decision=Frequency.WEEKLY)
    client.force_login(cyril)
    response = client.post(
        reverse("accounts:notification_settings"),
        {
            "registration": "daily",
            "membership": "hourly",
            "decision": "off",
            "proposal": "weekly",
            "meeting": "immediate",
            "problem": "daily",
            "assessment": "off",
            "report": "weekly",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["membership"]
    html = response.content.decode()
    # the error sits in the membership field's own group, right before its select
    group = html.split('<label for="id_membership"')[1].split("</select>")[0]
    assert 'class="errorlist' in group
    assert 'aria-invalid="true"' in group
    # the other choices are shown as submitted, and nothing was stored
    assert (
        '<option value="off" selected>' in html.split('id="id_decision"')[1].split("</select>")[0]
    )
    assert form["proposal"].value() == "weekly"
    assert dict(cyril.notification_preferences.values_list("category", "frequency")) == {
        "decision": "weekly"
    }


def test_preferences_service_refuses_unknown_values():
    from django.core.exceptions import ValidationError

    bob = UserFactory()
    with pytest.raises(ValidationError):
        notification_preferences_set(user=bob, values={"proposal": "hourly"})
    with pytest.raises(ValidationError):
        notification_preferences_set(user=bob, values={"gossip": "daily"})
    assert not bob.notification_preferences.exists()
