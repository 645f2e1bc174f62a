"""Query counts of the scorecard and comparison pages stay flat as rounds and answers grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Grade
from platforms.models import PoliceUnit
from tests.assessments.conftest import grade_all, make_round
from tests.factories import PoliceUnitFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def _published_round(forum, sam, raters, units, *, year, answers):
    round_ = make_round(forum, sam, units, start=date(year, 1, 1), title=f"Оценка {year}")
    services.round_open(round_=round_, actor=sam)
    lines = "\n".join(["4,4,3,4,5,2,3,y,n,темно"] * answers)
    services.poll_paper_batch(poll=round_.poll, actor=sam, lines=lines)
    services.round_start_scoring(round_=round_, actor=sam)
    grade_all(round_, raters, sam, default=Grade.ADEQUATE if year % 2 else Grade.GOOD)
    for subject in round_.subjects.all():
        f = services.finding_add(subject=subject, actor=sam, kind="concern", text="Нет приёма")
        services.recommendation_add(
            subject=subject,
            actor=sam,
            finding=f,
            text="Открыть приём",
            addressee="ОМВД",
            due=date(2030, 1, 1),
        )
    services.round_end_moderation(round_=round_, actor=sam)
    return services.round_publish(round_=round_, actor=sam)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Scorecard, anonymous visitor, 13 queries: the unit; the latest published subject (with
# round, platform, framework, poll); the trend; the active officers; the current profile; the
# record on proposals (one aggregate; a 14th for the median once a proposal was answered); the
# recommendations; criteria, moderations and rater distributions of the latest subject; its
# findings; the poll aggregate; the inspectors assessed.
SCORECARD_QUERIES = 13
# Comparison: the territories for the filter; overall grades per unit; grades per criterion.
COMPARE_QUERIES = 3


def test_scorecard_queries_are_flat(
    client, forum, sam, raters, unit, hugo, django_assert_num_queries
):
    _published_round(forum, sam, raters, [unit], year=2024, answers=10)
    url = reverse("assessments:scorecard", args=[unit.pk])
    small = _count(client, url)
    for year in (2025, 2026):
        _published_round(forum, sam, raters, [unit], year=year, answers=60)
    for i in range(5):
        services.profile_figure_add(
            unit=unit,
            actor=hugo,
            kind="staff",
            label=f"Служба {i}",
            value=i + 3,
            source="Штатное расписание",
            as_of=date(2026, 1, 1),
        )
    with django_assert_num_queries(SCORECARD_QUERIES):
        response = client.get(url)
    assert small == SCORECARD_QUERIES
    body = response.content.decode()
    assert "Оценка 2026" in body and "data:image/svg+xml;base64," in body
    assert 'data-testid="trend-table"' in body


def test_compare_queries_are_flat(client, forum, sam, raters, unit, django_assert_num_queries):
    _published_round(forum, sam, raters, [unit], year=2025, answers=10)
    url = reverse("assessments:compare") + "?kind=local"
    small = _count(client, url)
    for _ in range(4):
        PoliceUnitFactory(kind=PoliceUnit.Kind.LOCAL, territory=TerritoryFactory())
    _published_round(forum, sam, raters, [unit], year=2026, answers=60)
    with django_assert_num_queries(COMPARE_QUERIES):
        response = client.get(url)
    assert small == COMPARE_QUERIES
    assert "1 unit with a published assessment" in response.content.decode()
