"""Accounts hardening beyond tests/accounts/test_auth.py: sign-in messages reveal nothing about
which addresses exist; an authenticator set up through the real pages comes with recovery codes
that sign in; every official role is stopped (GET and POST) until it has a second factor."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse

from forums import services as forum_services
from forums.models import Comment
from platforms.models import LiaisonOfficer
from platforms.services import liaison_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_sign_in_says_the_same_for_an_unknown_address_and_a_wrong_password():
    UserFactory(email="known@example.org")
    known = _login(Client(), "known@example.org", "wrong-password-1")
    unknown = _login(Client(), "nobody@example.org", "wrong-password-1")
    assert known.status_code == unknown.status_code == 200
    assert _errors(known) == _errors(unknown) and _errors(known)


def test_sign_in_of_an_unverified_account_does_not_say_it_exists_to_a_wrong_password():
    UserFactory(email="new@example.org", verified=False)
    wrong = _login(Client(), "new@example.org", "wrong-password-1")
    unknown = _login(Client(), "nobody@example.org", "wrong-password-1")
    assert _errors(wrong) == _errors(unknown)


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_an_authenticator_set_up_on_the_pages_comes_with_recovery_codes_that_sign_in(client):
    user = UserFactory(email="official@example.org")
    assert _login(client, user.email, PASSWORD).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before the set-up
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    assert response.status_code == 302
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.findall(r"\b[0-9a-f]{8}\b", codes_page)
    assert len(set(codes)) >= 10

    # a new browser: password, then one recovery code instead of the app
    other = Client()
    response = _login(other, user.email, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    response = other.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and "_auth_user_id" in other.session
    # a used code does not work twice
    third = Client()
    _login(third, user.email, PASSWORD)
    third.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "_auth_user_id" not in third.session


# --- every official role, allowed and refused ------------------------------------------------


@pytest.fixture
def require_mfa(settings):
    settings.OFFICIALS_REQUIRE_MFA = True


@pytest.fixture
def hugo(local_unit):
    """The head of the local police unit."""
    user = UserFactory()
    liaison_assign(user=user, unit=local_unit, position=LiaisonOfficer.Position.HEAD)
    return user


@pytest.fixture
def out_of_term(forum):
    """A secretariat whose term has ended: no longer an official."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.conftest import _grant

    today = timezone.localdate()
    return _grant(
        forum,
        role="secretariat",
        term_start=today - timedelta(days=400),
        term_end=today - timedelta(days=30),
    )


OFFICIALS = ["leo", "hugo", "sam", "paula", "sysadmin"]
NOT_OFFICIALS = ["alice", "cyril", "out_of_term"]


@pytest.mark.parametrize("persona", OFFICIALS)
def test_officials_without_a_second_factor_cannot_act(
    client, request, require_mfa, persona, forum, alice
):
    """Not even a comment: the POST is turned to the set-up page and nothing is written."""
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="school", submit=True
    )
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(proposal.get_absolute_url(), {"action": "comment", "body": "Hi"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert not Comment.objects.filter(author=user).exists()


@pytest.mark.parametrize("persona", OFFICIALS)
def test_officials_with_a_second_factor_act(client, request, require_mfa, persona):
    user = request.getfixturevalue(persona)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    assert client.get(reverse("forums:my")).status_code == 200


@pytest.mark.parametrize("persona", NOT_OFFICIALS)
def test_members_citizens_and_former_secretariats_are_not_asked(
    client, request, require_mfa, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("forums:my")).status_code == 200
