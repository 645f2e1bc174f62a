"""A person's own data: they download a copy of it and delete their account; what they published
stays as by "former member"; poll answers cannot be tied to anyone; private-file links are
short-lived and personal; exports and the API carry no personal data."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.privacy import account_erase, file_link_token, file_link_valid, personal_data
from assessments.models import PollAnswer, PollParticipation
from forums import services as forum_services
from forums.models import ProposalEvent
from platforms.decisions import decision_open, vote_cast
from platforms.models import LiaisonOfficer, Membership, PlatformEvent
from tests.conftest import _grant
from tests.factories import UserFactory
from tests.test_csv_formulas import formulas  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"  # tests.factories.UserFactory's


@pytest.fixture
def alices_proposal(forum, alice, sam):
    """alice proposes, comments, supports and votes; sam's notification is not hers."""
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="Lights on School Street", body="Dark street.",
        category="school", submit=True,
    )  # fmt: skip
    forum_services.comment_add(proposal=proposal, author=alice, body="Photos to follow.")
    decision = decision_open(platform=forum, actor=sam, matter="other", title="Bench")
    vote_cast(decision=decision, user=alice, choice="yes")
    return proposal


# --- download ------------------------------------------------------------------------------


def test_the_download_holds_everything_linked_to_the_person(client, alice, alices_proposal):
    Notification.objects.create(user=alice, verb="x", title="Your proposal was put on the agenda")
    client.force_login(alice)
    page = client.get(reverse("accounts:privacy"))
    assert page.status_code == 200 and "Download my data" in page.content.decode()
    response = client.get(reverse("accounts:privacy_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == alice.email
    assert "password" not in data["profile"]
    records = data["records"]
    assert any(k.startswith("platforms.membership.") for k in records)
    assert [p["title"] for p in records["forums.proposal.author"]] == ["Lights on School Street"]
    assert [c["body"] for c in records["forums.comment.author"]] == ["Photos to follow."]
    assert [v["choice"] for v in records["platforms.vote.user"]] == ["yes"]
    titles = [n["title"] for n in records["accounts.notification.user"]]
    assert "Your proposal was put on the agenda" in titles
    assert any(k.startswith("forums.proposalevent.") for k in records)  # what they did
    text = response.content.decode()
    assert "pbkdf2" not in text and "md5$" not in text


def test_the_download_has_no_poll_answer_and_no_second_factor_secret(alice, forum):
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "S3"})
    data = personal_data(alice)
    keys = set(data["records"])
    assert not any(k.startswith("assessments.pollanswer") for k in keys)
    assert not any(k.startswith("mfa.") for k in keys)
    assert "S3" not in json.dumps(data, default=str)


def test_the_download_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:privacy_export"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- poll answers -----------------------------------------------------------------------------


def test_a_poll_answer_has_nothing_that_leads_to_a_person():
    """No link to a user, no time finer than a day; participation has no answer and no time."""
    fields = PollAnswer._meta.concrete_fields
    assert not [f for f in fields if f.is_relation and f.related_model is User]
    assert not [f for f in fields if isinstance(f, models.DateTimeField)]
    assert isinstance(PollAnswer._meta.pk, models.UUIDField)
    participation = {f.name for f in PollParticipation._meta.concrete_fields}
    assert participation == {"id", "poll", "user"}


# --- deletion ---------------------------------------------------------------------------------


def test_a_wrong_password_deletes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:privacy"), {"password": "not-it", "confirm": "on"})
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active and EmailAddress.objects.filter(user=alice).exists()


def test_deleting_the_account_keeps_contributions_as_by_a_former_member(
    client, alice, alices_proposal, forum
):
    elsewhere = Client()
    elsewhere.force_login(alice)  # another browser, signed in
    Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": "x"})
    old_email, pk = alice.email, alice.pk
    events_before = ProposalEvent.objects.filter(actor_id=pk).count()

    client.force_login(alice)
    response = client.post(reverse("accounts:privacy"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302

    user = User.objects.get(pk=pk)
    assert not user.is_active and not user.has_usable_password()
    assert old_email not in (user.email, user.username)
    assert (user.first_name, user.last_name, user.display_name) == ("", "", "")
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert str(user.public_name) == "former member"
    # signed out here and in the other browser
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302
    # cannot sign in again with the old address
    again = Client()
    again.post(reverse("account_login"), {"login": old_email, "password": PASSWORD})
    assert "_auth_user_id" not in again.session
    # contributions stay, as by a former member; history still points at the row
    page = Client().get(alices_proposal.get_absolute_url()).content.decode()
    assert "Lights on School Street" in page and "former member" in page
    assert "Photos to follow." in page
    assert ProposalEvent.objects.filter(actor_id=pk).count() == events_before
    # memberships ended through the service, each an event
    assert not Membership.objects.current().filter(user=user).exists()
    assert PlatformEvent.objects.filter(membership__user=user, new="ended").exists()


def test_a_deleted_liaison_officer_leaves_the_post(leo):
    account_erase(user=leo, password=PASSWORD)
    assert not LiaisonOfficer.objects.filter(user=leo, active=True).exists()


def test_a_protected_author_stays_protected_after_deletion(client, forum, alice):
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="Threats", body="B", category="school",
        protect_author=True, submit=True,
    )  # fmt: skip
    account_erase(user=alice, password=PASSWORD)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "name withheld" in page
    assert "former member" not in page


def test_notifications_and_unsent_mail_go_with_the_account(alice):
    Notification.objects.create(user=alice, verb="x", title="t")
    from accounts.models import OutboxMessage

    OutboxMessage.objects.create(to=alice.email, subject="s", body="b")
    account_erase(user=alice, password=PASSWORD)
    assert not Notification.objects.filter(user=alice).exists()
    assert not OutboxMessage.objects.filter(to=alice.email).exists()


# --- links to private files -------------------------------------------------------------------


def test_a_file_link_is_personal_and_short_lived(alice, cyril):
    token = file_link_token(user=alice, key="attachment:7")
    assert file_link_valid(user=alice, key="attachment:7", token=token)
    assert not file_link_valid(user=cyril, key="attachment:7", token=token)
    assert not file_link_valid(user=alice, key="attachment:8", token=token)
    assert not file_link_valid(user=alice, key="attachment:7", token=token[:-2] + "xx")
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert not file_link_valid(user=alice, key="attachment:7", token=token)


# --- exports and the API ----------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_exports_and_the_api_carry_no_e_mail_address_and_no_protected_name(
    client, forum, alice, sam, alices_proposal, local_unit
):
    bermet = _grant(forum)
    bermet.display_name = "Bermet Hidden-Name"
    bermet.save(update_fields=["display_name"])
    forum_services.proposal_create(
        platform=forum, author=bermet, title="Threats", body="B", category="school",
        protect_author=True, submit=True,
    )  # fmt: skip
    urls = [
        reverse("forums:export"),
        "/api/v1/proposals/",
        "/api/v1/proposals/?format=csv",
        "/api/v1/platforms/",
        "/api/v1/meetings/",
        "/api/v1/responses/",
        "/api/v1/problems/",
        "/api/v1/reports/",
        "/api/v1/plans/",
        "/api/v1/assessment-results/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        assert not EMAIL.search(text), (url, EMAIL.search(text))
        for user in (alice, sam, bermet):
            assert user.email not in text, url
        # the protected author is named nowhere, not even in the API or an export
        assert "Bermet Hidden-Name" not in text, url


# --- private files ----------------------------------------------------------------------------


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_drafts_attachment_is_checked_on_every_request_and_never_under_media(
    client, forum, alice, sam, cyril, settings, tmp_path
):
    """Private files have no public address: /media/ is not served, and the download view
    asks the proposal's permission check each time (author yes; others, even signed in, 404)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    draft = forum_services.proposal_create(
        platform=forum, author=alice, title="Draft", body="B", category="school"
    )
    item = forum_services.attachment_add(
        proposal=draft,
        actor=alice,
        upload=SimpleUploadedFile("photo.png", _png(), content_type="image/png"),
    )
    url = reverse("forums:attachment", args=[item.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    for other in (sam, cyril):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{item.file.name}").status_code == 404


def test_every_export_and_every_api_list_carries_no_personal_data(client, formulas):  # noqa: F811
    """The export routes of tests/test_csv_formulas.py (each one is registered there), the
    JSON exports, and every list of the open data API, in JSON and CSV: no e-mail address of
    anyone, and never the name of a protected author."""
    from config.api import router
    from tests.test_csv_formulas import _content, _exports

    forum = formulas["forum"]
    hidden = _grant(forum)
    hidden.display_name, hidden.first_name = "Bermet Hidden-Name", "Bermet"
    hidden.save(update_fields=["display_name", "first_name"])
    forum_services.proposal_create(
        platform=forum, author=hidden, title="Threats at the market", body="B",
        category="school", protect_author=True, submit=True,
    )  # fmt: skip
    report, version = formulas["report"], formulas["version"]
    urls = {
        **_exports(formulas),
        "assessments:export_json": reverse(
            "assessments:export_json", kwargs={"pk": formulas["round"].pk}
        ),
        "reporting:report_json": reverse(
            "reporting:report_json",
            kwargs={"slug": report.platform.slug, "year": report.year, "number": version.number},
        ),
    }
    for prefix, _viewset, _basename in router.registry:
        urls[f"api:{prefix}"] = f"/api/v1/{prefix}/"
        urls[f"api:{prefix}.csv"] = f"/api/v1/{prefix}/?format=csv"
    client.force_login(UserFactory())  # the whole-tracker export needs a signed-in person
    emails = list(User.objects.values_list("email", flat=True))
    checked = 0
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        text = _content(response).decode("utf-8", "replace")
        found = EMAIL.search(text)
        assert not found, (name, found.group(0) if found else "")
        assert not [e for e in emails if e in text], name
        assert "Bermet Hidden-Name" not in text, name
        checked += 1
    assert checked >= 25
