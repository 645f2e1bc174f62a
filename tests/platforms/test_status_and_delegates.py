"""What a registration's people and a forum's delegates see on its pages (issue 9.18, 9.21)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from platforms import registration
from platforms.models import Membership, Party, Platform, Role
from platforms.services import delegate_name, membership_grant
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lsg(council):
    """Local self-government: a member of the district council for its LSG."""
    user = UserFactory()
    membership_grant(platform=council, user=user, party=Party.LSG, actor=None, check=False)
    return user


@pytest.fixture
def submitted(cyril, council, lsg, leo):
    """A registration with the initiator, a founder with an account and one without."""
    village = TerritoryFactory(parent=council.territory, name_en="Kok-Jar")
    platform = registration.registration_start(user=cyril, name="Kok-Jar forum", territory=village)
    registration.registration_update(platform=platform, user=cyril, aims="Safe school roads")
    registration.initiative_add(platform=platform, user=cyril, name="Aibek Usonov", email="")
    registration.initiative_add(
        platform=platform, user=cyril, name="Bakyt Asanova", email="bakyt@example.org"
    )
    registration.registration_submit(platform=platform, user=cyril)
    platform.refresh_from_db()
    return platform


@override_settings(FORUM_ACK_SILENCE_DAYS=14)
def test_a_pending_forum_says_who_still_answers_and_when_silence_counts(client, submitted, lsg):
    client.force_login(submitted.created_by)
    page = client.get(submitted.get_absolute_url())
    status = page.context["waiting_for"]
    assert [str(p) for p in status] == ["local self-government", "police"]
    assert page.context["activates_on"] == submitted.submitted_at + timedelta(days=14)
    assert 'data-testid="registration-status"' in page.content.decode()

    registration.registration_answer(platform=submitted, user=lsg, answer="acknowledged")
    page = client.get(submitted.get_absolute_url())
    assert [str(p) for p in page.context["waiting_for"]] == ["police"]


def test_answers_stay_on_the_page_once_active(client, submitted, lsg, leo):
    registration.registration_answer(platform=submitted, user=lsg, answer="acknowledged")
    registration.registration_answer(
        platform=submitted, user=leo, answer="acknowledged", comment="We know the area."
    )
    submitted.refresh_from_db()
    assert submitted.status == Platform.Status.ACTIVE
    body = client.get(submitted.get_absolute_url()).content.decode()
    assert 'data-testid="acknowledgements"' in body
    assert "We know the area." in body
    assert 'data-testid="registration-status"' not in body


def test_the_answer_page_lists_the_founders(client, submitted, lsg):
    client.force_login(lsg)
    page = client.get(reverse("platforms:answer", args=[submitted.slug]))
    assert page.status_code == 200
    names = [c.name for c in page.context["founders"]]
    assert "Aibek Usonov" in names and "Bakyt Asanova" in names
    assert "bakyt@example.org" not in page.content.decode()


def test_an_official_who_returns_lands_on_the_forum_and_back_works(client, submitted, leo):
    client.force_login(leo)
    url = reverse("platforms:answer", args=[submitted.slug])
    response = client.post(url, {"answer": "returned", "comment": "Wrong village."}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == submitted.get_absolute_url()
    # Back to the answer page: where it stands, no form, no error
    again = client.get(url)
    assert again.status_code == 200
    assert again.context["form"] is None
    assert 'data-testid="not-waiting"' in again.content.decode()


def test_founders_without_an_account_stay_listed_after_activation(client, submitted, lsg, leo):
    for official in (lsg, leo):
        registration.registration_answer(platform=submitted, user=official, answer="acknowledged")
    body = client.get(submitted.get_absolute_url()).content.decode()
    assert 'data-testid="founders"' in body
    assert "Aibek Usonov" in body and "Bakyt Asanova" in body
    assert "invited founder" in body


@pytest.mark.parametrize("junk", ["x", "123", "---", "aaa", "1 2 3"])
def test_a_junk_name_is_refused_and_never_counts(cyril, council, junk):
    village = TerritoryFactory(parent=council.territory)
    draft = registration.registration_start(user=cyril, name="Junk forum", territory=village)
    registration.registration_update(platform=draft, user=cyril, aims="Safe")
    with pytest.raises(registration.ValidationError):
        registration.initiative_add(platform=draft, user=cyril, name=junk)
    # a junk row stored earlier (before the check) does not count either
    draft.contacts.create(name=junk, source="initiative")
    registration.initiative_add(platform=draft, user=cyril, name="Aida Bekova")
    with pytest.raises(registration.ValidationError) as exc:
        registration.registration_submit(platform=draft, user=cyril)
    assert "contacts" in exc.value.message_dict


# -- secretariat and delegates -----------------------------------------------------------------


def test_an_elected_secretariat_member_is_listed_and_counted_once(client, forum, alice):
    today = timezone.localdate()
    membership_grant(
        platform=forum,
        user=alice,
        party=Party.CITIZEN,
        role=Role.SECRETARIAT,
        term_start=today,
        term_end=today + timedelta(days=365),
        actor=None,
        check=False,
    )
    page = client.get(forum.get_absolute_url())
    rows = [m for m in page.context["members"] if m.user_id == alice.pk]
    assert len(rows) == 1
    assert {r.role for r in rows[0].roles} == {Role.MEMBER, Role.SECRETARIAT}
    counts = {str(r["party"]): r["n"] for r in page.context["party_counts"]}
    assert counts["citizen"] == 1
    council_page = client.get(forum.parent.get_absolute_url())
    child = next(c for c in council_page.context["children"] if c.pk == forum.pk)
    assert child.member_count == 1


def test_naming_a_delegate_has_a_real_button_and_one_entry_per_person(client, forum, sam):
    client.force_login(sam)
    page = client.get(reverse("platforms:delegates", args=[forum.slug]))
    body = page.content.decode()
    assert ">Name as delegate</button>" in body
    members = list(page.context["form"].fields["member"].queryset)
    assert [m.user_id for m in members].count(sam.pk) == 1


def test_a_delegate_with_a_future_start_shows_from_the_date(client, forum, sam, alice):
    start = timezone.localdate() + timedelta(days=20)
    delegate_name(
        platform=forum,
        user=alice,
        actor=sam,
        term_start=start,
        term_end=start + timedelta(days=365),
    )
    m = Membership.objects.get(user=alice, platform=forum.parent)
    assert m.status == Membership.Status.ACTIVE
    # the forum's own page lists its delegates, upcoming ones "from <date>"
    forum_page = client.get(forum.get_absolute_url())
    assert [d.user_id for d in forum_page.context["delegates_up"]] == [alice.pk]
    body = forum_page.content.decode()
    assert 'data-testid="delegates-up"' in body and 'data-testid="upcoming"' in body
    # the council's page lists them among its secretariat and delegates
    council_page = client.get(forum.parent.get_absolute_url())
    assert alice.pk in [t.user_id for t in council_page.context["term_holders"]]
    # and the delegates page of the forum
    client.force_login(sam)
    delegates_page = client.get(reverse("platforms:delegates", args=[forum.slug]))
    assert [d.user_id for d in delegates_page.context["current"]] == [alice.pk]
