"""Gender and year of birth: optional, self-stated on the profile, with a privacy note."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.forms import ProfileForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = {"display_name": "Aigerim", "first_name": "", "last_name": "", "preferred_language": "ru"}


def test_a_new_account_states_nothing():
    user = UserFactory()
    assert user.gender == "" and user.birth_year is None


def test_profile_saves_gender_and_year_of_birth(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="gender"' in page and 'name="birth_year"' in page
    assert "Never shown to anyone" in page  # the privacy note
    response = client.post(
        reverse("accounts:profile"), {**BASE, "gender": "female", "birth_year": "1999"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.gender, user.birth_year) == ("female", 1999)
    # and both can be withdrawn again
    client.post(reverse("accounts:profile"), {**BASE, "gender": "", "birth_year": ""})
    user.refresh_from_db()
    assert (user.gender, user.birth_year) == ("", None)


def test_prefer_not_to_say_is_a_choice():
    form = ProfileForm(data={**BASE, "gender": "unstated"}, instance=UserFactory())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("year", ["1899", str(timezone.localdate().year + 1)])
def test_an_impossible_year_of_birth_is_refused(year):
    form = ProfileForm(data={**BASE, "birth_year": year}, instance=UserFactory())
    assert not form.is_valid() and "birth_year" in form.errors


def test_an_unknown_gender_is_refused():
    form = ProfileForm(data={**BASE, "gender": "other-value"}, instance=UserFactory())
    assert not form.is_valid() and "gender" in form.errors
