"""The round's state machine and the bad input it refuses, with nothing changed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments import transitions as T
from assessments.models import (
    Finding,
    Grade,
    Moderation,
    ProfileFigure,
    Recommendation,
    Round,
    RoundEvent,
    Score,
    Track,
)
from platforms.decisions import decision_close, decision_open, vote_cast
from platforms.models import Matter
from tests.assessments.conftest import grade_all, make_round, publish, run_to_reply, today

pytestmark = pytest.mark.django_db


def test_transition_table_is_a_single_line_from_draft_to_published():
    """Each stage has exactly one way on, and the table ends at published."""
    states = [T.TRANSITIONS[0].state] + [t.next for t in T.TRANSITIONS]
    assert states == ["draft", "evidence", "scoring", "reply", "published"]
    assert not T.transitions_from(Round.State.PUBLISHED)


def test_full_round_records_every_transition(forum, sam, raters, unit, hugo):
    round_ = run_to_reply(forum, sam, raters, [unit])
    subject = round_.subjects.get()
    services.subject_reply(subject=subject, actor=hugo, text="Мы согласны и исправим.")
    services.round_publish(round_=round_, actor=sam)
    round_.refresh_from_db()
    assert round_.state == Round.State.PUBLISHED and round_.published_at
    actions = list(RoundEvent.objects.filter(round=round_).values_list("action", flat=True))
    assert actions[:4] == ["create", "open", "score", "reply"]
    assert actions[-1] == "publish"
    subject.refresh_from_db()
    assert subject.overall == Grade.GOOD and subject.reply.startswith("Мы")


def test_a_step_out_of_order_is_refused(forum, sam, unit):
    round_ = make_round(forum, sam, [unit])
    with pytest.raises(ValidationError):
        services.round_publish(round_=round_, actor=sam)
    round_.refresh_from_db()
    assert round_.state == Round.State.DRAFT


def test_grade_outside_the_scale_is_refused(forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    subject = round_.subjects.get()
    criterion = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    for bad in (0, 6, "excellent", None):
        with pytest.raises(ValidationError) as exc:
            services.score_set(
                subject=subject, criterion=criterion, rater=raters[0], grade=bad, rationale="x"
            )
        assert "scale" in " ".join(exc.value.messages)
    assert not Score.objects.exists()


def test_grading_before_or_after_the_scoring_stage_is_refused(forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    subject = round_.subjects.get()
    criterion = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    with pytest.raises(ValidationError):
        services.score_set(
            subject=subject, criterion=criterion, rater=raters[0], grade=4, rationale="x"
        )
    services.round_start_scoring(round_=round_, actor=sam)
    grade_all(round_, raters, sam)
    services.round_end_moderation(round_=round_, actor=sam)
    with pytest.raises(ValidationError):
        services.score_set(
            subject=subject, criterion=criterion, rater=raters[0], grade=1, rationale="x"
        )
    assert not Score.objects.filter(grade=1).exists()


def test_units_outside_the_platforms_scope_are_refused(forum, sam, other_unit, district_unit):
    for units in ([other_unit], [district_unit]):
        with pytest.raises(ValidationError) as exc:
            make_round(forum, sam, units)
        assert "scope" in str(exc.value)
    assert not Round.objects.exists()


def test_a_published_round_cannot_be_edited(forum, sam, raters, unit):
    round_ = publish(forum, sam, raters, [unit])
    subject = round_.subjects.get()
    criterion = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    before = list(Moderation.objects.values_list("grade", "narrative"))
    calls = [
        lambda: services.score_set(
            subject=subject, criterion=criterion, rater=raters[0], grade=1, rationale="x"
        ),
        lambda: services.moderation_set(
            subject=subject, criterion=criterion, actor=sam, grade=1, narrative="x"
        ),
        lambda: services.finding_add(subject=subject, actor=sam, kind="concern", text="x"),
        lambda: services.evidence_add(
            round_=round_, actor=sam, kind="document", title="x", text="y"
        ),
        lambda: services.poll_paper_batch(poll=round_.poll, actor=sam, lines="1,1,1,1,1,1,1,y,y"),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "published" in " ".join(exc.value.messages)
    assert list(Moderation.objects.values_list("grade", "narrative")) == before
    assert not Finding.objects.exists()


def test_moderation_needs_three_raters_and_a_narrative(forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    subject = round_.subjects.get()
    criterion = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    for r in raters[:2]:
        services.score_set(subject=subject, criterion=criterion, rater=r, grade=3, rationale="x")
    with pytest.raises(ValidationError) as exc:
        services.moderation_set(
            subject=subject, criterion=criterion, actor=sam, grade=3, narrative="ok"
        )
    assert "at least 3 raters" in " ".join(exc.value.messages)
    services.score_set(
        subject=subject, criterion=criterion, rater=raters[2], grade=3, rationale="x"
    )
    with pytest.raises(ValidationError):
        services.moderation_set(
            subject=subject, criterion=criterion, actor=sam, grade=3, narrative=" "
        )
    services.moderation_set(
        subject=subject, criterion=criterion, actor=sam, grade=3, narrative="ok"
    )
    internal = round_.framework.criteria.filter(track=Track.INTERNAL).first()
    with pytest.raises(ValidationError) as exc:
        services.moderation_set(
            subject=subject, criterion=internal, actor=sam, grade=3, narrative="ok"
        )
    assert "source" in exc.value.message_dict


def test_publishing_without_the_rater_minimum_is_refused(forum, sam, raters, unit):
    """Moderation gaps block both the reply stage and publication; a rater removed later
    (by a database edit) is caught at publication."""
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    with pytest.raises(ValidationError) as exc:
        services.round_end_moderation(round_=round_, actor=sam)
    assert "no moderated result" in " ".join(exc.value.messages)
    grade_all(round_, raters, sam)
    services.round_end_moderation(round_=round_, actor=sam)
    Score.objects.filter(rater=raters[2]).delete()
    with pytest.raises(ValidationError) as exc:
        services.round_publish(round_=round_, actor=sam)
    assert "at least 3 are needed" in " ".join(exc.value.messages)
    round_.refresh_from_db()
    assert round_.state == Round.State.REPLY


def test_a_cause_of_concern_needs_a_recommendation(forum, sam, raters, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    services.round_start_scoring(round_=round_, actor=sam)
    grade_all(round_, raters, sam)
    subject = round_.subjects.get()
    concern = services.finding_add(
        subject=subject, actor=sam, kind="concern", text="Задержания без протокола"
    )
    with pytest.raises(ValidationError):
        services.round_end_moderation(round_=round_, actor=sam)
    services.recommendation_add(
        subject=subject,
        actor=sam,
        finding=concern,
        text="Вести протоколы",
        addressee="Начальник ОМВД",
        due=today() + timedelta(days=90),
    )
    services.round_end_moderation(round_=round_, actor=sam)


def _consensus_decision(forum, sam, raters, *, objection=False):
    decision = decision_open(
        platform=forum, actor=sam, matter=Matter.RECOMMENDATION, title="Рекомендовать освобождение"
    )
    for r in raters:
        vote_cast(decision=decision, user=r, choice="yes")
    if objection:
        vote_cast(decision=decision, user=sam, choice="object", reason="рано")
    else:
        vote_cast(decision=decision, user=sam, choice="yes")
    return decision_close(decision=decision, actor=sam)


def test_dismissal_needs_consensus_and_two_consecutive_poor_rounds(forum, sam, raters, unit):
    poor = Grade.REQUIRES_IMPROVEMENT
    first = publish(forum, sam, raters, [unit], default=poor, start=date(2025, 1, 1))
    assert first.subjects.get().overall == poor
    second = run_to_reply(forum, sam, raters, [unit], default=poor, start=date(2026, 1, 1))
    subject = second.subjects.get()
    blocked = _consensus_decision(forum, sam, raters, objection=True)
    kwargs = dict(
        subject=subject,
        actor=sam,
        text="Освободить начальника",
        addressee="МВД",
        due=today() + timedelta(days=60),
        kind=Recommendation.Kind.DISMISSAL,
    )
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(**kwargs)
    assert "decision" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.recommendation_add(**kwargs, decision=blocked)
    adopted = _consensus_decision(forum, sam, raters)
    rec = services.recommendation_add(**kwargs, decision=adopted)
    assert rec.kind == "dismissal" and rec.decision == adopted


def test_dismissal_refused_after_one_poor_round_only(forum, sam, raters, unit):
    publish(forum, sam, raters, [unit], default=Grade.ADEQUATE, start=date(2025, 1, 1))
    second = run_to_reply(
        forum, sam, raters, [unit], default=Grade.INADEQUATE, start=date(2026, 1, 1)
    )
    adopted = _consensus_decision(forum, sam, raters)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_add(
            subject=second.subjects.get(),
            actor=sam,
            text="Освободить",
            addressee="МВД",
            due=today() + timedelta(days=60),
            kind=Recommendation.Kind.DISCIPLINARY,
            decision=adopted,
        )
    assert "two consecutive rounds" in " ".join(exc.value.messages)
    assert not Recommendation.objects.exists()


def test_reply_and_recommendation_response_by_the_unit(forum, sam, raters, unit, hugo, lena):
    round_ = run_to_reply(forum, sam, raters, [unit])
    subject = round_.subjects.get()
    with pytest.raises(PermissionDenied):
        services.subject_reply(subject=subject, actor=lena, text="чужой ответ")
    rec = services.recommendation_add(
        subject=subject,
        actor=sam,
        text="Открыть приём граждан",
        addressee="ОМВД",
        due=today() + timedelta(days=30),
    )
    services.subject_reply(subject=subject, actor=hugo, text="Ответ")
    services.round_publish(round_=round_, actor=sam)
    services.recommendation_respond(recommendation=rec, actor=hugo, response="Приём по субботам")
    services.recommendation_follow_up(
        recommendation=rec, actor=sam, status="amber", note="проверено"
    )
    rec.refresh_from_db()
    assert rec.status == "amber" and rec.response == "Приём по субботам"
    assert list(rec.updates.values_list("new", flat=True)) == ["red", "", "amber"]
    with pytest.raises(ValidationError):
        services.subject_reply(subject=subject, actor=hugo, text="поздно")


def test_profile_figure_without_a_source_is_refused(unit, hugo, lena):
    with pytest.raises(ValidationError) as exc:
        services.profile_figure_add(
            unit=unit,
            actor=hugo,
            kind="staff",
            label="Патрульная служба",
            value=12,
            source="",
            as_of=today(),
        )
    assert "source" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.profile_figure_add(
            unit=unit, actor=lena, kind="staff", label="x", value=1, source="s", as_of=today()
        )
    assert not ProfileFigure.objects.exists()
    first = services.profile_figure_add(
        unit=unit,
        actor=hugo,
        kind="staff",
        label="Патрульная служба",
        value=12,
        measure="чел.",
        source="Штатное расписание",
        as_of=today(),
    )
    services.profile_figure_add(
        unit=unit,
        actor=hugo,
        kind="staff",
        label="Патрульная служба",
        value=14,
        measure="чел.",
        source="Штатное расписание",
        as_of=today(),
    )
    from assessments.selectors import current_profile

    assert [f.value for f in current_profile(unit)] == [14]
    assert ProfileFigure.objects.count() == 2  # history kept
    with pytest.raises(ValidationError):
        first.save()  # append-only
