"""Every page renders for the persona who uses it, at the stage where it is used."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import PollAnswer, Residence
from forums.models import Proposal
from tests.assessments.conftest import make_round, run_to_reply, today

pytestmark = pytest.mark.django_db


def test_pages_while_scoring(client, forum, sam, raters, unit, rita, cyril):
    round_ = make_round(forum, sam, [unit])
    round_ = services.round_open(round_=round_, actor=sam)
    poll_url = reverse("assessments:poll", args=[round_.pk])
    client.force_login(cyril)
    page = client.get(poll_url).content.decode()
    assert "Where do you live?" in page
    client.post(poll_url, {"action": "residence", "territory": forum.territory.pk})
    assert Residence.objects.get(user=cyril).territory == forum.territory
    client.force_login(rita)
    assert "Send my answers" in client.get(poll_url).content.decode()
    client.post(poll_url, {"action": "answer", "job": "4", "top_concern": "Нет света у школы"})
    assert PollAnswer.objects.count() == 1
    page = client.get(poll_url).content.decode()
    assert "You have answered this poll" in page and "1 response so far" in page
    client.force_login(sam)
    page = client.get(poll_url).content.decode()
    assert "Enter paper questionnaires" in page and "Нет света у школы" in page
    response = client.post(
        poll_url,
        {
            "action": "concern",
            "title": "Освещение у школы",
            "body": "Из опроса жителей",
            "category": "other",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.police_unit == unit and proposal.author is None
    round_ = services.round_start_scoring(round_=round_, actor=sam)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Before moderation can end" in page
    subject = round_.subjects.get()
    assert "Save the moderated result" in client.get(subject.get_absolute_url()).content.decode()
    client.force_login(raters[0])
    page = client.get(subject.get_absolute_url()).content.decode()
    assert "Save my grade" in page and "Save the moderated result" not in page


def test_pages_of_reply_and_recommendations(client, forum, sam, raters, unit, hugo):
    round_ = run_to_reply(forum, sam, raters, [unit])
    subject = round_.subjects.get()
    rec = services.recommendation_add(
        subject=subject,
        actor=sam,
        text="Публиковать график приёма",
        addressee="ОМВД",
        due=today() + timedelta(days=30),
    )
    client.force_login(hugo)
    assert "Save the reply" in client.get(subject.get_absolute_url()).content.decode()
    client.post(subject.get_absolute_url(), {"action": "reply", "text": "Согласны"})
    subject.refresh_from_db()
    assert subject.reply == "Согласны"
    client.post(rec.get_absolute_url(), {"action": "respond", "response": "График на сайте"})
    rec.refresh_from_db()
    assert rec.response == "График на сайте"
    services.round_publish(round_=round_, actor=sam)
    client.force_login(sam)
    client.post(
        rec.get_absolute_url(),
        {"action": "follow", "status": "green", "note": "Проверено на сайте"},
    )
    rec.refresh_from_db()
    assert rec.status == "green"
    client.logout()
    page = client.get(reverse("assessments:scorecard", args=[unit.pk])).content.decode()
    assert "Согласны" in page and "График на сайте" in page


def test_profile_page(client, unit, hugo):
    url = reverse("assessments:profile_edit", args=[unit.pk])
    client.force_login(hugo)
    client.post(
        url,
        {
            "kind": "budget",
            "label": "ГСМ",
            "value": "3900",
            "measure": "тыс. сом",
            "source": "Смета",
            "as_of": today().isoformat(),
        },
    )
    figure = unit.profile_figures.get()
    client.post(url, {"action": "withdraw", "figure": figure.pk, "reason": "ошибка"})
    assert unit.profile_figures.count() == 2
    client.logout()
    page = client.get(reverse("assessments:scorecard", args=[unit.pk])).content.decode()
    assert "ГСМ" not in page.split("Record on proposals")[0]  # withdrawn figures leave the profile
