import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forums import services
from forums.models import Proposal
from tests.factories import UserFactory
from tests.support import uploads

pytestmark = pytest.mark.django_db


def _many(forum, author, unit, n):
    for i in range(n):
        p = services.proposal_create(
            platform=forum,
            author=author,
            title=f"Street lighting {i}",
            body="B",
            category="youth",
            police_unit=unit,
            submit=True,
        )
        services.proposal_support(proposal=p, user=UserFactory())


@pytest.mark.parametrize("size", [5, 60])
def test_tracker_query_count_is_flat(
    client, forum, alice, local_unit, size, django_assert_num_queries
):
    _many(forum, alice, local_unit, size)
    # 1 count, 1 page of proposals with platforms, unit, support counts and answer status,
    # 1 regions and districts for the filters, 1 police units for the filter
    with django_assert_num_queries(4):
        response = client.get(reverse("forums:tracker"), {"state": "submitted", "q": "lighting"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size


@pytest.mark.parametrize("events", [1, 40])
def test_proposal_page_query_count_is_flat(
    client, proposal, sam, alice, leo, events, django_assert_num_queries
):
    for i in range(events):
        services.comment_add(proposal=proposal, author=alice, body=f"c{i}")
        services.response_log(proposal=proposal, actor=leo, status="in_progress", text=f"step {i}")
    # 1 proposal with relations, 1 timeline with platforms and actors, 1 published responses,
    # 1 escalations, 1 attachments, 1 comments with authors, 1 supporter count
    with django_assert_num_queries(7):
        response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["timeline"]) == 2 + events


def test_anonymous_sees_the_timeline_but_not_a_protected_author(client, forum, alice, local_unit):
    p = services.proposal_create(
        platform=forum,
        author=alice,
        title="Extortion",
        body="B",
        category="other",
        police_unit=local_unit,
        protect_author=True,
        submit=True,
    )
    body = client.get(p.get_absolute_url()).content.decode()
    assert alice.public_name not in body
    csv_body = b"".join(client.get(reverse("forums:export")).streaming_content).decode()
    assert "Extortion" in csv_body and alice.public_name not in csv_body


def test_protected_author_hidden_from_police_shown_to_secretariat(
    client, forum, alice, sam, leo, local_unit
):
    p = services.proposal_create(
        platform=forum,
        author=alice,
        title="About an officer",
        body="B",
        category="other",
        police_unit=local_unit,
        protect_author=True,
        submit=True,
    )
    client.force_login(leo)
    assert alice.public_name not in client.get(p.get_absolute_url()).content.decode()
    client.force_login(sam)
    assert alice.public_name in client.get(p.get_absolute_url()).content.decode()


def test_draft_is_404_for_others(client, forum, alice, cyril):
    p = services.proposal_create(
        platform=forum, author=alice, title="Secret", body="B", category="youth"
    )
    client.force_login(cyril)
    assert client.get(p.get_absolute_url()).status_code == 404
    client.force_login(alice)
    assert client.get(p.get_absolute_url()).status_code == 200


def test_new_proposal_form_keeps_input_and_refuses_bad_file(client, forum, alice):
    client.force_login(alice)
    url = reverse("forums:proposal_new", args=[forum.slug])
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(
        url,
        {
            "title": "Keep",
            "body": "this text",
            "category": "youth",
            "save_as": "submit",
            "attachment": bad,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    assert "this text" in response.content.decode()
    assert not Proposal.objects.exists()  # nothing half-saved
    response = client.post(
        url, {"title": "Keep", "body": "this text", "category": "youth", "save_as": "submit"}
    )
    assert response.status_code == 302 and Proposal.objects.get().state == "submitted"


def test_new_proposal_refused_for_unverified_non_members(client, forum, cyril):
    from tests.factories import UserFactory

    client.force_login(UserFactory(verified=False))
    assert client.get(reverse("forums:proposal_new", args=[forum.slug])).status_code == 403
    client.force_login(cyril)  # verified: raises a problem for screening
    assert client.get(reverse("forums:proposal_new", args=[forum.slug])).status_code == 200


def test_respond_page_only_for_the_unit(client, proposal, leo, lena):
    url = reverse("forums:respond", args=[proposal.pk])
    client.force_login(lena)
    assert client.get(url).status_code == 403
    client.force_login(leo)
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "accepted", "text": "Lamps ordered", "publish": "on"})
    assert response.status_code == 302
    assert proposal.responses.get().published_at


def test_actions_refused_with_a_message_and_nothing_changed(client, proposal, alice):
    client.force_login(alice)
    response = client.post(proposal.get_absolute_url(), {"action": "escalate"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "submitted"


@pytest.mark.parametrize("size", [3, 40])
def test_liaison_dashboard(client, forum, alice, leo, local_unit, size, django_assert_num_queries):
    _many(forum, alice, local_unit, size)
    client.force_login(leo)
    with django_assert_num_queries(8):
        # session, user, the user's liaison posts (once: the access check, the units and the
        # header's link all read them), the units' ids, the page's keys, its rows, the counts,
        # the header's unread count
        response = client.get(reverse("forums:liaison"))
    assert response.status_code == 200
    assert response.context["counts"]["total"] == size


def test_liaison_dashboard_refused_for_citizens(client, cyril):
    client.force_login(cyril)
    assert client.get(reverse("forums:liaison")).status_code == 403


def test_meeting_pages(client, forum, sam, alice):
    client.force_login(sam)
    response = client.post(
        reverse("forums:meeting_new", args=[forum.slug]),
        {"kind": "general", "title": "April", "starts_at": "2026-12-01T18:00"},
    )
    assert response.status_code == 302
    client.force_login(alice)
    assert client.get(reverse("forums:meeting_new", args=[forum.slug])).status_code == 403
    assert client.get(reverse("forums:meetings", args=[forum.slug])).status_code == 200


def test_author_edits_and_submits_a_draft(client, forum, alice, cyril):
    p = services.proposal_create(
        platform=forum, author=alice, title="Draft", body="B", category="youth"
    )
    url = reverse("forums:proposal_edit", args=[p.pk])
    client.force_login(cyril)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.post(
        url, {"title": "", "body": "kept", "category": "youth", "save_as": "draft"}
    )
    assert response.status_code == 200 and "kept" in response.content.decode()
    response = client.post(
        url, {"title": "Better", "body": "B2", "category": "road", "save_as": "submit"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.title, p.category, p.state) == ("Better", "road", "submitted")
    assert client.get(url).status_code == 403  # no longer a draft


def test_attachments_are_served_to_those_who_may_see_the_proposal(
    client, forum, alice, cyril, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = services.proposal_create(
        platform=forum, author=alice, title="D", body="B", category="youth"
    )
    pdf = SimpleUploadedFile("plan.pdf", uploads.pdf(), content_type="application/pdf")
    item = services.attachment_add(proposal=draft, actor=alice, upload=pdf)
    url = reverse("forums:attachment", args=[item.pk])
    client.force_login(cyril)
    assert client.get(url).status_code == 404  # a draft's file is private
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    services.proposal_submit(proposal=draft, actor=alice)
    client.logout()
    assert client.get(url).status_code == 200
    assert url in client.get(draft.get_absolute_url()).content.decode()
