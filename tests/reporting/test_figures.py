"""The report's figures, checked against numbers worked out by hand on a small hierarchy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platforms.models import Platform
from reporting.models import AnnualReport
from reporting.selectors import report_figures
from tests.factories import PlatformFactory, TerritoryFactory, UserFactory
from tests.reporting.conftest import HAND, YEAR, at, grant
from tests.reporting.factories import AnnualReportFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_national_figures_match_the_hand_count(tree):
    f = report_figures(tree["national"], YEAR)
    m = f["members"]
    assert m["total"] == HAND["members_total"]
    assert m["by_party"] == HAND["by_party"]
    assert (m["joined"], m["left"], m["renewed"]) == (HAND["joined"], HAND["left"], HAND["renewed"])
    assert f["proposals"]["total"] == HAND["proposals"]
    assert f["proposals"]["by_state"] == {"adopted": 1, "resolved": 1, "submitted": 4}
    assert f["proposals"]["by_category"] == {"road": 1, "school": 4, "youth": 1}
    assert f["responses"]["police"] == HAND["police"]
    assert f["responses"]["lsg"] == HAND["lsg"]
    assert f["responses"]["overdue"] == HAND["overdue"]
    assert f["meetings"]["held"] == HAND["meetings"]
    assert f["meetings"]["attendance"] == HAND["attendance"]
    assert f["meetings"]["minutes_published"] == 1
    assert f["escalations"] == {"sent": 1, "received": 1, "registered": 1, "returned": 0}
    assert f["platforms"]["by_level"] == {"national": 1, "district": 2, "community": 5}
    assert f["plans"]["plans"] == 1 and f["plans"]["actions"] == 2
    assert f["plans"]["by_status"] == {"done": 1, "planned": 1}
    assert f["plans"]["overdue"] == 1 and f["plans"]["done_share"] == 50.0


def test_counts_add_up_across_levels(tree):
    """The national figure is its own plus the sum of its councils' figures."""
    national = report_figures(tree["national"], YEAR)
    councils = [report_figures(c, YEAR) for c in tree["councils"]]
    assert [c["proposals"]["total"] for c in councils] == [3, 2]
    for key in ("total",):
        own = 1  # the proposal raised at the national council itself
        assert national["proposals"][key] == own + sum(c["proposals"][key] for c in councils)
    assert national["members"]["total"] == 1 + sum(c["members"]["total"] for c in councils)
    assert national["responses"]["police"]["addressed"] == sum(
        c["responses"]["police"]["addressed"] for c in councils
    )
    # the council's figures cover its forums and itself, not its sibling
    c1 = councils[0]
    assert c1["escalations"] == {"sent": 1, "received": 1, "registered": 1, "returned": 0}
    assert c1["responses"]["police"]["median_days"] == 6.5  # 3 and 10 days
    forum = report_figures(tree["forums"][0], YEAR)
    assert forum["escalations"]["sent"] == 1 and forum["escalations"]["received"] == 0


def test_children_and_lower_reports(tree):
    c1, c2 = tree["councils"]
    AnnualReportFactory(platform=c1, status=AnnualReport.Status.PUBLISHED)
    AnnualReportFactory(platform=c2)  # a draft does not count
    f = report_figures(tree["national"], YEAR)
    assert f["lower_reports"] == {"platforms": 7, "published": 1, "share": 14.3}
    rows = {r["slug"]: r for r in f["children"]}
    assert rows["c-alamudun"]["proposals"] == 3 and rows["c-alamudun"]["published"] is True
    assert rows["c-batken"]["proposals"] == 2 and rows["c-batken"]["police_rate"] == 50.0
    assert rows["c-alamudun"]["meetings"] == 1


def test_sections_appear_only_with_data(tree):
    from reporting.presentation import report_sections

    quiet = PlatformFactory(territory=TerritoryFactory())
    keys = [s["key"] for s in report_sections(report_figures(quiet, YEAR))]
    assert "proposals_state" not in keys and "meetings" not in keys
    assert keys[-1] == "assessments"  # always there, stating that nothing is published
    keys = [s["key"] for s in report_sections(report_figures(tree["national"], YEAR))]
    assert {"members", "turnover", "proposals_state", "responses", "plans", "meetings"} <= set(keys)


def _grow(councils: int, forums: int):
    """Add councils with forums, members and proposals under the national council."""
    from platforms.models import Territory

    rayons = list(
        Territory.objects.filter(kind="rayon").exclude(platforms__isnull=False).order_by("code")
    )
    for t in rayons[:councils]:
        for _ in range(forums):
            forum = PlatformFactory(territory=TerritoryFactory(parent=t))
            grant(forum, UserFactory())
            ProposalFactory(origin=forum, submitted_at=at(9, 1), police_answered_at=at(9, 3))


def _queries(platform) -> int:
    platform = Platform.objects.get(pk=platform.pk)  # nothing cached on the instance
    with CaptureQueriesContext(connection) as ctx:
        report_figures(platform, YEAR)
    return len(ctx.captured_queries)


def test_national_report_query_count_is_flat(tree):
    """The same number of queries over 8 platforms as over 38: no query per platform."""
    national = Platform.objects.get(pk=tree["national"].pk)
    small = _queries(national)
    _grow(councils=6, forums=5)
    assert Platform.objects.filter(path__startswith=national.path).count() == 8 + 36
    large = _queries(national)
    # territory name, platforms, members x2, turnover, meetings x2, proposals, escalations, answers, 2 medians,
    # plans x2, lower reports, children x6 (the children, the subtree's paths, then one GROUP BY
    # platform each for proposals, meetings, members and published reports: correlated counts
    # on an outer path used no index), assessments x4 (ids, subjects, criteria,
    # recommendations; no units count when nothing is published), and one each for the shares
    # of women and young people, SARA problems and published polls (grouped by poll), and
    # whether the year's figure summaries are current (reporting.summaries; they are not here)
    assert small == large == 29, f"{small} / {large} queries: explain any change"


def test_assessment_results_come_through_the_assessments_selector(tree, monkeypatch):
    """Grade distribution, coverage and recommendations, as published by assessments."""
    from assessments import selectors as assessment_selectors
    from reporting.presentation import report_sections

    calls = []

    def published_results(platform_ids, year):
        calls.append((sorted(platform_ids), year))
        unit = tree["unit"].pk
        return {
            "subjects": [{"unit_id": unit, "overall": 4}, {"unit_id": unit, "overall": 2}],
            "overall_distribution": {4: 1, 2: 1},
            "criteria": [],
            "recommendations": {"green": 1, "red": 2},
        }

    monkeypatch.setattr(assessment_selectors, "published_results", published_results)
    f = report_figures(tree["national"], YEAR)
    assert calls == [(sorted(Platform.objects.values_list("pk", flat=True)), YEAR)]
    a = f["assessments"]
    assert (a["units_assessed"], a["units_in_scope"], a["coverage"]) == (1, 1, 100.0)
    assert a["overall_distribution"] == {"4": 1, "2": 1}
    section = next(s for s in report_sections(f) if s["key"] == "assessments")
    values = {r["key"]: r["value"] for r in section["rows"]}
    assert values["recommendations"] == 3 and values["grade_4"] == 1
