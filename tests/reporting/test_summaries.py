"""The yearly figure summaries give exactly the figures of the direct computation.

On the hand-counted hierarchy of conftest (a national council, two councils with forums below)
plus people who state their gender and age (enough for the shares to be shown), people with two
roles or on two forums, a term spanning the year boundary and a returned (not public) forum.
"""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from assessments.models import Round
from forums.models import Meeting
from platforms.models import Party, Platform, Role
from platforms.services import membership_end
from reporting import selectors, tasks
from reporting.models import PlatformYearFigures, PlatformYearParty, SummaryYear
from reporting.summaries import read
from reporting.summaries.refresh import refresh_for_report, refresh_year
from tests.factories import PlatformFactory, TerritoryFactory, UserFactory
from tests.reporting.conftest import BISHKEK, YEAR, at, grant
from tests.reporting.factories import AnnualReportFactory
from tests.reporting.test_sections_added import _poll

pytestmark = pytest.mark.django_db

YEARS = (YEAR - 1, YEAR, YEAR + 1)


def person(gender, birth_year):
    return UserFactory(gender=gender, birth_year=birth_year)


@pytest.fixture
def people(tree):
    """Fourteen people who state gender and age, spread so that distinct counts matter."""
    c1, c2 = tree["councils"]
    f = tree["forums"]
    ps = [
        person("female" if i % 3 else "male", [1960, 1995, 2008, 2012, None][i % 5])
        for i in range(14)
    ]
    ps.append(person("unstated", 1990))
    with time_machine.travel(at(2, 1), tick=False):
        for i, p in enumerate(ps):
            grant(f[i % 5], p, [Party.CITIZEN, Party.NGO, Party.LSG][i % 3])
        # two roles on the same forum: one person, two memberships, counted once as a pair
        grant(f[0], ps[0], Party.CITIZEN, Role.SECRETARIAT, term_end=date(YEAR + 1, 3, 31))
        # the same person on a forum and on its council, and on the other council's forum
        grant(c1, ps[1], Party.NGO)
        grant(f[3], ps[1], Party.NGO)
        # a term that ends in the middle of the next year, and one that ended within YEAR
        grant(c2, ps[2], Party.LSG, Role.SECRETARIAT, term_end=date(YEAR + 1, 6, 30))
        grant(c2, ps[3], Party.LSG, Role.SECRETARIAT, term_end=date(YEAR, 9, 30))
    with time_machine.travel(datetime(YEAR + 1, 2, 1, 10, tzinfo=BISHKEK), tick=False):
        leaving = grant(f[2], ps[4], Party.CITIZEN, Role.SECRETARIAT, term_end=date(YEAR + 2, 1, 1))
    with time_machine.travel(datetime(YEAR + 1, 5, 1, 10, tzinfo=BISHKEK), tick=False):
        membership_end(membership=leaving, actor=None, check=False)
    # attendees who are not members, and members who also attend (each person once)
    outsider = person("female", 2000)
    meeting = Meeting.objects.create(
        platform=f[1], kind=Meeting.Kind.GENERAL, title="Autumn", starts_at=at(10, 1)
    )
    meeting.attendees.set([outsider, ps[0], ps[5]])
    late = Meeting.objects.create(
        platform=c2,
        kind=Meeting.Kind.GENERAL,
        title="New year",
        starts_at=datetime(YEAR + 1, 1, 15, 10, tzinfo=BISHKEK),
    )
    late.attendees.set([outsider, ps[6]])
    # a returned (not public) forum's people are not counted anywhere
    hidden = PlatformFactory(
        territory=TerritoryFactory(parent=c1.territory), status=Platform.Status.RETURNED
    )
    with time_machine.travel(at(2, 1), tick=False):
        grant(hidden, person("female", 1999), Party.CITIZEN)
        grant(hidden, ps[7], Party.NGO)
    # published citizen polls (two rounds ending on the same day), one not published, one of
    # the year before, one on the forum that is not public
    _poll(f[0], answers=[{"job": 5}] * 9 + [{"job": 2}] * 3)
    _poll(c2, method="sample", answers=[{"job": 5}] * 9)
    _poll(tree["national"], method="sample", answers=[{"job": 4}] * 5 + [{"job": 1}] * 5)
    _poll(f[3], answers=[{"job": 5}] * 20, state=Round.State.SCORING)
    _poll(f[1], answers=[{"job": 1}] * 20, end=date(YEAR - 1, 12, 31))
    _poll(hidden, answers=[{"job": 3}] * 12)
    return {**tree, "people": ps, "hidden": hidden}


def platforms_of(data):
    return [data["national"], *data["councils"], *data["forums"], data["hidden"]]


def test_summary_figures_equal_the_direct_figures(people):
    written = [refresh_year(year) for year in YEARS]
    assert written[1] > written[0] == 1  # before YEAR: only the forum with last year's poll
    shown = 0
    for year in YEARS:
        period = selectors.Period.year(year)
        assert read.available(year, period)
        for platform in platforms_of(people):
            scope = selectors.Scope.below(platform)
            direct = selectors.membership_figures(scope, period)
            assert read.membership_figures(scope, year) == direct, (platform.slug, year)
            direct_people = selectors.people_figures(scope, period, year)
            assert read.people_figures(platform, year) == direct_people, (platform.slug, year)
            shown += direct_people is not None
            assert read.meeting_figures(scope, year) == selectors.meeting_figures(scope, period)
            assert read.poll_figures(scope, year) == selectors.poll_figures(scope, year)
    assert shown >= 3  # the shares are shown (MIN_STATED reached) for the national and councils
    national_scope = selectors.Scope.below(people["national"])
    assert len(read.poll_figures(national_scope, YEAR)) == 3
    assert read.meeting_figures(national_scope, YEAR + 1)["held"] == 1
    # members are (platform, person) pairs: the person on two forums counts on each
    national = read.membership_figures(selectors.Scope.below(people["national"]), YEAR)
    assert national["total"] > len(people["people"])


def test_report_figures_read_the_summary_only_when_current(people):
    national = people["national"]

    def without_times(f):
        return {k: v for k, v in f.items() if k != "generated_at"}

    direct = selectors.report_figures(national, YEAR)
    refresh_year(YEAR)
    with CaptureQueriesContext(connection) as ctx:
        summarised = selectors.report_figures(national, YEAR)
    assert without_times(summarised) == without_times(direct)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "reporting_platformyearfigures" in sql
    # rows of another day are not used: the direct figures come back
    SummaryYear.objects.filter(year=YEAR).update(as_of=date(YEAR, 6, 30))
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.report_figures(national, YEAR)
    assert "reporting_platformyearfigures" not in " ".join(q["sql"] for q in ctx.captured_queries)
    assert without_times(again) == without_times(direct)


def test_stale_rows_are_replaced_and_a_subtree_refreshes_alone(people):
    c1 = people["councils"][0]
    forum = people["forums"][0]
    # a forum's report before any full refresh: nothing to bring up to date
    assert refresh_for_report(forum, YEAR) == 0
    assert refresh_year(YEAR) > 0
    before = read.membership_figures(selectors.Scope.below(c1), YEAR)["total"]
    with time_machine.travel(at(11, 1), tick=False):
        grant(forum, UserFactory(), Party.CITIZEN)
    assert refresh_for_report(forum, YEAR) >= 1
    scope = selectors.Scope.below(c1)
    after = read.membership_figures(scope, YEAR)
    assert after["total"] == before + 1
    assert after == selectors.membership_figures(scope, selectors.Period.year(YEAR))
    # the rows of the year are one per platform, one per (platform, party)
    per_platform = (
        PlatformYearFigures.objects.filter(year=YEAR).values("platform").annotate(n=Count("pk"))
    )
    assert not per_platform.filter(n__gt=1).exists()
    assert PlatformYearParty.objects.filter(year=YEAR, platform=forum).exists()


def test_command_task_and_report_generation_refresh(people):
    out = StringIO()
    call_command("refresh_figure_summaries", str(YEAR - 1), stdout=out)
    assert f"{YEAR - 1}:" in out.getvalue()
    assert SummaryYear.objects.filter(year=YEAR - 1).exists()
    tasks.refresh_figure_summaries.delay([YEAR])
    assert SummaryYear.objects.get(year=YEAR).as_of == date(YEAR, 12, 31)
    SummaryYear.objects.all().delete()
    report = AnnualReportFactory(platform=people["national"], year=YEAR)
    tasks.generate_report.delay(report.pk)
    report.refresh_from_db()
    assert SummaryYear.objects.filter(year=YEAR).exists()
    direct = selectors.membership_figures(
        selectors.Scope.below(people["national"]), selectors.Period.year(YEAR)
    )
    assert report.figures["members"] == direct
