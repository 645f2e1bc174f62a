"""Proposal transitions allowed and refused per role, and one history across three levels."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification, OutboxMessage
from forums import permissions, services
from forums.models import Escalation, Meeting, Proposal, ProposalEvent, Supporter
from tests.forums.conftest import adopt
from tests.support import uploads

pytestmark = pytest.mark.django_db
S = Proposal.State


def test_member_drafts_privately_then_submits(forum, alice, cyril):
    p = services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="youth"
    )
    assert p.state == S.DRAFT
    assert not permissions.can_view_proposal(cyril, p)
    assert permissions.can_view_proposal(alice, p)
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=p, actor=cyril)
    services.proposal_submit(proposal=p, actor=alice)
    p.refresh_from_db()
    assert p.state == S.SUBMITTED and permissions.can_view_proposal(cyril, p)


def test_non_member_cannot_propose_directly(forum, cyril, leo, council):
    from tests.factories import UserFactory

    # a verified non-member's proposal waits for the secretariat's screening
    for user in (cyril, leo):
        p = services.proposal_create(
            platform=forum, author=user, title="T", body="B", category="youth", submit=True
        )
        assert p.state == S.SCREENING
    # an unverified account, or a council (not a community forum), is refused
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            platform=forum,
            author=UserFactory(verified=False),
            title="T",
            body="B",
            category="youth",
        )
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            platform=council, author=cyril, title="T", body="B", category="youth"
        )


def test_bad_input_is_refused_with_field_messages(forum, alice):
    with pytest.raises(ValidationError) as exc:
        services.proposal_create(platform=forum, author=alice, title=" ", body="", category="nope")
    assert set(exc.value.message_dict) == {"title", "body", "category"}
    assert not Proposal.objects.exists()


def test_addressed_proposal_gets_a_deadline_and_notifies(sam, leo, forum, proposal):
    assert proposal.response_due == timezone.localdate() + timedelta(days=forum.response_days)
    notified = set(
        Notification.objects.filter(verb="proposal.submitted").values_list("user", flat=True)
    )
    assert {sam.pk, leo.pk} <= notified


def test_secretariat_records_anonymous_or_named(forum, sam, alice):
    p = services.proposal_record(
        platform=forum,
        actor=sam,
        title="From the meeting",
        body="Said aloud",
        category="patrol",
        on_behalf_of="",
    )
    assert p.state == S.SUBMITTED and p.author is None and p.recorded_by == sam
    with pytest.raises(PermissionDenied):
        services.proposal_record(platform=forum, actor=alice, title="x", body="y", category="other")


def test_adoption_by_decision_then_escalation_through_three_levels(
    proposal, forum, council, sam, alice, paula, csec, nsec, leo
):
    national = council.parent
    adopt(proposal, sam, [alice, paula, sam])
    proposal.refresh_from_db()
    assert proposal.state == S.ADOPTED
    services.proposal_escalate(proposal=proposal, actor=sam, note="Needs district budget")
    proposal.refresh_from_db()
    assert proposal.state == S.ESCALATED and proposal.platform == forum
    # registering at the wrong platform, or by the wrong secretariat, is refused
    with pytest.raises(ValidationError):
        services.proposal_register(proposal=proposal, actor=nsec, platform=national)
    with pytest.raises(PermissionDenied):
        services.proposal_register(proposal=proposal, actor=sam, platform=council)
    esc = services.proposal_register(proposal=proposal, actor=csec, platform=council)
    year = timezone.localdate().year
    # a short public code of the council's territory, not an internal id
    assert esc.registration_number == f"C-ALAMUDUN-{year}-0001"
    proposal.refresh_from_db()
    assert proposal.state == S.REGISTERED and proposal.platform == council
    # at the council: decided by the council's members (the secretariat is the only one)
    adopt(proposal, csec, [csec])
    services.proposal_escalate(proposal=proposal, actor=csec, note="National policy")
    national_esc = services.proposal_register(proposal=proposal, actor=nsec, platform=national)
    assert national_esc.registration_number == f"KG-{year}-0001"
    proposal.refresh_from_db()
    assert proposal.platform == national and proposal.origin == forum
    path = [(e.from_platform_id, e.to_platform_id) for e in proposal.escalations.all()]
    assert path == [(forum.pk, council.pk), (council.pk, national.pk)]
    kinds = list(proposal.events.values_list("kind", flat=True))
    assert kinds.count("escalated") == 2 and kinds.count("registered") == 2
    assert set(proposal.events.values_list("platform", flat=True)) == {
        forum.pk,
        council.pk,
        national.pk,
    }


def test_escalating_an_unadopted_proposal_is_refused(proposal, sam):
    with pytest.raises(ValidationError):
        services.proposal_escalate(proposal=proposal, actor=sam)
    assert not Escalation.objects.exists()


def test_member_cannot_escalate(proposal, sam, alice, paula):
    adopt(proposal, sam, [alice, paula, sam])
    with pytest.raises(PermissionDenied):
        services.proposal_escalate(proposal=proposal, actor=alice)


def test_rejected_by_vote(proposal, sam, alice, paula):
    from platforms.decisions import vote_cast

    decision = services.proposal_open_vote(proposal=proposal, actor=sam)
    vote_cast(decision=decision, user=alice, choice="no")
    vote_cast(decision=decision, user=paula, choice="no")
    services.proposal_decide(proposal=proposal, actor=sam)
    proposal.refresh_from_db()
    assert proposal.state == S.REJECTED


def test_no_quorum_keeps_it_on_the_agenda(proposal, sam):
    services.proposal_open_vote(proposal=proposal, actor=sam)
    services.proposal_decide(proposal=proposal, actor=sam)
    proposal.refresh_from_db()
    assert proposal.state == S.ON_AGENDA
    assert proposal.events.filter(kind="decided", note__startswith="No quorum").exists()


def test_upper_secretariat_returns_with_reasons(proposal, sam, alice, paula, csec, council):
    adopt(proposal, sam, [alice, paula, sam])
    services.proposal_escalate(proposal=proposal, actor=sam)
    with pytest.raises(ValidationError):
        services.proposal_return(proposal=proposal, actor=csec, platform=council, reason="")
    services.proposal_return(
        proposal=proposal, actor=csec, platform=council, reason="Solve it locally"
    )
    proposal.refresh_from_db()
    assert proposal.state == S.ADOPTED and proposal.platform.pk != council.pk


def test_registration_numbers_are_unique_per_platform_and_year(proposal, council):
    Escalation.objects.create(
        proposal=proposal,
        from_platform=proposal.platform,
        to_platform=council,
        status="registered",
        year=2026,
        sequence=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            proposal=proposal,
            from_platform=proposal.platform,
            to_platform=council,
            status="registered",
            year=2026,
            sequence=1,
        )


def test_police_response_for_own_unit_and_from_above(proposal, leo, head, lena):
    r = services.response_log(
        proposal=proposal, actor=leo, status="acknowledged", text="We will look"
    )
    assert r.published_at and r.unit == proposal.police_unit
    services.response_log(proposal=proposal, actor=head, status="in_progress", text="Patrol added")
    with pytest.raises(PermissionDenied):
        services.response_log(proposal=proposal, actor=lena, status="accepted", text="Not my unit")
    proposal.refresh_from_db()
    assert proposal.first_response_at is not None
    assert proposal.events.filter(kind="response").count() == 2


def test_response_validation(proposal, leo):
    with pytest.raises(ValidationError) as exc:
        services.response_log(proposal=proposal, actor=leo, status="not_competent", text="Not ours")
    assert "referral" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.response_log(proposal=proposal, actor=leo, status="declined", text="No.")
    assert "text" in exc.value.message_dict
    assert not proposal.responses.exists()


def test_draft_response_published_later(proposal, leo):
    r = services.response_log(
        proposal=proposal, actor=leo, status="evaluating", text="Checking", publish=False
    )
    proposal.refresh_from_db()
    assert r.published_at is None and proposal.first_response_at is None
    services.response_publish(response=r, actor=leo)
    proposal.refresh_from_db()
    assert proposal.first_response_at is not None


def test_head_assigns_to_a_liaison_of_the_unit(proposal, head, leo, lena, alice):
    services.proposal_assign(proposal=proposal, actor=head, officer=leo)
    proposal.refresh_from_db()
    assert proposal.assigned_officer == leo
    with pytest.raises(ValidationError):
        services.proposal_assign(proposal=proposal, actor=head, officer=lena)
    with pytest.raises(PermissionDenied):
        services.proposal_assign(proposal=proposal, actor=leo, officer=leo)


def test_lsg_answers_the_same_way(forum, alice, council):
    from platforms.models import Party
    from platforms.services import membership_grant
    from tests.factories import UserFactory

    lsg = UserFactory()
    membership_grant(platform=council, user=lsg, party=Party.LSG, actor=None, check=False)
    p = services.proposal_create(
        platform=forum,
        author=alice,
        title="Bus stop",
        body="Unsafe",
        category="road",
        lsg_territory=forum.territory,
        submit=True,
    )
    services.response_log(
        proposal=p, actor=lsg, status="accepted", text="We will move it", responder="lsg"
    )
    with pytest.raises(PermissionDenied):
        services.response_log(proposal=p, actor=alice, status="accepted", text="x", responder="lsg")


def test_deadline_reminder_then_overdue_mark(proposal, leo, sam):
    due = proposal.response_due
    assert services.response_deadlines_check(today=due - timedelta(days=5)) == {
        "reminded": 0,
        "overdue": 0,
    }
    assert services.response_deadlines_check(today=due - timedelta(days=2))["reminded"] == 1
    assert services.response_deadlines_check(today=due - timedelta(days=1))["reminded"] == 0
    assert services.response_deadlines_check(today=due + timedelta(days=1))["overdue"] == 1
    assert services.response_deadlines_check(today=due + timedelta(days=2))["overdue"] == 0
    assert proposal.events.filter(kind="overdue").count() == 1
    assert Proposal.objects.overdue(due + timedelta(days=1)).filter(pk=proposal.pk).exists()
    assert Notification.objects.filter(user=leo, verb="proposal.overdue").exists()
    services.response_log(proposal=proposal, actor=leo, status="acknowledged", text="Late, sorry")
    assert not Proposal.objects.overdue(due + timedelta(days=1)).exists()


def test_merge_keeps_both_histories_and_supporters(forum, proposal, alice, sam, cyril):
    other = services.proposal_create(
        platform=forum,
        author=alice,
        title="Dark street",
        body="Same",
        category="school",
        submit=True,
    )
    services.proposal_support(proposal=other, user=cyril)
    with pytest.raises(PermissionDenied):
        services.proposal_merge(duplicate=other, into=proposal, actor=alice)
    services.proposal_merge(duplicate=other, into=proposal, actor=sam)
    other.refresh_from_db()
    assert other.state == S.DUPLICATE and other.duplicate_of == proposal
    assert Supporter.objects.filter(proposal=proposal, user=cyril).exists()
    assert (
        other.events.filter(kind="merged").exists()
        and proposal.events.filter(kind="merged").exists()
    )


def test_support_once(proposal, cyril):
    assert services.proposal_support(proposal=proposal, user=cyril) is True
    assert services.proposal_support(proposal=proposal, user=cyril) is False


def test_comments_and_moderation(proposal, alice, cyril, sam):
    c = services.comment_add(proposal=proposal, author=alice, body="Agree")
    with pytest.raises(PermissionDenied):
        services.comment_add(proposal=proposal, author=cyril, body="Not a member")
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=c, actor=alice, reason="mine")
    with pytest.raises(ValidationError):
        services.comment_hide(comment=c, actor=sam, reason="")
    services.comment_hide(comment=c, actor=sam, reason="Personal data")
    c.refresh_from_db()
    assert c.hidden_at and c.hidden_reason == "Personal data"


def test_withdraw_by_author_only(proposal, alice, cyril):
    with pytest.raises(PermissionDenied):
        services.proposal_close(proposal=proposal, actor=cyril, resolution=S.WITHDRAWN)
    services.proposal_close(proposal=proposal, actor=alice, resolution=S.WITHDRAWN)
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN


def test_attachments_are_checked(proposal, alice):
    pdf = SimpleUploadedFile("plan.pdf", uploads.pdf(), content_type="application/pdf")
    a = services.attachment_add(proposal=proposal, actor=alice, upload=pdf)
    assert a.content_type == "application/pdf"
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.attachment_add(proposal=proposal, actor=alice, upload=fake)
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.attachment_add(proposal=proposal, actor=alice, upload=exe)
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError):
        services.attachment_add(proposal=proposal, actor=alice, upload=big)


def test_timeline_is_append_only(proposal):
    event = proposal.events.first()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_protected_author_hidden_from_police_public_and_notifications(
    forum, alice, sam, leo, cyril, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        p = services.proposal_create(
            platform=forum,
            author=alice,
            title="Police extortion at the bazaar",
            body="An officer takes money",
            category="other",
            police_unit=leo.liaison_posts.get().unit,
            protect_author=True,
            submit=True,
        )
    assert permissions.can_see_author(sam, p)
    assert permissions.can_see_author(alice, p)
    for outsider in (leo, cyril):
        assert not permissions.can_see_author(outsider, p)
    name = alice.public_name
    assert not Notification.objects.filter(body__contains=name).exists()
    assert not Notification.objects.filter(title__contains=name).exists()
    assert not OutboxMessage.objects.filter(body__contains=name).exists()
    assert all(name not in m.body and name not in m.subject for m in mail.outbox)


def test_meetings_agenda_and_minutes(forum, proposal, sam, alice, council):
    meeting = services.meeting_create(
        platform=forum,
        actor=sam,
        kind="general",
        title="March meeting",
        starts_at=timezone.now() + timedelta(days=3),
    )
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            platform=forum, actor=alice, kind="general", title="x", starts_at=timezone.now()
        )
    with pytest.raises(ValidationError):
        services.meeting_create(
            platform=forum, actor=sam, kind="joint", title="Joint", starts_at=timezone.now()
        )
    services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=meeting)
    proposal.refresh_from_db()
    assert proposal.state == S.ON_AGENDA and meeting.agenda.get().proposal == proposal
    with pytest.raises(ValidationError):
        services.meeting_record(
            meeting=meeting, actor=sam, attendees=[alice], minutes="", publish=True
        )
    # minutes wait until the meeting has taken place
    with pytest.raises(ValidationError):
        services.meeting_record(meeting=meeting, actor=sam, minutes="Agreed", publish=True)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    meeting.refresh_from_db()
    services.meeting_record(
        meeting=meeting, actor=sam, attendees=[alice, sam], minutes="Agreed", publish=True
    )
    meeting.refresh_from_db()
    assert meeting.minutes_published_at and meeting.attendees.count() == 2
    assert proposal.events.filter(kind=ProposalEvent.Kind.MEETING).exists()
