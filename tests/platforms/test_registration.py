"""Forum registration: each transition allowed and refused, and bad input kept and explained."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from platforms import registration
from platforms.models import Membership, Party, Platform, PlatformEvent
from platforms.services import membership_grant
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lsg(council):
    """A local self-government member of the district council."""
    user = UserFactory()
    membership_grant(platform=council, user=user, party=Party.LSG, actor=None, check=False)
    return user


@pytest.fixture
def village(council):
    return TerritoryFactory(parent=council.territory, name_en="Kok-Jar")


@pytest.fixture
def draft(cyril, village):
    platform = registration.registration_start(user=cyril, name="Kok-Jar forum", territory=village)
    registration.registration_update(platform=platform, user=cyril, aims="Safe school roads")
    registration.initiative_add(platform=platform, user=cyril, name="Aibek", email="")
    registration.initiative_add(
        platform=platform, user=cyril, name="Bakyt", email=UserFactory().email
    )
    return platform


def test_start_creates_a_private_draft_with_the_initiator(cyril, village):
    platform = registration.registration_start(user=cyril, name="  New forum ", territory=village)
    assert platform.status == Platform.Status.DRAFT
    assert platform.name == "New forum"
    assert platform.parent is None and not platform.is_public
    assert list(platform.contacts.values_list("user", flat=True)) == [cyril.pk]


def test_start_refused_without_verified_email(village):
    with pytest.raises(PermissionDenied):
        registration.registration_start(
            user=UserFactory(verified=False), name="X", territory=village
        )


def test_same_name_in_same_territory_refused(cyril, draft, village):
    with pytest.raises(ValidationError) as exc:
        registration.registration_start(user=UserFactory(), name="kok-jar FORUM", territory=village)
    assert "name" in exc.value.message_dict


def test_territory_without_council_refused(cyril):
    from platforms.models import Territory

    lonely = TerritoryFactory(parent=Territory.objects.get(code="KG-N-AT-BASHY"))
    with pytest.raises(ValidationError) as exc:
        registration.registration_start(user=cyril, name="X", territory=lonely)
    assert "territory" in exc.value.message_dict


def test_only_the_initiator_edits(draft, alice):
    with pytest.raises(PermissionDenied):
        registration.registration_update(platform=draft, user=alice, aims="hijack")


def test_submit_refused_with_a_group_under_three(cyril, village):
    platform = registration.registration_start(user=cyril, name="Small", territory=village)
    registration.registration_update(platform=platform, user=cyril, aims="Aims")
    registration.initiative_add(platform=platform, user=cyril, name="Only one more")
    with pytest.raises(ValidationError) as exc:
        registration.registration_submit(platform=platform, user=cyril)
    assert "contacts" in exc.value.message_dict
    platform.refresh_from_db()
    assert platform.status == Platform.Status.DRAFT


def test_duplicate_initiative_email_refused(draft, cyril):
    with pytest.raises(ValidationError):
        registration.initiative_add(platform=draft, user=cyril, name="Me again", email=cyril.email)


def test_submit_notifies_lsg_and_police(draft, cyril, lsg, leo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration.registration_submit(platform=draft, user=cyril)
    draft.refresh_from_db()
    assert draft.status == Platform.Status.SUBMITTED
    notified = set(
        Notification.objects.filter(verb="registration.submitted").values_list("user", flat=True)
    )
    assert notified == {lsg.pk, leo.pk}
    assert {lsg.email, leo.email} <= {to for m in mail.outbox for to in m.to}


def test_both_acknowledgements_activate_under_the_council(draft, cyril, lsg, leo, council):
    registration.registration_submit(platform=draft, user=cyril)
    registration.registration_answer(platform=draft, user=lsg, answer="acknowledged")
    draft.refresh_from_db()
    assert draft.status == Platform.Status.SUBMITTED  # police has not answered yet
    registration.registration_answer(platform=draft, user=leo, answer="acknowledged")
    draft.refresh_from_db()
    assert draft.status == Platform.Status.ACTIVE and draft.parent == council
    assert draft.path.startswith(council.path)
    members = dict(
        Membership.objects.filter(platform=draft, status="active").values_list("user", "party")
    )
    assert members[cyril.pk] == Party.CITIZEN
    assert members[lsg.pk] == Party.LSG and members[leo.pk] == Party.POLICE
    # initiator, LSG and police: the invitee never accepted, the named contact has no account
    assert len(members) == 3
    assert PlatformEvent.objects.filter(platform=draft, new="active").exists()


def test_answer_refused_for_outsiders(draft, cyril, alice, lena):
    registration.registration_submit(platform=draft, user=cyril)
    for outsider in (alice, lena, cyril):
        with pytest.raises(PermissionDenied):
            registration.registration_answer(platform=draft, user=outsider, answer="acknowledged")


def test_return_needs_reasons_and_allows_resubmission(draft, cyril, lsg):
    registration.registration_submit(platform=draft, user=cyril)
    with pytest.raises(ValidationError):
        registration.registration_answer(platform=draft, user=lsg, answer="returned", comment="")
    registration.registration_answer(
        platform=draft, user=lsg, answer="returned", comment="Name the streets"
    )
    draft.refresh_from_db()
    assert draft.status == Platform.Status.RETURNED
    assert draft.return_reason == "Name the streets"
    registration.registration_update(platform=draft, user=cyril, aims="Streets A and B")
    registration.registration_submit(platform=draft, user=cyril)
    draft.refresh_from_db()
    assert draft.status == Platform.Status.SUBMITTED


def test_silence_activates_after_configured_days(draft, cyril, settings):
    settings.FORUM_ACK_SILENCE_DAYS = 14
    registration.registration_submit(platform=draft, user=cyril)
    assert registration.forums_activate_silent(now=timezone.now() + timedelta(days=13)) == 0
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert registration.forums_activate_silent() == 1
    draft.refresh_from_db()
    assert draft.status == Platform.Status.ACTIVE


def test_draft_visible_to_initiator_and_acknowledgers_only(client, draft, cyril, lsg, alice):
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.force_login(cyril)
    assert client.get(url).status_code == 200
    registration.registration_submit(platform=draft, user=cyril)
    client.force_login(lsg)
    response = client.get(url)
    assert response.status_code == 200 and response.context["answering_party"] == Party.LSG


# --- the wizard through HTTP ------------------------------------------------------------


def test_wizard_keeps_input_and_explains_errors(client, cyril, village):
    client.force_login(cyril)
    response = client.post(reverse("platforms:register"), {"name": "", "territory": village.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    response = client.post(
        reverse("platforms:register"), {"name": "x" * 201, "territory": village.pk}
    )
    assert response.context["form"].errors["name"]
    response = client.post(
        reverse("platforms:register"), {"name": "Keep me", "territory": "999999"}
    )
    assert response.context["form"].errors["territory"]
    assert 'value="Keep me"' in response.content.decode()
    assert not Platform.objects.filter(name="Keep me").exists()


def test_wizard_walks_all_steps(client, cyril, village, lsg):
    client.force_login(cyril)
    response = client.post(
        reverse("platforms:register"), {"name": "Wizard forum", "territory": village.pk}
    )
    platform = Platform.objects.get(name="Wizard forum")
    assert response["Location"] == reverse("platforms:register_step", args=[platform.slug, "aims"])
    step = lambda s: reverse("platforms:register_step", args=[platform.slug, s])  # noqa: E731
    assert client.get(step("aims")).status_code == 200
    response = client.post(step("aims"), {"aims": "", "problems": "Theft"})
    assert response.context["form"].errors["aims"]
    assert "Theft" in response.content.decode()
    client.post(
        step("aims"), {"aims": "Safe roads", "problems": "Theft", "membership_criteria": ""}
    )
    client.post(step("group"), {"name": "Gulnara", "email": ""})
    client.post(step("group"), {"name": "Bakyt", "email": UserFactory().email})
    response = client.post(step("review"))
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.status == Platform.Status.SUBMITTED
    assert platform.aims == "Safe roads"


def test_wizard_review_shows_why_it_cannot_submit(client, cyril, village):
    client.force_login(cyril)
    client.post(reverse("platforms:register"), {"name": "Too small", "territory": village.pk})
    platform = Platform.objects.get(name="Too small")
    response = client.post(reverse("platforms:register_step", args=[platform.slug, "review"]))
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2  # no aims, group under three


def test_wizard_is_404_for_someone_else(client, draft, alice):
    client.force_login(alice)
    url = reverse("platforms:register_step", args=[draft.slug, "aims"])
    assert client.get(url).status_code == 404


def test_wizard_requires_login(client):
    assert client.get(reverse("platforms:register")).status_code == 302
