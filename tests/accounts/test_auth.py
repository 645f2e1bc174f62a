"""Sign-up, login and admin login behave safely from day one."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification, OutboxMessage
from accounts.services import notify, outbox_relay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_signup_sends_verification_and_blocks_login_until_verified(
    client, django_capture_on_commit_callbacks
):
    # the e-mail is queued in the outbox and sent by the relay the commit kicks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "display_name": "Aigerim",
                "email": "new@example.org",
                "password1": "a-Long-pass-2026",
                "password2": "a-Long-pass-2026",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "new@example.org" in mail.outbox[0].to
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302  # not signed in until the e-mail is verified


def test_signup_with_existing_email_does_not_reveal_the_account(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Aigerim",
            "email": "taken@example.org",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    # the same redirect to "verification sent" as for a new address; the owner gets a notice
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_password_reset_does_not_enumerate(client):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def _throttled(response) -> bool:
    errors = response.context["form"].non_field_errors().as_data()
    return any(e.code == "too_many_login_attempts" for e in errors)


def test_login_is_throttled_after_repeated_failures(client):
    UserFactory(email="victim@example.org")
    responses = [
        client.post(reverse("account_login"), {"login": "victim@example.org", "password": "wrong"})
        for _ in range(7)
    ]
    assert not _throttled(responses[0])
    assert _throttled(responses[-1])
    # even the right password is refused while throttled
    right = client.post(
        reverse("account_login"), {"login": "victim@example.org", "password": "pass-word-123"}
    )
    assert right.status_code == 200
    assert _throttled(right)


def test_verified_user_can_sign_in(client):
    UserFactory(email="ok@example.org")
    response = client.post(
        reverse("account_login"), {"login": "ok@example.org", "password": "pass-word-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_admin_refuses_non_staff(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert client.get("/admin/platforms/platform/").status_code in (302, 403)


def test_admin_allows_sysadmin(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get("/admin/platforms/platform/").status_code == 200
    assert client.get("/admin/platforms/territory/").status_code == 200


def test_mfa_setup_refused_for_unverified_email(client):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    response = client.get(reverse("mfa_activate_totp"))
    # refused before re-authentication is even asked for, with a message
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=user).exists()


def test_mfa_setup_allowed_for_verified_email(client):
    client.force_login(UserFactory())
    response = client.get(reverse("mfa_activate_totp"))
    # allowed through to the re-authentication step that precedes the set-up
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]


def test_language_switch_is_remembered_on_the_user(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ky", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "ky"
    assert client.get("/").context["LANGUAGE_CODE"] == "ky"


def test_stored_language_applies_without_cookie(client):
    user = UserFactory(preferred_language="uz")
    client.force_login(user)
    assert client.get("/").context["LANGUAGE_CODE"] == "uz"


def test_profile_requires_login_and_saves(client):
    assert client.get(reverse("accounts:profile")).status_code == 302
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Aigerim", "first_name": "", "last_name": "", "preferred_language": "ru"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Aigerim"


def test_notify_writes_notifications_and_outbox_then_relay_sends(
    django_capture_on_commit_callbacks,
):
    users = UserFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=users, verb="test", title="Hello", body="Body", url="/x/")
    assert Notification.objects.filter(verb="test").count() == 2
    # the on-commit kick ran the relay eagerly
    assert OutboxMessage.objects.filter(status="sent").count() == 2
    assert len(mail.outbox) == 2
    assert outbox_relay() == 0  # idempotent: nothing left to send


@pytest.mark.parametrize("lang", ["ky", "ru", "uz"])
def test_pages_are_translated(client, lang):
    """Every catalogue is compiled and used: the home page heading differs from the English."""
    english = "Public security forums of Kyrgyzstan"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=lang)
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    assert english not in body
    with translation.override(lang):
        assert translation.gettext(english) in body
