"""Signing in, signing up and resetting a password survive a dead Redis or mail server,
titles of any length or shape make valid notifications and e-mails, and a locked-out owner
still gets in with a code sent to their e-mail."""

import re
import socket
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Notification, OutboxMessage, User
from accounts.services import notify, outbox_relay
from config.cache import FailOpenRedisCache
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # what UserFactory sets
NEW_PASSWORD = "a-Long-pass-2026"


def _closed_port() -> int:
    """A local port nothing listens on: 6390 unless something happens to be there."""
    for port in (6390, 0):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]  # bound, never listened on, then closed
    raise RuntimeError("no free local port")


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(client):
    """Report a 500 as a status, as a browser would see it, rather than raising."""
    client.raise_request_exception = False
    return client


# --- Redis down -------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The default cache is the production backend, pointed at a Redis that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    with pytest.raises(Exception):  # noqa: B017 - whatever redis-py raises: it is really down
        cache._cache.get_client().ping()
    return settings


def test_login_works_with_redis_down(client, redis_down):
    UserFactory(email="official@example.org")
    started = time.monotonic()
    response = client.post(
        reverse("account_login"), {"login": "official@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert time.monotonic() - started < 3  # a dead Redis costs little, not a timeout per call


def test_wrong_password_is_still_refused_with_redis_down(client, redis_down):
    UserFactory(email="official@example.org")
    response = client.post(
        reverse("account_login"), {"login": "official@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_signup_works_with_redis_down(client, redis_down):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Aigerim",
            "email": "new@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()


def test_password_reset_works_with_redis_down(client, redis_down):
    UserFactory(email="known@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(to="known@example.org").exists()


def test_login_page_renders_with_redis_down(client, redis_down):
    assert client.get(reverse("account_login")).status_code == 200


def test_fail_open_cache_answers_as_an_empty_cache(caplog):
    dead = FailOpenRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.25}}
    )
    assert dead.get("k", "fallback") == "fallback"
    assert dead.add("k", 1) is True  # so allauth's cache lock is taken, not waited on
    assert dead.set("k", 1) is None
    assert dead.get_many(["a", "b"]) == {}
    assert dead.incr("n", 3) == 3
    assert dead.delete("k") is False
    assert dead.has_key("k") is False
    assert dead.get_or_set("k", 7) == 7
    assert "unreachable" in caplog.text
    assert "failing open" in caplog.text


def test_fail_open_cache_leaves_a_dead_redis_alone_for_a_moment(monkeypatch):
    dead = FailOpenRedisCache(f"redis://127.0.0.1:{_closed_port()}/0", {})
    attempts = []
    real_get_client = dead._cache.get_client

    def counting_get_client(*args, **kwargs):
        attempts.append(1)
        return real_get_client(*args, **kwargs)

    monkeypatch.setattr(dead._cache, "get_client", counting_get_client)
    for _ in range(20):
        dead.get("k")
    assert len(attempts) == 1


def test_fail_open_cache_still_works_when_redis_is_there():
    """The local Redis, when there is one; db 14 is this suite's, and only our key is touched."""
    live = FailOpenRedisCache("redis://127.0.0.1:6379/14", {})
    try:
        live._cache.get_client().ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis on 127.0.0.1:6379")
    live.set("reliability-test", 42, 10)
    assert live.get("reliability-test") == 42
    live.delete("reliability-test")


# --- SMTP down ----------------------------------------------------------------------------------


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2
    return settings


def test_signup_with_smtp_down_creates_the_account_and_queues_the_mail(client, smtp_down):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Aigerim",
            "email": "new@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.org")
    assert EmailAddress.objects.filter(user=user, email="new@example.org").exists()
    row = OutboxMessage.objects.get(to="new@example.org")
    assert row.status == OutboxMessage.Status.PENDING
    assert "/accounts/confirm-email/" in row.body
    assert "\n" not in row.subject

    # the relay later meets the dead server, records it on the row and keeps it for a retry
    assert outbox_relay() == 0
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.PENDING
    assert row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()


def test_password_reset_with_smtp_down_answers_normally(client, smtp_down):
    UserFactory(email="known@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    assert response.status_code == 302
    row = OutboxMessage.objects.get(to="known@example.org")
    assert "/accounts/password/reset/key/" in row.body


def test_signup_is_all_or_nothing(client, monkeypatch):
    """If queueing the confirmation fails, no account is left behind without it."""

    def broken_queue(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("accounts.adapters.outbox_email_queue", broken_queue)
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Aigerim",
            "email": "new@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 500
    assert not User.objects.filter(email="new@example.org").exists()
    assert not EmailAddress.objects.filter(email="new@example.org").exists()


def test_allauth_mail_is_never_sent_inline(client):
    UserFactory(email="known@example.org")
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(to="known@example.org").count() == 1
    outbox_relay()
    (sent,) = mail.outbox
    assert sent.to == ["known@example.org"]
    assert sent.subject.startswith("[Open Platforms] ")


# --- titles -----------------------------------------------------------------------------------


def test_a_long_translated_title_is_cut_to_the_column_with_an_ellipsis():
    bob = UserFactory()
    # a 190-character proposal title inside a longer Russian sentence, as forums derive it
    title = (
        "Предложение передано на рассмотрение районного совета общественной безопасности: «"
        + "Б" * 190
        + "»"
    )
    assert len(title) > 255
    notify(users=[bob], verb="proposal.submitted", title=title)
    stored = Notification.objects.get(user=bob).title
    assert len(stored) == 255
    assert stored.endswith("\u2026")
    assert stored.startswith("Предложение передано")
    subject = OutboxMessage.objects.get(to=bob.email).subject
    assert len(subject) <= 255
    assert subject.endswith("\u2026")


def test_a_newline_in_a_title_never_reaches_a_header():
    bob = UserFactory()
    notify(users=[bob], verb="proposal.submitted", title="Street lights\r\nBcc: all@example.org")
    row = OutboxMessage.objects.get(to=bob.email)
    assert row.subject == "Street lights Bcc: all@example.org"
    assert Notification.objects.get(user=bob).title == row.subject
    assert outbox_relay() == 1
    assert mail.outbox[0].subject == "Street lights Bcc: all@example.org"


def test_the_relay_makes_any_stored_subject_one_line():
    """A row written some other way still goes out: the relay never raises BadHeaderError."""
    OutboxMessage.objects.create(to="a@example.org", subject="Hello\nworld\x0b!", body="Body")
    assert outbox_relay() == 1
    assert mail.outbox[0].subject == "Hello world !"


# --- locked out: sign in with an e-mailed code --------------------------------------------------


def _throttled(response) -> bool:
    errors = response.context["form"].non_field_errors().as_data()
    return any(e.code == "too_many_login_attempts" for e in errors)


def _login_code(email: str) -> str:
    body = OutboxMessage.objects.filter(to=email).latest("created_at", "pk").body
    (code,) = re.findall(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", body, re.MULTILINE)
    return code


def test_locked_out_owner_signs_in_with_a_code_from_the_outbox(client):
    UserFactory(email="official@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "official@example.org", "password": "x"})
    # the right password is refused while the lock holds...
    locked = client.post(
        reverse("account_login"), {"login": "official@example.org", "password": PASSWORD}
    )
    assert locked.status_code == 200
    assert _throttled(locked)
    assert client.get(reverse("accounts:profile")).status_code == 302
    # ...and the page points to the code, as a working link
    html = locked.content.decode()
    code_url = reverse("account_request_login_code")
    assert f'<a href="{code_url}">sign in with a code sent to your e-mail</a>' in html

    response = client.post(code_url, {"email": "official@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    assert mail.outbox == []  # the code goes through the outbox like every e-mail
    code = _login_code("official@example.org")

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_wrong_code_does_not_sign_in(client):
    UserFactory(email="official@example.org")
    client.post(reverse("account_request_login_code"), {"email": "official@example.org"})
    response = client.post(reverse("account_confirm_login_code"), {"code": "BBBB-BBBB"})
    assert response.status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 302
