"""SARA problem records: the stage table, completeness checks, permissions, personal data."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Notification
from forums.problems import services
from forums.problems.models import Problem, ProblemEvent, Stage
from forums.problems.privacy import find_personal_data
from platforms.models import Territory
from tests.conftest import _grant
from tests.factories import PlatformFactory
from tests.forums.problem_builders import (
    ANALYSIS,
    ASSESSMENT,
    at_stage,
    closed,
    fill_analysis,
    fill_assessment,
    fill_response,
    record,
)

pytestmark = pytest.mark.django_db


# --- the transition table ----------------------------------------------------------------


def test_every_open_stage_has_a_way_forward_and_targets_are_stages():
    for stage in Stage.values:
        outgoing = services.transitions_from(stage)
        assert bool(outgoing) == (stage != Stage.CLOSED), stage
    for t in services.TRANSITIONS:
        assert t.target in Stage.values and t.who in ("member", "secretariat")
    assert len(services.TRANSITIONS_BY_ACTION) == len(services.TRANSITIONS)


def test_the_whole_cycle(forum, alice, sam):
    """Scanning → analysis → response → assessment → closed, each move in the history."""
    problem = closed(forum, alice, sam)
    assert problem.stage == Stage.CLOSED and problem.closed_at
    moves = list(
        ProblemEvent.objects.filter(problem=problem, kind="stage").values_list(
            "old_stage", "new_stage"
        )
    )
    assert moves == [
        ("scanning", "analysis"),
        ("analysis", "response"),
        ("response", "assessment"),
        ("assessment", "closed"),
    ]


@pytest.mark.parametrize(
    ("stage", "action"),
    [("scanning", "analyse"), ("analysis", "respond"), ("response", "assess")],
)
def test_an_incomplete_stage_cannot_be_left(forum, alice, stage, action):
    problem = at_stage(forum, alice, stage)
    if stage == "scanning":
        services.problem_update(problem=problem, actor=alice, incidents="только один случай")
    before = ProblemEvent.objects.filter(problem=problem).count()
    with pytest.raises(ValidationError) as exc:
        services.problem_advance(problem=problem, actor=alice, action=action)
    assert "not complete" in str(exc.value)
    problem.refresh_from_db()
    assert problem.stage == stage
    assert ProblemEvent.objects.filter(problem=problem).count() == before


def test_scanning_needs_a_specific_title_and_two_incidents(forum, alice):
    problem = record(forum, alice, title="Проблемы молодёжи", incidents="один случай")
    missing = services.stage_missing(problem, Stage.SCANNING)
    assert len(missing) == 2
    assert any("title" in m for m in missing) and any("two" in m for m in missing)


def test_assessment_needs_every_measure_after_the_response(forum, alice, sam):
    problem = at_stage(forum, alice, "assessment")
    problem = services.problem_update(problem=problem, actor=alice, **ASSESSMENT)
    assert services.stage_missing(problem, Stage.ASSESSMENT) == [
        "the value after the response for every baseline measure"
    ]
    with pytest.raises(ValidationError):
        services.problem_advance(problem=problem, actor=sam, action="close")


def test_only_the_secretariat_closes(forum, alice, sam):
    problem = at_stage(forum, alice, "assessment")
    fill_assessment(problem, alice)
    with pytest.raises(PermissionDenied):
        services.problem_advance(problem=problem, actor=alice, action="close")
    services.problem_advance(problem=problem, actor=sam, action="close")


def test_the_decision_picks_the_way_out_of_assessment(forum, alice, sam):
    problem = at_stage(forum, alice, "assessment")
    fill_assessment(problem, alice, decision="adjust")
    with pytest.raises(ValidationError):
        services.problem_advance(problem=problem, actor=sam, action="close")
    problem = services.problem_advance(problem=problem, actor=alice, action="adjust")
    assert problem.stage == Stage.RESPONSE and problem.decision == ""
    problem = services.problem_advance(problem=problem, actor=alice, action="assess")
    fill_assessment(problem, alice, decision="rescan")
    problem = services.problem_advance(problem=problem, actor=alice, action="rescan")
    assert problem.stage == Stage.SCANNING


def test_a_move_from_the_wrong_stage_is_refused(forum, alice):
    problem = record(forum, alice)
    with pytest.raises(ValidationError):
        services.problem_advance(problem=problem, actor=alice, action="assess")
    with pytest.raises(ValidationError):
        services.problem_advance(problem=problem, actor=alice, action="fly")


def test_later_stage_fields_wait_for_their_stage(forum, alice):
    problem = record(forum, alice)
    with pytest.raises(ValidationError):
        services.problem_update(problem=problem, actor=alice, chosen_response="Патрули")
    with pytest.raises(ValidationError):
        services.measure_add(
            problem=problem, actor=alice, name="x", baseline_value=1, baseline_on="2025-01-01"
        )


def test_a_closed_record_no_longer_changes(forum, alice, sam):
    problem = closed(forum, alice, sam)
    with pytest.raises(ValidationError):
        services.problem_update(problem=problem, actor=alice, lessons="Другое")
    problem.refresh_from_db()
    assert problem.lessons.startswith("Секция")


# --- permissions ---------------------------------------------------------------------------


@pytest.fixture
def other_forum(forum):
    return PlatformFactory(name="Ала-Арча форуму", parent=forum.parent)


@pytest.fixture
def olga(other_forum):
    """A member of the other forum."""
    return _grant(other_forum)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("alice", True),
        ("sam", True),
        ("paula", True),
        ("olga", False),
        ("cyril", False),
        ("leo", False),
        ("csec", False),
    ],
)
def test_who_records_and_fills_in(request, forum, persona, allowed):
    user = request.getfixturevalue(persona)
    author = request.getfixturevalue("alice")
    problem = record(forum, author)
    if allowed:
        record(forum, user)
        services.problem_update(problem=problem, actor=user, frequency="каждый день")
        services.problem_advance(problem=problem, actor=user, action="analyse")
    else:
        with pytest.raises(PermissionDenied):
            record(forum, user)
        with pytest.raises(PermissionDenied):
            services.problem_update(problem=problem, actor=user, frequency="каждый день")
        with pytest.raises(PermissionDenied):
            services.problem_advance(problem=problem, actor=user, action="analyse")
        problem.refresh_from_db()
        assert problem.frequency == "3-4 раза в неделю" and problem.stage == Stage.SCANNING


def test_editing_another_forums_problem_is_refused(forum, other_forum, alice, olga):
    theirs = record(other_forum, olga)
    with pytest.raises(PermissionDenied):
        services.problem_update(problem=theirs, actor=alice, title="Чужая проблема у школы №1")
    theirs.refresh_from_db()
    assert theirs.title.startswith("Подростки")


# --- places, points and personal data -------------------------------------------------------


def test_place_must_be_in_the_platforms_territory(forum, alice):
    with pytest.raises(ValidationError) as exc:
        record(forum, alice, territory=Territory.objects.get(code="KG-B-BATKEN"))
    assert "territory" in exc.value.message_dict
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("lat", "lon"),
    # Moscow, Dushanbe, Urumqi, south of the Alay, half a point
    [
        ("55.75", "37.62"),
        ("38.56", "68.79"),
        ("43.83", "87.62"),
        ("38.90", "72.00"),
        ("42.87", None),
    ],
)
def test_a_point_outside_kyrgyzstan_is_refused(forum, alice, lat, lon):
    with pytest.raises(ValidationError) as exc:
        record(forum, alice, lat=lat, lon=lon)
    assert "lat" in exc.value.message_dict
    assert not Problem.objects.exists()


def test_points_are_kept_coarse(forum, alice):
    problem = record(forum, alice, lat="42.87654", lon="74.59321")
    problem.refresh_from_db()
    assert (problem.lat, problem.lon) == (Decimal("42.88"), Decimal("74.59"))


def test_the_database_refuses_a_point_outside_too(forum, alice):
    problem = record(forum, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(lat=Decimal("50.00"), lon=Decimal("70.00"))


@pytest.mark.parametrize(
    "text",
    [
        "ПИН матери 21205199000123",
        "ИНН: 12903200512345 (девочка 15 лет)",
        "звонить +996 555 123 456",
        "+996(700)12-34-56",
        "тел. 996 772 123456",
        "0555 12 34 56",
        "0 (777) 123-456",
        "Бишкек 0312 62-34-56",
        "555 12 34 56",
        "0700123456",
        "в 2023 году 0555 123 456",
    ],
)
def test_the_detector_finds_ids_and_phones(text):
    assert find_personal_data(text), text


@pytest.mark.parametrize(
    "text",
    [
        "с 01.09.2023 по 15.10.2023",
        "01.09.2023-15.10.2023",
        "12 случаев за 2023 год",
        "бюджет 1500000 сом",
        "школа №3, 7 класс, 14-17 лет",
        "ул. Ленина 125, магазин Ак-Бата",
        "время 17:00-20:00",
    ],
)
def test_the_detector_leaves_ordinary_numbers(text):
    assert find_personal_data(text) == [], text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("harm", "Пострадала девочка, ПИН 21205199000123"),
        ("incidents", "12.09 драка\n20.09 звонила мать +996 555 123 456"),
        ("title", "Звонки с угрозами с номера 0555 12 34 56 у школы"),
    ],
)
def test_a_record_with_identifying_data_is_refused(forum, alice, field, value):
    with pytest.raises(ValidationError) as exc:
        record(forum, alice, **{field: value})
    assert field in exc.value.message_dict
    assert not Problem.objects.exists()


def test_log_entries_are_checked_too(forum, alice):
    problem = at_stage(forum, alice, "response")
    with pytest.raises(ValidationError):
        services.problem_log(problem=problem, actor=alice, note="Мать жертвы: 0777 123 456")
    assert not ProblemEvent.objects.filter(problem=problem, kind="log").exists()


# --- links ----------------------------------------------------------------------------------


def test_a_problem_raises_a_proposal_and_links_meetings(forum, alice, sam):
    from django.utils import timezone

    from forums import services as forum_services

    problem = at_stage(forum, alice, "analysis")
    proposal = services.problem_raise_proposal(
        problem=problem,
        actor=alice,
        title="Спортзал школы №3 открыть по вечерам",
        body="Просим районный совет выделить ставку тренера.",
    )
    assert proposal.state == "submitted" and proposal.platform == forum
    assert list(problem.proposals.all()) == [proposal]
    meeting = forum_services.meeting_create(
        platform=forum, actor=sam, kind="general", title="Собрание", starts_at=timezone.now()
    )
    services.problem_link(problem=problem, actor=alice, meeting=meeting)
    assert list(problem.meetings.all()) == [meeting]


def test_a_proposal_of_another_forum_cannot_be_linked(forum, other_forum, alice, olga):
    from forums import services as forum_services

    theirs = forum_services.proposal_create(
        platform=other_forum, author=olga, title="T", body="B", category="road", submit=True
    )
    problem = record(forum, alice)
    with pytest.raises(ValidationError):
        services.problem_link(problem=problem, actor=alice, proposal=theirs)


def test_the_secretariat_hears_of_new_problems(forum, alice, sam):
    record(forum, alice)
    assert Notification.objects.filter(user=sam, title__startswith="New problem").exists()


def test_fill_helpers_make_complete_stages(forum, alice):
    problem = fill_analysis(at_stage(forum, alice, "analysis"), alice)
    assert services.stage_missing(problem, Stage.ANALYSIS) == []
    assert ANALYSIS["offender"] in Problem.objects.get(pk=problem.pk).offender
    problem = services.problem_advance(problem=problem, actor=alice, action="respond")
    problem = fill_response(problem, alice)
    assert services.stage_missing(problem, Stage.RESPONSE) == []
