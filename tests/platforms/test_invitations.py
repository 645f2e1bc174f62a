"""Initiative group invitations: typed as given, the same answer for any address, consent first.

Adding an e-mail never shows whose account it is; the person is invited and becomes a member
only by accepting, with a party that fits them (an official joins as their office).
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification, OutboxMessage
from platforms import registration
from platforms.models import Membership, Party, Platform, PlatformContact, PlatformEvent
from platforms.services import membership_grant
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"/invitation/([^/\s]+)/")


@pytest.fixture
def lsg(council):
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
    return platform


@pytest.fixture
def admin_account(db):
    """An account whose public name must never come out of an e-mail typed by someone else."""
    return UserFactory(
        email="admin@example.org",
        display_name="System Administrator",
        is_superuser=True,
        is_staff=True,
    )


def _token_for(email: str) -> str:
    """The token of the last invitation sent to an address, in-app or by e-mail."""
    texts = list(
        Notification.objects.filter(user__email__iexact=email, verb="registration.invited")
        .order_by("-pk")
        .values_list("url", flat=True)
    ) + list(OutboxMessage.objects.filter(to=email).order_by("-pk").values_list("body", flat=True))
    for text in texts:
        match = TOKEN.search(text)
        if match:
            return match.group(1)
    raise AssertionError(f"no invitation for {email}")


def _invite(platform, initiator, person_or_email, name="Typed Name") -> PlatformContact:
    email = getattr(person_or_email, "email", person_or_email)
    return registration.initiative_add(platform=platform, user=initiator, name=name, email=email)


def _url(platform, token):
    return reverse("platforms:invitation", kwargs={"slug": platform.slug, "token": token})


def _activate(platform, initiator, lsg, leo):
    registration.registration_submit(platform=platform, user=initiator)
    registration.registration_answer(platform=platform, user=lsg, answer="acknowledged")
    registration.registration_answer(platform=platform, user=leo, answer="acknowledged")
    platform.refresh_from_db()
    assert platform.status == Platform.Status.ACTIVE


def _member_party(platform, user):
    return (
        Membership.objects.current()
        .filter(platform=platform, user=user)
        .values_list("party", flat=True)
        .first()
    )


# --- what the initiator sees ---------------------------------------------------------------


def test_known_and_unknown_addresses_get_the_same_answer(client, cyril, draft, admin_account):
    """Same redirect, same message, and the account's public name appears nowhere."""
    client.force_login(cyril)
    url = reverse("platforms:register_step", args=[draft.slug, "group"])
    known = client.post(url, {"name": "Aibek", "email": "ADMIN@example.org"}, follow=True)
    unknown = client.post(url, {"name": "Aidai", "email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert [str(m) for m in known.context["messages"]] == [
        str(m) for m in unknown.context["messages"]
    ]
    for response in (known, unknown):
        assert response.status_code == 200
        assert "System Administrator" not in response.content.decode()
    review = client.get(reverse("platforms:register_step", args=[draft.slug, "review"]))
    assert "System Administrator" not in review.content.decode()
    # the two entries of the group list differ only by the typed name (and their row ids)
    entries = {}
    for item in re.findall(r'<li class="item">(.*?)</li>', unknown.content.decode(), re.S):
        for name in ("Aibek", "Aidai"):
            if name in item:
                entries[name] = re.sub(r"\d+", "N", item.replace(name, "NAME"))
    assert entries["Aibek"] == entries["Aidai"]


def test_known_and_unknown_addresses_get_the_same_error(client, cyril, draft, admin_account):
    """Without a name both are refused the same way; no "no such user" for the unknown one."""
    client.force_login(cyril)
    url = reverse("platforms:register_step", args=[draft.slug, "group"])
    known = client.post(url, {"name": "", "email": "admin@example.org"})
    unknown = client.post(url, {"name": "", "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert "System Administrator" not in known.content.decode()
    assert draft.contacts.count() == 1  # only the initiator


def test_contact_is_stored_as_typed_and_not_linked(cyril, draft, admin_account):
    contact = _invite(draft, cyril, " Admin@Example.org ", name=" Aibek Typed ")
    assert (contact.name, contact.email, contact.user) == ("Aibek Typed", "admin@example.org", None)
    assert contact.invitation == PlatformContact.Invitation.PENDING
    assert contact.token_hash and len(contact.token_hash) == 64


def test_existing_account_is_notified_and_unknown_address_is_emailed(cyril, draft, alice):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "newcomer@example.org")
    note = Notification.objects.get(user=alice, verb="registration.invited")
    assert TOKEN.search(note.url)
    letter = OutboxMessage.objects.get(to="newcomer@example.org")
    assert TOKEN.search(letter.body)
    assert "http" in letter.body  # an address with no account gets a full link


# --- consent ---------------------------------------------------------------------------------


def test_no_membership_before_acceptance(cyril, draft, alice, lsg, leo):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    _activate(draft, cyril, lsg, leo)
    assert not Membership.objects.filter(platform=draft, user=alice).exists()
    assert _member_party(draft, cyril) == Party.CITIZEN  # the initiator consented by starting


def test_acceptance_before_activation_joins_on_activation(client, cyril, draft, alice, lsg, leo):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    client.force_login(alice)
    url = _url(draft, _token_for(alice.email))
    page = client.get(url)
    assert page.status_code == 200 and draft.name in page.content.decode()
    response = client.post(url, {"answer": "accept", "party": Party.NGO})
    assert response.status_code == 302
    assert not Membership.objects.filter(platform=draft, user=alice).exists()  # still a draft
    contact = draft.contacts.get(email=alice.email)
    assert contact.user == alice and contact.invitation == "accepted"
    assert PlatformEvent.objects.filter(platform=draft, kind="invitation", new="accepted").exists()
    _activate(draft, cyril, lsg, leo)
    assert _member_party(draft, alice) == Party.NGO


def test_acceptance_after_activation_joins_at_once(client, cyril, draft, alice, lsg, leo):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    _activate(draft, cyril, lsg, leo)
    client.force_login(alice)
    response = client.post(_url(draft, _token_for(alice.email)), {"answer": "accept"})
    assert response.status_code == 302
    assert _member_party(draft, alice) == Party.CITIZEN


def test_decline_leaves_no_membership(client, cyril, draft, alice, lsg, leo):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    client.force_login(alice)
    url = _url(draft, _token_for(alice.email))
    assert client.post(url, {"answer": "decline"}).status_code == 302
    assert draft.contacts.get(email=alice.email).invitation == "declined"
    assert draft.contacts.get(email=alice.email).user is None
    # declining is final: a later "accept" is refused
    again = client.post(url, {"answer": "accept"})
    assert again.status_code == 200 and again.context["form"].errors
    _invite(draft, cyril, "third@example.org", name="Third")
    _activate(draft, cyril, lsg, leo)
    assert not Membership.objects.filter(platform=draft, user=alice).exists()


def test_declined_founders_do_not_count_towards_three(client, cyril, draft, alice):
    _invite(draft, cyril, alice)
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    client.force_login(alice)
    client.post(_url(draft, _token_for(alice.email)), {"answer": "decline"})
    with pytest.raises(ValidationError) as exc:
        registration.registration_submit(platform=draft, user=cyril)
    assert "contacts" in exc.value.message_dict


def test_unknown_address_accepts_after_signing_up(client, cyril, draft, lsg, leo):
    _invite(draft, cyril, "later@example.org", name="Later")
    _invite(draft, cyril, "other@example.org", name="Other")
    _activate(draft, cyril, lsg, leo)
    newcomer = UserFactory(email="later@example.org")
    client.force_login(newcomer)
    client.post(_url(draft, _token_for("later@example.org")), {"answer": "accept"})
    assert _member_party(draft, newcomer) == Party.CITIZEN


# --- whose token ---------------------------------------------------------------------------


def test_token_of_another_person_is_refused(client, cyril, draft, alice):
    _invite(draft, cyril, alice)
    intruder = UserFactory()
    client.force_login(intruder)
    url = _url(draft, _token_for(alice.email))
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    contact = draft.contacts.get(email=alice.email)
    assert contact.invitation == "pending" and contact.user is None
    with pytest.raises(PermissionDenied):
        registration.invitation_answer(contact=contact, user=intruder, accept=True)


def test_token_of_another_forum_is_refused(client, cyril, draft, alice, village):
    other = registration.registration_start(user=cyril, name="Other forum", territory=village)
    _invite(draft, cyril, alice)
    _invite(other, cyril, alice)
    client.force_login(alice)
    token_for_draft = TOKEN.search(
        Notification.objects.filter(user=alice, verb="registration.invited")
        .order_by("pk")
        .first()
        .url
    ).group(1)
    assert client.get(_url(other, token_for_draft)).status_code == 404
    assert client.get(_url(draft, token_for_draft)).status_code == 200


def test_unverified_address_cannot_accept(client, cyril, draft):
    holder = UserFactory(email="unverified@example.org", verified=False)
    _invite(draft, cyril, holder)
    client.force_login(holder)
    assert client.get(_url(draft, _token_for(holder.email))).status_code == 404
    EmailAddress.objects.create(user=holder, email=holder.email, verified=True, primary=True)
    assert client.get(_url(draft, _token_for(holder.email))).status_code == 200


def test_made_up_token_is_404_and_anonymous_is_sent_to_login(client, cyril, draft, alice):
    _invite(draft, cyril, alice)
    url = _url(draft, _token_for(alice.email))
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(alice)
    assert client.get(_url(draft, "made-up-token")).status_code == 404


# --- officials -----------------------------------------------------------------------------


def test_official_accepting_is_not_listed_as_a_citizen(client, cyril, draft, lsg, leo):
    """A police liaison officer joins as police; "citizen" is not even offered."""
    other_officer = UserFactory()
    from platforms.services import liaison_assign
    from tests.factories import PoliceUnitFactory

    liaison_assign(user=other_officer, unit=PoliceUnitFactory(name="Osh police"))
    _invite(draft, cyril, other_officer, name="Officer")
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    _activate(draft, cyril, lsg, leo)
    client.force_login(other_officer)
    url = _url(draft, _token_for(other_officer.email))
    page = client.get(url)
    assert 'value="citizen"' not in page.content.decode()
    refused = client.post(url, {"answer": "accept", "party": Party.CITIZEN})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert _member_party(draft, other_officer) == Party.POLICE
    citizens = Membership.objects.filter(platform=draft, party=Party.CITIZEN)
    assert other_officer.pk not in set(citizens.values_list("user", flat=True))


def test_territory_official_accepting_keeps_the_official_membership(client, cyril, draft, lsg, leo):
    """The territory's LSG is a member by default; accepting adds no citizen row."""
    _invite(draft, cyril, lsg, name="District head")
    _invite(draft, cyril, "aidai@example.org", name="Aidai")
    client.force_login(lsg)
    client.post(_url(draft, _token_for(lsg.email)), {"answer": "accept"})
    _activate(draft, cyril, lsg, leo)
    rows = list(Membership.objects.filter(platform=draft, user=lsg).values_list("party", flat=True))
    assert rows == [Party.LSG]
