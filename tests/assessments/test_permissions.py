"""Scope per level, and allow/deny for every action (personas in conftest)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assessments import permissions as perm
from assessments import services
from assessments.models import Framework, Recommendation, TargetKind, Track
from platforms.models import LiaisonOfficer, PoliceUnit, Territory
from platforms.services import liaison_assign
from tests.assessments.conftest import make_round, publish, run_to_reply, today
from tests.factories import CouncilFactory, PoliceUnitFactory, UserFactory, national_council

pytestmark = pytest.mark.django_db


def test_scope_per_level(forum, unit, other_unit, district_unit):
    ministry = PoliceUnitFactory(
        name="МВД", kind=PoliceUnit.Kind.MINISTRY, territory=Territory.objects.get(code="KG")
    )
    national = national_council()
    council = forum.parent
    assert list(perm.units_in_scope(national, TargetKind.MINISTRY)) == [ministry]
    assert not perm.units_in_scope(national, TargetKind.LOCAL).exists()
    # the district council: territorial units in its rayon, not the local departments
    assert set(perm.units_in_scope(council, TargetKind.TERRITORIAL)) == {district_unit}
    assert not perm.units_in_scope(council, TargetKind.MINISTRY).exists()
    # the community forum: the local department of its aimak only
    assert list(perm.units_in_scope(forum, TargetKind.LOCAL)) == [unit]
    assert not perm.units_in_scope(forum, TargetKind.TERRITORIAL).exists()
    other_council = CouncilFactory(territory=Territory.objects.get(code="KG-B-BATKEN"))
    assert district_unit not in perm.units_in_scope(other_council, TargetKind.TERRITORIAL)


def test_inspectors_in_scope(forum, sam, unit, other_unit):
    inspector = LiaisonOfficer.objects.get(
        pk=liaison_assign(user=UserFactory(), unit=unit, position="neighbourhood").pk
    )
    far = liaison_assign(user=UserFactory(), unit=other_unit, position="neighbourhood")
    assert list(perm.officers_in_scope(forum, TargetKind.NEIGHBOURHOOD)) == [inspector]
    fw = Framework.objects.get(target_kind=TargetKind.NEIGHBOURHOOD)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.round_create(
            platform=forum,
            actor=sam,
            framework=fw,
            title="x",
            period_start=today(),
            period_end=today(),
            officers=[far],
        )
    r = services.round_create(
        platform=forum,
        actor=sam,
        framework=fw,
        title="x",
        period_start=today(),
        period_end=today(),
        officers=[inspector],
    )
    assert r.subjects.get().officer == inspector


def test_round_actions_allow_and_deny(forum, sam, raters, unit, piotr, hugo, lena, cyril, rita):
    alice = raters[0]
    assert perm.can_manage_round(sam, forum)
    for who in (alice, piotr, hugo, lena, cyril):
        assert not perm.can_manage_round(who, forum)
    round_ = make_round(forum, sam, [unit])
    # draft: members see it; outsiders, the unit and anonymous visitors do not
    assert perm.can_view_round(alice, round_) and perm.can_view_round(sam, round_)
    for who in (hugo, lena, cyril, rita):
        assert not perm.can_view_round(who, round_)
    round_ = services.round_open(round_=round_, actor=sam)
    assert perm.can_add_evidence(alice, round_) and not perm.can_add_evidence(cyril, round_)
    round_ = services.round_start_scoring(round_=round_, actor=sam)
    subject = round_.subjects.get()
    assert perm.can_score(alice, subject)
    for who in (sam, piotr, hugo, lena, cyril, rita):
        # the secretariat moderates rather than grades; police never grade
        if who is sam:
            continue
        assert not perm.can_score(who, subject), who
    assert perm.can_moderate(sam, subject) and not perm.can_moderate(alice, subject)
    assert perm.can_add_finding(sam, subject) and not perm.can_add_finding(alice, subject)
    assert not perm.can_reply(hugo, subject)


def test_reply_and_recommendation_actions(forum, sam, raters, unit, hugo, lena, cyril):
    round_ = run_to_reply(forum, sam, raters, [unit])
    subject = round_.subjects.get()
    assert perm.can_reply(hugo, subject) and not perm.can_reply(lena, subject)
    assert not perm.can_reply(raters[0], subject) and not perm.can_reply(sam, subject)
    assert perm.can_view_round(hugo, round_) and not perm.can_view_round(lena, round_)
    rec = services.recommendation_add(
        subject=subject, actor=sam, text="t", addressee="a", due=today() + timedelta(days=9)
    )
    assert perm.can_respond_recommendation(hugo, rec) and not perm.can_respond_recommendation(
        lena, rec
    )
    assert not perm.can_follow_up(sam, rec)  # only after publication
    round_ = services.round_publish(round_=round_, actor=sam)
    rec = Recommendation.objects.get(pk=rec.pk)
    assert perm.can_follow_up(sam, rec) and not perm.can_follow_up(hugo, rec)
    assert perm.can_view_round(cyril, round_)  # published: public


def test_poll_actions(forum, sam, raters, unit, rita, cyril):
    round_ = make_round(forum, sam, [unit])
    poll = round_.poll
    assert not perm.can_answer_poll(rita, poll)  # draft
    poll.round = services.round_open(round_=round_, actor=sam)
    assert perm.can_answer_poll(rita, poll) and not perm.can_answer_poll(cyril, poll)
    assert perm.can_enter_paper(sam, poll) and not perm.can_enter_paper(raters[0], poll)
    assert perm.can_read_concerns(sam, poll) and not perm.can_read_concerns(raters[0], poll)


def test_profile_actions(unit, hugo, lena, cyril, sysadmin, district_unit):
    head_above = UserFactory()
    liaison_assign(user=head_above, unit=district_unit)
    assert perm.can_edit_profile(hugo, unit) and perm.can_edit_profile(sysadmin, unit)
    assert perm.can_edit_profile(head_above, unit)  # units above answer for those below
    assert not perm.can_edit_profile(lena, unit) and not perm.can_edit_profile(cyril, unit)


def test_views_answer_404_403_and_login(client, forum, sam, raters, unit, hugo, lena, cyril):
    new = reverse("assessments:round_new", args=[forum.slug])
    assert client.get(new).status_code == 302
    client.force_login(raters[0])
    assert client.get(new).status_code == 403
    client.force_login(sam)
    assert client.get(new).status_code == 200
    round_ = make_round(forum, sam, [unit])
    url = round_.get_absolute_url()
    client.force_login(cyril)
    assert client.get(url).status_code == 404
    client.force_login(raters[0])
    response = client.post(url, {"action": "open"}, follow=True)
    round_.refresh_from_db()
    assert round_.state == "draft" and "Only the secretariat" in response.content.decode()
    client.force_login(sam)
    client.post(url, {"action": "open"})
    round_.refresh_from_db()
    assert round_.state == "evidence"
    profile = reverse("assessments:profile_edit", args=[unit.pk])
    client.force_login(lena)
    assert client.get(profile).status_code == 403
    client.force_login(hugo)
    response = client.post(
        profile,
        {
            "kind": "staff",
            "label": "ППС",
            "value": "12",
            "source": "",
            "as_of": today().isoformat(),
        },
    )
    assert "Every figure needs its source." in response.content.decode()


def test_scoring_through_the_page(client, forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    subject = round_.subjects.get()
    c = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    client.force_login(raters[0])
    page = client.get(subject.get_absolute_url())
    assert page.status_code == 200
    response = client.post(
        subject.get_absolute_url(),
        {"action": f"score-{c.pk}", f"s{c.pk}-grade": "7", f"s{c.pk}-rationale": "x"},
    )
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        subject.get_absolute_url(),
        {"action": f"score-{c.pk}", f"s{c.pk}-grade": "4", f"s{c.pk}-rationale": "видел"},
    )
    assert response.status_code == 302 and subject.scores.get().grade == 4


def test_anonymous_reads_a_published_round_and_scorecard(client, forum, sam, raters, unit):
    round_ = publish(forum, sam, raters, [unit])
    for url in (
        round_.get_absolute_url(),
        round_.subjects.get().get_absolute_url(),
        reverse("assessments:poll", args=[round_.pk]),
        reverse("assessments:scorecard", args=[unit.pk]),
        reverse("assessments:compare") + "?kind=local",
        reverse("assessments:units"),
        reverse("assessments:index"),
        reverse("assessments:framework", args=[round_.framework_id]),
    ):
        assert client.get(url).status_code == 200, url
