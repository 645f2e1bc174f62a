"""Officials (liaison officers, secretariats, platform admins, staff) set up a second factor
before they act; members and citizens are not asked."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_mfa(settings):
    settings.OFFICIALS_REQUIRE_MFA = True


@pytest.mark.parametrize("persona", ["leo", "sam", "paula", "sysadmin"])
def test_officials_are_sent_to_set_up_an_authenticator(client, request, require_mfa, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("forums:tracker"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # the set-up page (allauth first asks for the password again) stays reachable
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/reauthenticate/")


@pytest.mark.parametrize("persona", ["leo", "sam"])
def test_with_an_authenticator_officials_work(client, request, require_mfa, persona):
    user = request.getfixturevalue(persona)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    assert client.get(reverse("forums:tracker")).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "cyril"])
def test_members_and_citizens_are_not_asked(client, request, require_mfa, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("forums:tracker")).status_code == 200


def test_the_check_costs_no_query_after_the_first_page(
    client, require_mfa, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get(reverse("forums:tracker"))
    with django_assert_max_num_queries(12):
        client.get(reverse("forums:tracker"))
    assert client.session["official_mfa_checked_for"] == alice.pk
