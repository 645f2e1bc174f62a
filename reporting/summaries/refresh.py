"""Compute the yearly summary rows from the source tables (PostgreSQL: a few GROUP BYs a year).

A full refresh of a year replaces all its rows in one transaction and marks the year complete
as of the day its figures are taken on (`Period.as_of`: the year's last day, or today for the
current year). A subtree refresh (when one platform prepares its report) replaces only the rows
of that platform and those below it, and only when the year's rows describe the same day.
"""

import time as clock

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import Gender, User
from platforms.models import Platform
from reporting import selectors
from reporting.selectors import Period, Scope
from reporting.summaries.models import PlatformYearFigures, PlatformYearParty, SummaryYear


class Everywhere(Scope):
    """Every platform, whatever its status (or every one below `path`): own counts are stored
    for all platforms and the reader applies the status of each platform when it adds up."""

    def q(self, rel: str = "") -> Q:
        prefix = f"{rel}__" if rel else ""
        return Q(**{f"{prefix}path__startswith": self.path}) if self.path else Q()


def supported() -> bool:
    """The people counts use PostgreSQL's unnest over the materialised path."""
    return connection.vendor == "postgresql"


def _rows(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _member_counts(path: str, period: Period) -> tuple[dict, dict]:
    """({platform: distinct members}, {(platform, party): distinct members}) at the period's
    end, each a GROUP BY over SELECT DISTINCT of integer pairs, as the direct figures count."""
    members = selectors.members_at(Everywhere(path=path), period).order_by()
    sql, params = members.values("platform_id", "user_id").distinct().query.sql_with_params()
    # the SQL is Django-compiled from a queryset; values travel as parameters
    total = dict(
        _rows(f"SELECT t.platform_id, COUNT(*) FROM ({sql}) t GROUP BY t.platform_id", params)  # noqa: S608 # nosec B608
    )
    sql, params = (
        members.values("platform_id", "party", "user_id").distinct().query.sql_with_params()
    )
    party = {
        (pk, p): n
        for pk, p, n in _rows(
            f"SELECT t.platform_id, t.party, COUNT(*) FROM ({sql}) t "  # noqa: S608 # nosec B608
            "GROUP BY t.platform_id, t.party",
            params,
        )
    }
    return total, party


def _turnover(path: str, period: Period) -> dict:
    rows = (
        selectors.turnover_events(Everywhere(path=path), period)
        .values("platform_id")
        .annotate(**selectors.turnover_counts())
        .order_by()
    )
    return {r["platform_id"]: (r["joined"], r["left"], r["renewed"]) for r in rows}


def _meetings(path: str, period: Period) -> dict:
    """{platform: ({kind: n}, attendance, minutes published)} of meetings held there."""
    held = selectors.meetings_held(Everywhere(path=path), period).order_by()
    out: dict = {}
    for r in held.values("platform_id", "kind").annotate(n=Count("pk")):
        out.setdefault(r["platform_id"], [{}, 0, 0])[0][r["kind"]] = r["n"]
    for r in held.values("platform_id").annotate(**selectors.meeting_totals()):
        row = out.setdefault(r["platform_id"], [{}, 0, 0])
        row[1], row[2] = r["attendance"], r["minutes"]
    return out


def _polls(path: str, year: int) -> dict:
    """{platform: [[period end, round id, poll id], poll result]} of its published polls whose
    round ends in the year, through the assessments selector (the direct figures' source)."""
    from assessments import selectors as assessment_selectors
    from assessments.models import Round

    results = assessment_selectors.published_poll_results(
        Platform.objects.filter(Everywhere(path=path).q()).values("pk"), year
    )
    ends = dict(
        Round.objects.filter(pk__in={r["round_id"] for r in results}).values_list(
            "pk", "period_end"
        )
    )
    out: dict = {}
    for r in results:
        key = [ends[r["round_id"]].isoformat(), r["round_id"], r["poll_id"]]
        out.setdefault(r["platform_id"], []).append([key, r])
    return out


def _subtree_people(path: str, period: Period, year: int) -> dict:
    """{platform: (people, gender stated, women, age stated, young)} over each platform's whole
    subtree, each person once: the (platform, person) pairs of members at the period's end and
    attendees of meetings held in it, on public platforms, spread to every platform on the
    path above (the path holds the ids from the root down), then distinct per platform."""
    scope = Scope(path=path)  # public platforms only, as the direct figures count
    members = selectors.members_at(scope, period).order_by().values("platform_id", "user_id")
    attendees = (
        selectors.meeting_attendees(scope, period)
        .order_by()
        .values("user_id", platform_id=F("meeting__platform_id"))
    )
    m_sql, m_params = members.query.sql_with_params()
    a_sql, a_params = attendees.query.sql_with_params()
    low, high = year - selectors.YOUNG_AGES[1], year - selectors.YOUNG_AGES[0]
    platforms, users = Platform._meta.db_table, User._meta.db_table
    # table names come from model metadata and the subqueries are Django-compiled; every value
    # travels as a parameter
    sql = f"""
        WITH pairs AS (
            SELECT m.platform_id, m.user_id FROM ({m_sql}) m
            UNION
            SELECT a.platform_id, a.user_id FROM ({a_sql}) a
        ), up AS (
            SELECT DISTINCT CAST(anc.id AS bigint) AS root, pairs.user_id
            FROM pairs
            JOIN {platforms} p ON p.id = pairs.platform_id,
            unnest(string_to_array(trim(both '/' from p.path), '/')) AS anc(id)
        )
        SELECT up.root,
            COUNT(*),
            COUNT(*) FILTER (WHERE u.gender IN (%s, %s)),
            COUNT(*) FILTER (WHERE u.gender = %s),
            COUNT(*) FILTER (WHERE u.birth_year IS NOT NULL AND u.birth_year <= %s),
            COUNT(*) FILTER (WHERE u.birth_year IS NOT NULL AND u.birth_year <= %s
                             AND u.birth_year BETWEEN %s AND %s)
        FROM up
        JOIN {users} u ON u.id = up.user_id
        JOIN {platforms} r ON r.id = up.root AND r.path LIKE %s
        GROUP BY up.root
    """  # noqa: S608 # nosec B608
    params = (
        *m_params,
        *a_params,
        Gender.FEMALE,
        Gender.MALE,
        Gender.FEMALE,
        year,
        year,
        low,
        high,
        f"{path}%",
    )
    return {row[0]: row[1:] for row in _rows(sql, params)}


def refresh_year(year: int, *, platform: Platform | None = None) -> int:
    """Recompute a year's rows (all platforms, or `platform` and those below it); returns the
    number of platform rows written. A subtree refresh is skipped (0) unless the year's rows
    already describe the day the figures are taken on."""
    if not supported():
        return 0
    started = clock.perf_counter()
    period = Period.year(year)
    path = platform.path if platform is not None else ""
    if (
        platform is not None
        and not SummaryYear.objects.filter(year=year, as_of=period.as_of).exists()
    ):
        return 0
    total, party = _member_counts(path, period)
    turnover = _turnover(path, period)
    people = _subtree_people(path, period, year)
    meetings = _meetings(path, period)
    polls = _polls(path, year)
    zero3, zero5 = (0, 0, 0), (0, 0, 0, 0, 0)
    rows = [
        PlatformYearFigures(
            platform_id=pk,
            year=year,
            members=total.get(pk, 0),
            **dict(zip(("joined", "left", "renewed"), turnover.get(pk, zero3), strict=True)),
            **dict(
                zip(
                    (
                        "subtree_people",
                        "subtree_gender_stated",
                        "subtree_women",
                        "subtree_age_stated",
                        "subtree_young",
                    ),
                    people.get(pk, zero5),
                    strict=True,
                )
            ),
            **dict(
                zip(
                    ("meetings_by_kind", "attendance", "minutes_published"),
                    meetings.get(pk, ({}, 0, 0)),
                    strict=True,
                )
            ),
            polls=polls.get(pk, []),
        )
        for pk in sorted(set(total) | set(turnover) | set(people) | set(meetings) | set(polls))
    ]
    parties = [
        PlatformYearParty(platform_id=pk, year=year, party=p, members=n)
        for (pk, p), n in sorted(party.items())
    ]
    with transaction.atomic():
        below = Q(platform__path__startswith=path) if path else Q()
        PlatformYearFigures.objects.filter(below, year=year).delete()
        PlatformYearParty.objects.filter(below, year=year).delete()
        PlatformYearFigures.objects.bulk_create(rows, batch_size=2000)
        PlatformYearParty.objects.bulk_create(parties, batch_size=2000)
        if platform is None:
            SummaryYear.objects.update_or_create(
                year=year,
                defaults={
                    "as_of": period.as_of,
                    "refreshed_at": timezone.now(),
                    "seconds": round(clock.perf_counter() - started, 2),
                },
            )
    return len(rows)


def refresh_for_report(platform: Platform, year: int) -> int:
    """Before a report's figures are computed: the national council refreshes the whole year;
    a platform below refreshes its own subtree (when the year's rows are of the same day)."""
    if platform.parent_id is None:
        return refresh_year(year)
    return refresh_year(year, platform=platform)


def nightly_years() -> list[int]:
    """The current year (its figures move every day) and the previous one (late corrections)."""
    this = timezone.localdate().year
    return [this - 1, this]
