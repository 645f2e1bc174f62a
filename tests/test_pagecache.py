"""Public pages cached for anonymous visitors (accounts.pagecache): served from the cache until
anything changes, never to signed-in people, never with another visitor's CSRF token."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import pagecache
from accounts.models import Notification
from assessments.models import PollAnswer, PollParticipation
from forums import services
from platforms.models import ImportJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _propose(forum, author, title):
    return services.proposal_create(
        platform=forum,
        author=author,
        title=title,
        body="Темно на улице, дети идут из школы.",
        category="school",
        submit=True,
    )


def test_second_anonymous_visit_is_served_from_the_cache(client, forum, alice):
    _propose(forum, alice, "Фонари на Школьной")
    url = reverse("forums:tracker")
    first = client.get(url)
    second = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "Фонари на Школьной" in second.content.decode()
    assert second["Content-Type"].startswith("text/html")


def test_any_change_shows_at_once(client, forum, alice):
    url = reverse("forums:tracker")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    _propose(forum, alice, "Камеры у рынка")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Камеры у рынка" in response.content.decode()


def test_each_language_is_cached_apart(client, forum):
    url = forum.get_absolute_url()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["X-Page-Cache"] == "miss"
    assert 'lang="ru"' in russian.content.decode()
    assert 'lang="en"' in english


def test_signed_in_people_always_get_their_own_page(client, forum, alice):
    url = forum.get_absolute_url()
    Client().get(url)  # an anonymous visitor fills the cache
    client.force_login(alice)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert alice.public_name in response.content.decode()


def test_cached_page_carries_this_visitors_csrf_token(forum):
    url = forum.get_absolute_url()
    Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(url)
    assert response["X-Page-Cache"] == "hit"
    body = response.content.decode()
    assert pagecache.PLACEHOLDER.decode() not in body
    token = TOKEN.search(body).group(1)
    switched = visitor.post(
        reverse("set_language"), {"language": "ky", "next": url, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302  # accepted: the token belongs to this visitor


def test_page_with_a_pending_message_is_neither_served_nor_stored(client, forum):
    url = forum.get_absolute_url()
    Client().get(url)
    client.cookies["messages"] = "anything"
    response = client.get(url)
    assert "X-Page-Cache" not in response


def test_refusals_are_not_cached(client):
    url = reverse("forums:proposal", args=[999999])
    assert client.get(url).status_code == 404
    second = client.get(url)
    assert second.status_code == 404
    assert "X-Page-Cache" not in second or second["X-Page-Cache"] == "miss"


def test_inbox_and_sign_in_do_not_start_a_generation(forum, alice):
    before = pagecache.generation()
    Notification.objects.create(user=alice, verb="proposal.submitted", title="x", body="y")
    alice.save(update_fields=["last_login"])
    ImportJob.objects.create(file_name="imports/a.csv", original_name="a.csv")  # admin only
    assert pagecache.generation() == before
    alice.first_name = "Алия"
    alice.save()
    assert pagecache.generation() > before


def test_generation_moves_again_after_commit(forum, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _propose(forum, alice, "Проверка")
    during = pagecache.generation()
    assert callbacks, "a bump is registered for the commit"
    for callback in callbacks:
        callback()
    assert pagecache.generation() > during


def test_off_when_seconds_is_zero(client, forum, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = forum.get_absolute_url()
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_open_data_lists_are_cached_until_a_change(client, forum, alice, django_assert_num_queries):
    _propose(forum, alice, "Освещение парка")
    url = "/api/v1/proposals/"
    first = client.get(url).json()
    with django_assert_num_queries(0):
        assert client.get(url).json() == first
    _propose(forum, alice, "Скамейки у школы")
    titles = [row["title"] for row in client.get(url).json()["results"]]
    assert "Скамейки у школы" in titles


def test_a_small_export_is_built_once_for_everyone_until_a_change(
    client, forum, alice, cyril, django_assert_max_num_queries
):
    _propose(forum, alice, "Шлагбаум у двора")
    url = reverse("forums:export") + f"?platform={forum.slug}"
    first = b"".join(client.get(url).streaming_content)
    client.force_login(cyril)  # a signed-in person gets the same file from the cache
    with django_assert_max_num_queries(4):  # session, user, the forum, the capped count
        again = b"".join(client.get(url).streaming_content)
    assert again == first
    _propose(forum, alice, "Освещение остановки")
    assert "Освещение остановки" in b"".join(client.get(url).streaming_content).decode("utf-8-sig")


def _supporters_shown(client, url) -> tuple[str, int]:
    response = client.get(url)
    count = re.search(r"Supporters</dt><dd>(\d+)</dd>", response.content.decode())
    return response["X-Page-Cache"], int(count.group(1))


def test_supports_start_one_generation_a_window_and_the_last_one_shows_after_it(
    client, forum, alice, django_capture_on_commit_callbacks
):
    proposal = _propose(forum, alice, "Фонари у школы")
    url = proposal.get_absolute_url()
    client.cookies["django_language"] = "en"
    assert _supporters_shown(client, url) == ("miss", 0)
    *campaign, late = UserFactory.create_batch(31)
    before = pagecache.generation()

    def support(person):
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_support(proposal=proposal, user=person)

    for person in campaign:  # 30 supports within the window
        support(person)
    assert pagecache.generation() == before + 1  # one new generation, not 30
    assert _supporters_shown(client, url) == ("miss", 30)
    support(late)  # still within the window: the page stays as it is for now
    assert _supporters_shown(client, url) == ("hit", 30)
    cache.delete(pagecache.TALLY_WINDOW_KEY)  # the window is over
    assert _supporters_shown(client, url) == ("miss", 31)
    assert pagecache.generation() == before + 2


def test_poll_answers_are_tallies_and_a_proposal_is_not(
    forum, alice, django_capture_on_commit_callbacks
):
    cache.add(pagecache.TALLY_WINDOW_KEY, 1, 60)  # inside a window
    before = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        for model in (PollAnswer, PollParticipation):  # what a poll answer saves
            pagecache.bump_on_change(model, instance=None, created=True)
    assert pagecache.generation() == before
    _propose(forum, alice, "Не счётчик: новое предложение")  # shows at once, window or not
    assert pagecache.generation() > before
