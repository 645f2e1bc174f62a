"""Meetings people can run: agenda from the proposal in one step, changes and cancelling that
members hear about, free agenda items, invited guests, files, minutes only after the meeting."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from forums import services
from forums.models import Meeting, Proposal
from tests.forums.conftest import adopt, secretariat_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(forum, sam, alice):
    return services.meeting_create(
        platform=forum,
        actor=sam,
        kind=Meeting.Kind.GENERAL,
        title="Декабрьское собрание",
        starts_at=timezone.now() + timedelta(days=5),
        location="Айыл өкмөтү, 2-кабат",
        invited="Участковый инспектор Асанов\nДиректор школы №3",
    )


def notified(verb):
    return set(Notification.objects.filter(verb=verb).values_list("user_id", flat=True))


def test_members_hear_of_a_new_meeting_but_not_the_secretariat_that_made_it(meeting, alice, sam):
    assert alice.pk in notified("meeting.scheduled") and sam.pk not in notified("meeting.scheduled")


def test_putting_on_the_agenda_chooses_a_meeting_from_the_proposal_page(
    client, proposal, meeting, sam
):
    client.force_login(sam)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="agenda"' in page and meeting.title in page
    client.post(proposal.get_absolute_url(), {"action": "agenda", "meeting": meeting.pk})
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ON_AGENDA
    assert list(meeting.agenda.values_list("proposal_id", flat=True)) == [proposal.pk]
    assert proposal.title in client.get(meeting.get_absolute_url()).content.decode()


def test_putting_on_the_agenda_can_schedule_the_meeting_in_the_same_step(client, proposal, sam):
    client.force_login(sam)
    client.post(
        proposal.get_absolute_url(),
        {
            "action": "agenda",
            "new_title": "Внеочередное собрание",
            "new_starts_at": "2027-01-15T18:00",
        },
    )
    meeting = Meeting.objects.get(title="Внеочередное собрание")
    assert meeting.agenda.get().proposal_id == proposal.pk


def test_agenda_without_a_meeting_is_refused_with_a_message(client, proposal, sam):
    client.force_login(sam)
    response = client.post(proposal.get_absolute_url(), {"action": "agenda"}, follow=True)
    assert "Choose the meeting, or schedule a new one." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    with pytest.raises(ValidationError):
        services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=None)


def test_changing_time_tells_members_and_only_the_secretariat_may(meeting, sam, alice):
    later = meeting.starts_at + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            meeting=meeting, actor=alice, kind="general", title="x", starts_at=later
        )
    services.meeting_update(
        meeting=meeting, actor=sam, kind="general", title=meeting.title, starts_at=later
    )
    meeting.refresh_from_db()
    assert meeting.starts_at == later and alice.pk in notified("meeting.changed")


def test_edit_page_allow_and_deny(client, meeting, sam, alice):
    url = f"/meetings/{meeting.pk}/edit/"
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(sam)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "general",
            "title": "Собрание перенесено",
            "starts_at": "2027-02-01T17:00",
            "location": "Школа №3",
            "invited": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Собрание перенесено" and meeting.location == "Школа №3"


def test_cancel_with_a_reason_tells_members_and_frees_the_agenda(
    client, meeting, proposal, sam, alice, forum
):
    services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=meeting)
    client.force_login(alice)
    assert (
        client.post(meeting.get_absolute_url(), {"action": "cancel", "reason": "x"}).status_code
        == 403
    )
    client.force_login(sam)
    client.post(meeting.get_absolute_url(), {"action": "cancel", "reason": ""})
    meeting.refresh_from_db()
    assert not meeting.is_cancelled
    client.post(meeting.get_absolute_url(), {"action": "cancel", "reason": "Нет кворума"})
    meeting.refresh_from_db()
    assert meeting.is_cancelled and alice.pk in notified("meeting.cancelled")
    assert "Нет кворума" in client.get(meeting.get_absolute_url()).content.decode()
    # the proposal moves to another meeting
    other = services.meeting_create(
        platform=forum, actor=sam, kind="general", title="Next", starts_at=timezone.now()
    )
    services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=other)
    assert other.agenda.filter(proposal=proposal).exists()
    with pytest.raises(ValidationError):
        services.proposal_put_on_agenda(proposal=proposal, actor=sam, meeting=meeting)


def test_free_agenda_items_and_invited_guests_are_public(client, meeting, sam):
    services.agenda_item_add(meeting=meeting, actor=sam, title="Квартальный отчёт милиции")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Квартальный отчёт милиции" in page
    assert "Участковый инспектор Асанов" in page and "Директор школы №3" in page


def test_minutes_wait_for_the_meeting_and_publishing_tells_members(meeting, sam, alice):
    with pytest.raises(ValidationError):
        services.meeting_record(meeting=meeting, actor=sam, minutes="Решили", publish=True)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    services.meeting_record(meeting=meeting, actor=sam, minutes="Решили", publish=True)
    assert alice.pk in notified("meeting.minutes")


def test_signed_minutes_file_is_cleaned_and_served_under_a_neutral_name(
    client, meeting, sam, alice
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.uploads import NAME, pdf

    def pdf_with_metadata(name):
        return SimpleUploadedFile(name, pdf(), content_type="application/pdf")

    client.force_login(alice)
    upload = pdf_with_metadata(name="Протокол_подписан_Асанов.pdf")
    assert (
        client.post(meeting.get_absolute_url(), {"action": "file", "file": upload}).status_code
        == 403
    )
    client.force_login(sam)
    upload = pdf_with_metadata(name="Протокол_подписан_Асанов.pdf")
    client.post(meeting.get_absolute_url(), {"action": "file", "file": upload})
    item = meeting.files.get()
    client.logout()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Асанов.pdf" not in page and "Протокол_подписан" not in page
    response = client.get(f"/meeting-files/{item.pk}/")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and NAME.encode() not in body
    assert "Протокол" not in response["Content-Disposition"]


def test_the_author_is_told_when_the_proposal_is_returned(
    proposal, forum, council, sam, alice, paula
):
    csec = secretariat_of(council)
    adopt(proposal, sam, [alice, paula, sam])
    services.proposal_escalate(proposal=proposal, actor=sam)
    services.proposal_return(
        proposal=proposal, actor=csec, platform=council, reason="Не наш уровень"
    )
    assert alice.pk in notified("proposal.returned")
