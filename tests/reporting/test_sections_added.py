"""SARA problems, citizen polls and the shares of women and young people in annual reports,
checked against figures worked out by hand on the small hierarchy of conftest."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from assessments.models import Framework, Poll, PollAnswer, Round
from forums.models import Meeting
from forums.problems.models import Problem, ProblemMeasure, Stage
from platforms.models import Party
from reporting.presentation import report_sections
from reporting.selectors import report_figures
from tests.factories import PlatformFactory, TerritoryFactory, UserFactory
from tests.reporting.conftest import BISHKEK, YEAR, at, grant
from tests.reporting.test_services import _published

pytestmark = pytest.mark.django_db


def _keys(figures) -> list[str]:
    return [s["key"] for s in report_sections(figures)]


def _rows(figures, key) -> dict:
    section = next(s for s in report_sections(figures) if s["key"] == key)
    return {r["key"]: r["value"] for r in section["rows"]}


# SARA problems -------------------------------------------------------------------------------


def _problem(platform, opened, *, stage=Stage.SCANNING, closed=None, measures=()):
    problem = Problem.objects.create(
        platform=platform,
        title="Problem",
        problem_type="behaviour",
        category="youth",
        territory=platform.territory,
        stage=stage,
        created_at=opened,
        closed_at=closed,
    )
    for baseline, after in measures:
        ProblemMeasure.objects.create(
            problem=problem,
            name="Complaints a month",
            baseline_value=Decimal(baseline),
            baseline_on=date(YEAR, 1, 15),
            after_value=None if after is None else Decimal(after),
            after_on=None if after is None else date(YEAR, 11, 1),
        )
    return problem


@pytest.fixture
def problems(tree):
    f, (c1, _c2) = tree["forums"], tree["councils"]
    last_year = datetime(YEAR - 1, 11, 1, 10, tzinfo=BISHKEK)
    # opened and closed in the year, 10 -> 4: a measured reduction
    _problem(f[0], at(2, 1), stage=Stage.CLOSED, closed=at(9, 1), measures=[("10", "4")])
    _problem(f[3], at(3, 1), stage=Stage.ANALYSIS)
    # closed in the year, but the measure rose and another has no "after" value
    _problem(c1, at(4, 1), stage=Stage.CLOSED, closed=at(10, 1), measures=[("5", "7"), ("3", None)])
    # opened last year, closed this year: one measure unchanged, one lower
    _problem(
        f[1], last_year, stage=Stage.CLOSED, closed=at(2, 1), measures=[("8", "8"), ("6", "5")]
    )
    # opened last year and still open: neither opened nor closed in the year
    _problem(f[4], last_year)
    return tree


def test_problem_figures_match_the_hand_count(problems):
    national = report_figures(problems["national"], YEAR)["problems"]
    assert national == {
        "opened": 3,
        "by_stage": {"analysis": 1, "closed": 2},
        "closed": 3,
        "closed_with_reduction": 2,
    }
    c1, c2 = (report_figures(c, YEAR)["problems"] for c in problems["councils"])
    assert c1 == {"opened": 2, "by_stage": {"closed": 2}, "closed": 3, "closed_with_reduction": 2}
    assert c2 == {"opened": 1, "by_stage": {"analysis": 1}, "closed": 0, "closed_with_reduction": 0}
    # counts add up across levels (nothing at the national council itself)
    for key in ("opened", "closed", "closed_with_reduction"):
        assert national[key] == c1[key] + c2[key]


def test_problem_section_in_the_report_and_absent_without_problems(problems):
    rows = _rows(report_figures(problems["national"], YEAR), "problems")
    assert rows == {
        "opened": 3,
        "stage_analysis": 1,
        "stage_closed": 2,
        "closed": 3,
        "closed_with_reduction": 2,
    }
    quiet = PlatformFactory(territory=TerritoryFactory())
    figures = report_figures(quiet, YEAR)
    assert figures["problems"] is None and "problems" not in _keys(figures)
    # the year after: nothing opened or closed, no section
    assert report_figures(problems["national"], YEAR + 1)["problems"] is None


# Citizen polls -------------------------------------------------------------------------------


def _poll(platform, *, method="portal", answers=(), state=Round.State.PUBLISHED, end=None):
    round_ = Round.objects.create(
        platform=platform,
        framework=Framework.objects.first(),
        title=f"Poll at {platform.name}",
        period_start=date(end.year, 1, 1) if end else date(YEAR, 1, 1),
        period_end=end or date(YEAR, 6, 30),
        state=state,
    )
    poll = Poll.objects.create(round=round_, method=method)
    PollAnswer.objects.bulk_create(
        PollAnswer(poll=poll, day=date(YEAR, 5, 1), **answer) for answer in answers
    )
    return round_


@pytest.fixture
def polls(tree):
    f, (_c1, c2) = tree["forums"], tree["councils"]
    rounds = {
        # 12 portal answers, 9 positive on "job": 75 %, indicative, self-selected
        "portal": _poll(f[0], answers=[{"job": 5}] * 9 + [{"job": 2}] * 3),
        # 9 answers: only the count
        "few": _poll(c2, method="sample", answers=[{"job": 5}] * 9),
        # a random sample of 10, half positive: 50 % +- 31.0 points
        "sample": _poll(
            tree["national"], method="sample", answers=[{"job": 4}] * 5 + [{"job": 1}] * 5
        ),
    }
    # not published, or of another year: left out
    _poll(f[3], answers=[{"job": 5}] * 20, state=Round.State.SCORING)
    _poll(f[0], answers=[{"job": 1}] * 20, end=date(YEAR - 1, 12, 31))
    return {**tree, "rounds": rounds}


def test_each_poll_keeps_its_own_figures_under_the_display_rules(polls):
    got = {p["round_id"]: p for p in report_figures(polls["national"], YEAR)["polls"]}
    r = polls["rounds"]
    assert set(got) == {r["portal"].pk, r["few"].pk, r["sample"].pk}  # never one pooled figure
    portal = got[r["portal"].pk]
    assert (portal["n"], portal["shown"], portal["indicative"], portal["self_selected"]) == (
        12,
        True,
        True,
        True,
    )
    job = next(q for q in portal["questions"] if q["field"] == "job")
    assert (job["answered"], job["percent"]) == (12, 75) and "margin" not in job
    few = got[r["few"].pk]
    assert few["n"] == 9 and not few["shown"] and few["questions"] == []
    sample = next(q for q in got[r["sample"].pk]["questions"] if q["field"] == "job")
    assert (sample["percent"], sample["margin"]) == (50, 31.0)
    # a council's report holds its forums' polls only
    c2 = report_figures(polls["councils"][1], YEAR)["polls"]
    assert [p["round_id"] for p in c2] == [r["few"].pk]


def test_poll_sections_show_counts_and_notes(polls):
    figures = report_figures(polls["national"], YEAR)
    r = polls["rounds"]
    sections = {s["key"]: s for s in report_sections(figures)}
    portal = sections[f"poll_{r['portal'].pk}"]
    assert {row["key"]: row["value"] for row in portal["rows"]} == {
        "responses": 12,
        "job_percent": 75,
        "job_answered": 12,
    }
    assert "self-selected" in portal["note"] and "indicative" in portal["note"]
    few = sections[f"poll_{r['few'].pk}"]
    assert [row["key"] for row in few["rows"]] == ["responses"]
    assert "from 10 responses" in few["note"]
    sample = {row["key"]: row["value"] for row in sections[f"poll_{r['sample'].pk}"]["rows"]}
    assert sample["job_margin"] == 31.0
    quiet = PlatformFactory(territory=TerritoryFactory())
    assert not [k for k in _keys(report_figures(quiet, YEAR)) if k.startswith("poll_")]


# Women and young people ----------------------------------------------------------------------


def _join(platform, user):
    """A member who joined in September of the report's year."""
    with time_machine.travel(at(9, 1), tick=False):
        grant(platform, user, Party.NGO)


@pytest.fixture
def stated(tree):
    """Nine people of the national scope state gender and age; others do not count."""
    u, f = tree["users"], tree["forums"]
    # YEAR 2025: young = born 1990 (35) .. 2011 (14)
    for user, gender, born in (
        (u[1], "female", 1990),  # member of two forums and an attendee: counted once
        (u[2], "female", 2011),
        (u[4], "female", 1989),
        (u[5], "male", 2012),
        (u[6], "male", 2000),
        (u[7], "male", 1970),
        (u[8], "male", 1980),
        (u[9], "male", 1960),
        (u[0], "female", 1995),  # not a member: an attendee of the spring meeting
        (u[3], "female", 1992),  # left in June: not among the people at year end
    ):
        user.gender, user.birth_year = gender, born
        user.save(update_fields=["gender", "birth_year"])
    Meeting.objects.get(title="Spring meeting").attendees.add(u[0])
    _join(f[2], UserFactory(gender="unstated"))  # said they prefer not to say
    return tree


def test_shares_hidden_at_nine_statements_and_shown_at_ten(stated):
    figures = report_figures(stated["national"], YEAR)
    assert figures["people"] is None and "people" not in _keys(figures)
    _join(stated["forums"][2], UserFactory(gender="male", birth_year=2005))
    figures = report_figures(stated["national"], YEAR)
    # women: u0 u1 u2 u4 of 10; young: u0 u1 u2 u6 and the newcomer of 10
    assert figures["people"] == {
        "women": {"stated": 10, "share": 40.0},
        "young": {"stated": 10, "share": 50.0},
    }
    rows = _rows(figures, "people")
    assert rows == {
        "women_share": 40.0,
        "women_stated": 10,
        "young_share": 50.0,
        "young_stated": 10,
    }
    # a council's scope has fewer than ten statements: no section
    assert report_figures(stated["councils"][1], YEAR)["people"] is None


def test_one_share_can_show_without_the_other(stated):
    """Ten stated their gender, but only nine their year of birth."""
    _join(stated["forums"][2], UserFactory(gender="male"))
    people = report_figures(stated["national"], YEAR)["people"]
    assert people == {"women": {"stated": 10, "share": 40.0}}
    assert set(_rows(report_figures(stated["national"], YEAR), "people")) == {
        "women_share",
        "women_stated",
    }


# In the published report ---------------------------------------------------------------------


def test_published_report_shows_the_new_sections_in_every_format(
    client, problems, polls, stated, national_sec
):
    _join(stated["forums"][2], UserFactory(gender="female", birth_year=2000))
    report = _published(stated["national"], national_sec)
    html = client.get(report.get_absolute_url()).content.decode()
    r = polls["rounds"]
    for key in ("problems", "people", f"poll_{r['portal'].pk}"):
        assert f'data-testid="table-{key}"' in html
    assert 'data-testid="section-note-people"' in html
    base = f"/reports/p/{stated['national'].slug}/{YEAR}/v1"
    csv_text = client.get(f"{base}.csv").content.decode()
    assert "problems,Problems worked through (SARA),closed_with_reduction" in csv_text
    assert "people," in csv_text and f"poll_{r['portal'].pk}," in csv_text
    data = json.loads(client.get(f"{base}.json").content)
    assert data["figures"]["problems"]["closed_with_reduction"] == 2
    assert data["figures"]["people"]["women"] == {"stated": 10, "share": 50.0}
    assert len(data["figures"]["polls"]) == 3
    pdf = client.get(f"{base}.pdf?lang=ru")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_each_new_selector_is_one_query(problems, polls, stated, django_assert_num_queries):
    from assessments.selectors import published_poll_results
    from forums.problems.selectors import problem_figures
    from platforms.models import Platform
    from reporting.selectors import Period, Scope, people_figures

    ids = Platform.objects.values("pk")  # a subquery, not a query of its own
    with django_assert_num_queries(1):
        assert problem_figures(ids, YEAR)["opened"] == 3
    with django_assert_num_queries(1):
        assert len(published_poll_results(ids, YEAR)) == 3
    with django_assert_num_queries(1):
        people_figures(Scope.below(stated["national"]), Period.year(YEAR), YEAR)
