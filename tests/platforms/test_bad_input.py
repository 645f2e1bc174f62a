"""Malformed input gets a 4xx or a validation message, never a server error.

Posted ids go through forms (parsed as ids, limited to the allowed rows) after the permission
check; query parameters with NUL bytes are ignored; naming a delegate twice gives one row.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from platforms import services
from platforms.models import Membership, Party, Role
from tests.factories import ThematicGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "²", "1e9", "99999999999999999999", "-1", "", "1\x00"]


@pytest.fixture
def request_of_cyril(forum, cyril):
    return services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_requests_page_answers_400_for_a_malformed_membership_id(
    client, forum, sam, request_of_cyril, bad
):
    client.force_login(sam)
    url = reverse("platforms:requests", args=[forum.slug])
    response = client.post(url, {"membership": bad, "action": "approve"})
    assert response.status_code == 400
    request_of_cyril.refresh_from_db()
    assert request_of_cyril.status == Membership.Status.REQUESTED


@pytest.mark.parametrize("bad", ["abc", "1e9"])
def test_requests_page_checks_permission_before_reading_the_id(client, forum, alice, bad):
    client.force_login(alice)
    url = reverse("platforms:requests", args=[forum.slug])
    assert client.post(url, {"membership": bad, "action": "approve"}).status_code == 403


def test_requests_page_refuses_a_membership_of_another_platform(client, forum, sam):
    other = services.membership_request(
        platform=forum.parent, user=UserFactory(), party=Party.CITIZEN
    )
    client.force_login(sam)
    url = reverse("platforms:requests", args=[forum.slug])
    response = client.post(url, {"membership": other.pk, "action": "approve"})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == Membership.Status.REQUESTED


def test_requests_page_still_approves_and_refuses(client, forum, sam, request_of_cyril):
    client.force_login(sam)
    url = reverse("platforms:requests", args=[forum.slug])
    no_reason = client.post(url, {"membership": request_of_cyril.pk, "action": "refuse"})
    assert no_reason.status_code == 400
    ok = client.post(url, {"membership": request_of_cyril.pk, "action": "approve"})
    assert ok.status_code == 302
    request_of_cyril.refresh_from_db()
    assert request_of_cyril.status == Membership.Status.ACTIVE
    again = client.post(url, {"membership": request_of_cyril.pk, "action": "approve"})
    assert again.status_code == 400  # already decided: a double click is explained


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "Lebedinovka\x00"},
        {"territory": "\x00"},
        {"territory": "KG-C\x00"},
        {"level": "\x00"},
        {"level": "community\x00"},
        {"page": "\x00"},
        {"page": "²"},
        {"territory": "x" * 500},
    ],
)
def test_directory_ignores_nul_and_malformed_filters(client, forum, params):
    response = client.get(reverse("platforms:directory"), params)
    assert response.status_code == 200
    # the bad filter is dropped, not applied: the forum is still listed
    assert forum.name in response.content.decode()


def test_directory_still_filters_with_valid_values(client, forum):
    response = client.get(reverse("platforms:directory"), {"q": "Lebedinovka", "level": "district"})
    assert response.status_code == 200
    assert forum.name not in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "²", "1e9", "99999999999999999999"])
def test_coordinator_post_with_a_malformed_id_is_a_message(client, forum, sam, bad):
    group = ThematicGroupFactory(platform=forum)
    client.force_login(sam)
    url = reverse("platforms:group", args=[forum.slug, group.pk])
    response = client.post(url, {"action": "coordinator", "coordinator": bad})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coordinator is None


def test_coordinator_post_checks_permission_first(client, forum, alice):
    group = ThematicGroupFactory(platform=forum)
    client.force_login(alice)
    url = reverse("platforms:group", args=[forum.slug, group.pk])
    assert client.post(url, {"action": "coordinator", "coordinator": "abc"}).status_code == 403


@pytest.mark.parametrize("bad", ["abc", "²", "1e9", "99999999999999999999"])
def test_delegate_form_with_a_malformed_member_id_is_a_form_error(client, forum, sam, bad):
    client.force_login(sam)
    today = timezone.localdate()
    response = client.post(
        reverse("platforms:delegates", args=[forum.slug]),
        {"member": bad, "term_start": today, "term_end": today + timedelta(days=30)},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(party=Party.DELEGATE).exists()


def _name(forum, alice, sam):
    today = timezone.localdate()
    return services.delegate_name(
        platform=forum,
        user=alice,
        actor=sam,
        term_start=today,
        term_end=today + timedelta(days=365),
    )


def test_naming_a_delegate_twice_returns_the_same_row(forum, alice, sam):
    first = _name(forum, alice, sam)
    second = _name(forum, alice, sam)
    assert first.pk == second.pk
    assert Membership.objects.filter(platform=forum.parent, user=alice).count() == 1


def test_double_click_on_the_delegate_form_gives_one_row(client, forum, alice, sam):
    member = Membership.objects.get(platform=forum, user=alice)
    today = timezone.localdate()
    data = {"member": member.pk, "term_start": today, "term_end": today + timedelta(days=30)}
    client.force_login(sam)
    url = reverse("platforms:delegates", args=[forum.slug])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Membership.objects.filter(platform=forum.parent, party=Party.DELEGATE).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so the race cannot happen there",
)
@pytest.mark.django_db(transaction=True)
def test_parallel_delegate_naming_gives_one_row_and_no_error(forum, monkeypatch):
    """Two requests pass every check together; both must end with the one row."""
    today = timezone.localdate()
    sam = UserFactory()
    services.membership_grant(
        platform=forum,
        user=sam,
        party=Party.NGO,
        role=Role.SECRETARIAT,
        term_start=today - timedelta(days=1),
        term_end=today + timedelta(days=300),
        actor=None,
        check=False,
    )
    alice = UserFactory()
    services.membership_grant(
        platform=forum, user=alice, party=Party.CITIZEN, actor=None, check=False
    )
    # Both threads meet at the insert, so without a lock they race into the unique index;
    # with the lock the second waits before its checks and the meeting times out.
    barrier = threading.Barrier(2, timeout=3)
    original_save = Membership.save

    def save_together(self, *args, **kwargs):
        if self.party == Party.DELEGATE:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Membership, "save", save_together)
    results, errors = [], []

    def name():
        try:
            results.append(_name(forum, alice, sam).pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=name) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Membership.objects.filter(platform=forum.parent, party=Party.DELEGATE).count() == 1
