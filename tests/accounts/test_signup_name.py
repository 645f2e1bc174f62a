"""Sign-up asks for the name shown on public pages: no account is "Member #1180"."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2026"


def _signup(client, **data):
    return client.post(
        reverse("account_signup"),
        {"email": "aigerim@example.org", "password1": PASSWORD, "password2": PASSWORD, **data},
    )


def test_the_signup_form_asks_for_a_name_first(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="display_name"' in page
    assert 'autocomplete="name"' in page
    assert page.index('name="display_name"') < page.index('name="email"')


def test_the_name_is_stored_and_shown_instead_of_a_number(client):
    response = _signup(client, display_name="  Aigerim\u202e  Sadykova ")
    assert response.status_code == 302
    user = User.objects.get(email="aigerim@example.org")
    assert user.display_name == "Aigerim Sadykova"
    assert user.public_name == "Aigerim Sadykova"


def test_a_signup_without_a_name_is_refused(client):
    response = _signup(client, display_name="   ")
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.filter(email="aigerim@example.org").exists()
