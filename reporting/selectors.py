"""The figures of reports and statistics, computed in SQL over a platform and everything below.

Every function issues a fixed number of queries whatever the number of platforms in scope:
a scope is a filter on the platform's materialised path (one indexed LIKE), never a loop.
"""

from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from forums.models import Escalation, Meeting, Proposal, overdue_condition
from platforms.models import Membership, Platform, PlatformEvent, Territory
from reporting.models import PlanAction, StrategicPlan

FIGURES_VERSION = 1


class Scope:
    """Which platforms the figures cover: a subtree, optionally narrowed to a territory."""

    def __init__(self, *, path: str = "", territory_path: str = ""):
        self.path = path
        self.territory_path = territory_path

    @classmethod
    def below(cls, platform: Platform) -> "Scope":
        return cls(path=platform.path)

    def q(self, rel: str = "") -> Q:
        """The condition on platforms reached through `rel` (e.g. "origin", "platform")."""
        prefix = f"{rel}__" if rel else ""
        q = Q(**{f"{prefix}status__in": Platform.PUBLIC_STATUSES})
        if self.path:
            q &= Q(**{f"{prefix}path__startswith": self.path})
        if self.territory_path:
            q &= Q(**{f"{prefix}territory__path__startswith": self.territory_path})
        return q


class Period:
    def __init__(self, start: date | None = None, end: date | None = None):
        self.start, self.end = start, end  # end exclusive

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    def _dt(self, d: date) -> datetime:
        return timezone.make_aware(datetime.combine(d, time.min))

    def q(self, field: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{field}__gte": self._dt(self.start)})
        if self.end:
            q &= Q(**{f"{field}__lt": self._dt(self.end)})
        return q

    @property
    def as_of(self) -> date:
        """The day the "current" figures are taken on: the period's last day, or today."""
        today = timezone.localdate()
        if self.end is None:
            return today
        return min(today, self.end - timedelta(days=1))


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def in_force(period: Period) -> Q:
    """The condition on memberships in force at the end of the period (or today)."""
    as_of = timezone.make_aware(datetime.combine(period.as_of + timedelta(days=1), time.min))
    return (
        Q(status__in=[Membership.Status.ACTIVE, Membership.Status.ENDED], created_at__lt=as_of)
        & (Q(ended_at__isnull=True, status=Membership.Status.ACTIVE) | Q(ended_at__gte=as_of))
        & (Q(term_end__isnull=True) | Q(term_end__gte=period.as_of))
    )


def members_at(scope: Scope, period: Period) -> QuerySet[Membership]:
    """Memberships in force at the end of the period (or today)."""
    return Membership.objects.filter(scope.q("platform")).filter(in_force(period))


def platform_figures(scope: Scope) -> dict:
    """Public platforms by level (1 query)."""
    rows = Platform.objects.filter(scope.q()).values("level").annotate(n=Count("pk"))
    by_level = {r["level"]: r["n"] for r in rows}
    return {"by_level": by_level, "total": sum(by_level.values())}


def _distinct_counts(qs: QuerySet, key: str, *fields: str) -> dict:
    """{key: number of distinct (key, *fields) rows} in one GROUP BY over a SELECT DISTINCT.

    COUNT(DISTINCT platform || ':' || user) per party cast and compared a string per row; the
    distinct pairs of integers hash in a fraction of that time at national scale.
    """
    inner = qs.order_by().values(key, *fields).distinct()
    sql, params = inner.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        # `key` is a field name written in this module, never input; values go as params
        query = f"SELECT t.{key}, COUNT(*) FROM ({sql}) t GROUP BY t.{key}"  # noqa: S608 # nosec B608
        cursor.execute(query, params)
        return dict(cursor.fetchall())


def membership_figures(scope: Scope, period: Period) -> dict:
    """People by party at the period's end, and turnover within it (3 queries)."""
    by_party = _distinct_counts(members_at(scope, period), "party", "platform_id", "user_id")
    # COUNT over SELECT DISTINCT of two integers: a hash of ids, not 550,000 strings built
    total = members_at(scope, period).values("platform_id", "user_id").distinct().count()
    turnover = turnover_events(scope, period).aggregate(**turnover_counts())
    return {"total": total, "by_party": by_party, **turnover}


def turnover_events(scope: Scope, period: Period) -> QuerySet[PlatformEvent]:
    """Membership changes on platforms in scope within the period."""
    return PlatformEvent.objects.filter(
        scope.q("platform"), period.q("at"), kind=PlatformEvent.Kind.MEMBERSHIP
    )


def turnover_counts() -> dict:
    """Joined, left and renewed (a term taken again after an earlier one in the same role)."""
    earlier = Membership.objects.filter(
        user=OuterRef("membership__user"),
        platform=OuterRef("membership__platform"),
        role=OuterRef("membership__role"),
        created_at__lt=OuterRef("membership__created_at"),
    ).exclude(status__in=[Membership.Status.REQUESTED, Membership.Status.REFUSED])
    return {
        "joined": Count("pk", filter=Q(new=Membership.Status.ACTIVE)),
        "left": Count("pk", filter=Q(new=Membership.Status.ENDED)),
        "renewed": Count(
            "pk",
            filter=Q(new=Membership.Status.ACTIVE, membership__term_end__isnull=False)
            & Q(Exists(earlier)),
        ),
    }


def meeting_figures(scope: Scope, period: Period) -> dict:
    """Meetings held (not cancelled, already started), attendance and minutes (2 queries)."""
    held = meetings_held(scope, period)
    by_kind = {
        r["kind"]: r["n"] for r in held.values("kind").annotate(n=Count("pk")).order_by("kind")
    }
    totals = held.aggregate(**meeting_totals())
    return meeting_result(by_kind, totals)


def meetings_held(scope: Scope, period: Period) -> QuerySet[Meeting]:
    """Meetings held in scope within the period: not cancelled, already started."""
    return Meeting.objects.filter(
        scope.q("platform"),
        period.q("starts_at"),
        status=Meeting.Status.SCHEDULED,
        starts_at__lte=timezone.now(),
    )


def meeting_totals() -> dict:
    return {
        "attendance": Count("attendees"),
        "minutes": Count("pk", filter=Q(minutes_published_at__isnull=False), distinct=True),
    }


def meeting_result(by_kind: dict, totals: dict) -> dict:
    n = sum(by_kind.values())
    return {
        "held": n,
        "by_kind": by_kind,
        "attendance": totals["attendance"],
        "average_attendance": round(totals["attendance"] / n, 1) if n else None,
        "minutes_published": totals["minutes"],
    }


def proposals_raised(scope: Scope, period: Period) -> QuerySet[Proposal]:
    """Proposals counted once, at the platform where they were raised."""
    return Proposal.objects.filter(
        scope.q("origin"), period.q("submitted_at"), submitted_at__isnull=False
    )


def proposal_figures(scope: Scope, period: Period) -> dict:
    """Proposals by state and by category (1 query)."""
    rows = (
        proposals_raised(scope, period)
        .values("state", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_state: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for r in rows:  # at most states x categories grouped rows
        by_state[r["state"]] = by_state.get(r["state"], 0) + r["n"]
        by_category[r["category"]] = by_category.get(r["category"], 0) + r["n"]
    return {
        "total": sum(by_state.values()),
        "by_state": dict(sorted(by_state.items())),
        "by_category": dict(sorted(by_category.items())),
    }


def escalation_figures(scope: Scope, period: Period) -> dict:
    """Escalations sent from and received by platforms in scope (1 query)."""
    sent, received = scope.q("from_platform"), scope.q("to_platform")
    return (
        Escalation.objects.filter(period.q("escalated_at"))
        .filter(sent | received)
        .aggregate(
            sent=Count("pk", filter=sent),
            received=Count("pk", filter=received),
            registered=Count("pk", filter=received & Q(status=Escalation.Status.REGISTERED)),
            returned=Count("pk", filter=received & Q(status=Escalation.Status.RETURNED)),
        )
    )


def _median_days(qs: QuerySet[Proposal], field: str, n: int) -> float | None:
    """The median of (answer - submission) in days: the database sorts, one or two rows come back."""
    if not n:
        return None
    delays = (
        qs.filter(**{f"{field}__isnull": False})
        .annotate(
            delay=ExpressionWrapper(F(field) - F("submitted_at"), output_field=DurationField())
        )
        .order_by("delay")
        .values_list("delay", flat=True)
    )
    middle = list(delays[(n - 1) // 2 : n // 2 + 1])
    seconds = sum(d.total_seconds() for d in middle) / len(middle)
    return round(seconds / 86400, 1)


def response_figures(scope: Scope, period: Period) -> dict:
    """Answer rate and median days to answer, per addressee, and the overdue count (3 queries)."""
    qs = proposals_raised(scope, period)
    police = Q(police_unit__isnull=False)
    lsg = Q(lsg_territory__isnull=False)
    counts = qs.aggregate(
        police_addressed=Count("pk", filter=police),
        police_answered=Count("pk", filter=police & Q(police_answered_at__isnull=False)),
        lsg_addressed=Count("pk", filter=lsg),
        lsg_answered=Count("pk", filter=lsg & Q(lsg_answered_at__isnull=False)),
        overdue=Count("pk", filter=overdue_condition(period.as_of)),
    )
    out = {"overdue": counts["overdue"]}
    for party in ("police", "lsg"):
        addressed, answered = counts[f"{party}_addressed"], counts[f"{party}_answered"]
        out[party] = {
            "addressed": addressed,
            "answered": answered,
            "rate": pct(answered, addressed),
            "median_days": _median_days(
                qs.filter(police if party == "police" else lsg), f"{party}_answered_at", answered
            ),
        }
    return out


def plan_figures(scope: Scope, year: int, period: Period) -> dict:
    """Plans of the year and their actions by status, overdue marked (2 queries)."""
    plans = StrategicPlan.objects.filter(scope.q("platform"), year=year).aggregate(
        plans=Count("pk"), adopted=Count("pk", filter=Q(status=StrategicPlan.Status.ADOPTED))
    )
    rows = (
        PlanAction.objects.filter(scope.q("plan__platform"), plan__year=year)
        .values("status")
        .annotate(
            n=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(deadline__lt=period.as_of) & ~Q(status__in=PlanAction.CLOSED_STATUSES),
            ),
        )
        .order_by("status")
    )
    by_status = {r["status"]: r["n"] for r in rows}
    actions = sum(by_status.values())
    return {
        **plans,
        "actions": actions,
        "by_status": by_status,
        "overdue": sum(r["overdue"] for r in rows),
        "done_share": pct(by_status.get(PlanAction.Status.DONE, 0), actions),
    }


def _count(qs) -> Subquery:
    """A correlated COUNT subquery (the constant grouping keeps it one aggregate row)."""
    return Subquery(
        qs.order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(c=Count("pk"))
        .values("c")[:1],
        output_field=IntegerField(),
    )


def assessment_figures(scope: Scope, year: int, *, territory_path: str = "") -> dict | None:
    """Published assessment results of the platforms in scope, read only through the
    assessments selector API (its three queries), plus the units in scope (one query)."""
    from assessments import selectors as assessment_selectors
    from platforms.models import PoliceUnit

    results = assessment_selectors.published_results(
        Platform.objects.filter(scope.q()).values_list("pk", flat=True), year
    )
    subjects = results["subjects"]
    if not subjects:
        return None
    units = PoliceUnit.objects.all()
    if territory_path:
        units = units.filter(territory__path__startswith=territory_path)
    in_scope = units.count()
    assessed = len({row["unit_id"] for row in subjects if row["unit_id"]})
    return {
        "subjects": len(subjects),
        "units_assessed": assessed,
        "units_in_scope": in_scope,
        "coverage": pct(assessed, in_scope),
        "overall_distribution": {
            str(grade if grade is not None else "none"): n
            for grade, n in sorted(
                results["overall_distribution"].items(), key=lambda kv: -(kv[0] or 0)
            )
        },
        "recommendations": results["recommendations"],
    }


def problem_figures(scope: Scope, year: int) -> dict | None:
    """SARA problems opened, per stage, closed and closed with a measured reduction, through
    the problems selector (1 query: the platforms in scope are a subquery)."""
    from forums.problems import selectors as problem_selectors

    figures = problem_selectors.problem_figures(
        Platform.objects.filter(scope.q()).values("pk"), year
    )
    return figures if figures["opened"] or figures["closed"] else None


def poll_figures(scope: Scope, year: int) -> list[dict]:
    """Each published citizen poll of the platforms in scope, with its own aggregates under the
    scorecards' display rules, through the assessments selector (1 query)."""
    from assessments import selectors as assessment_selectors

    return assessment_selectors.published_poll_results(
        Platform.objects.filter(scope.q()).values("pk"), year
    )


# Shares of women and young people are shown only when at least this many people stated them.
MIN_STATED = 10
YOUNG_AGES = (14, 35)


def people_figures(scope: Scope, period: Period, year: int) -> dict | None:
    """The shares of women and of young people (14-35 in `year`) among the people of the scope
    (members at the period's end and attendees of meetings held in it), each person once,
    among those who stated it; a share only from MIN_STATED statements on (1 query)."""
    from accounts.models import User

    # no ORDER BY in the parts of a UNION (SQLite refuses it; PostgreSQL has no use for it)
    members = members_at(scope, period).order_by().values("user_id")
    attendees = meeting_attendees(scope, period).order_by().values("user_id")
    # IN (a UNION), not IN (members) OR IN (attendees): an OR of two subqueries cannot be a
    # semi-join, and over 500,000 people it ran for minutes
    counts = User.objects.filter(pk__in=members.union(attendees)).aggregate(**people_counts(year))
    return people_shares(counts)


def meeting_attendees(scope: Scope, period: Period) -> QuerySet:
    """Attendance rows (meeting, person) of meetings held in scope within the period."""
    return Meeting.attendees.through.objects.filter(
        scope.q("meeting__platform"),
        period.q("meeting__starts_at"),
        meeting__status=Meeting.Status.SCHEDULED,
        meeting__starts_at__lte=timezone.now(),
    )


def people_counts(year: int) -> dict:
    """Count expressions over people: stated gender, women, stated age, young in `year`."""
    from accounts.models import Gender

    born = Q(birth_year__isnull=False, birth_year__lte=year)
    young = Q(birth_year__gte=year - YOUNG_AGES[1], birth_year__lte=year - YOUNG_AGES[0])
    return {
        "gender_stated": Count("pk", filter=Q(gender__in=[Gender.FEMALE, Gender.MALE])),
        "women": Count("pk", filter=Q(gender=Gender.FEMALE)),
        "age_stated": Count("pk", filter=born),
        "young": Count("pk", filter=born & young),
    }


def people_shares(counts: dict) -> dict | None:
    """The shown shares from the people counts (each only from MIN_STATED statements on)."""
    out = {}
    if counts["gender_stated"] >= MIN_STATED:
        out["women"] = {
            "stated": counts["gender_stated"],
            "share": pct(counts["women"], counts["gender_stated"]),
        }
    if counts["age_stated"] >= MIN_STATED:
        out["young"] = {
            "stated": counts["age_stated"],
            "share": pct(counts["young"], counts["age_stated"]),
        }
    return out or None


def report_figures(platform: Platform, year: int, *, progress=None) -> dict:
    """Every figure of a platform's annual report, over the platform and all below it.

    About 23 queries, the same for a forum and for the national council over thousands; members,
    turnover and people come from the yearly summary (reporting.summaries) when it is current.
    """
    from reporting.summaries import read as summary

    progress = progress or (lambda pct: None)
    scope, period = Scope.below(platform), Period.year(year)
    # the yearly summary rows, when they describe the same day: members, turnover and people
    # (the slow figures at national scale) added up from the subtree's rows
    summarised = summary.available(year, period)
    figures = {
        "version": FIGURES_VERSION,
        "platform": {
            "name": platform.name,
            "slug": platform.slug,
            "level": platform.level,
            "territory": platform.territory.name_ru or platform.territory.name_en,
        },
        "year": year,
        "generated_at": timezone.now().isoformat(),
        "as_of": period.as_of.isoformat(),
        "platforms": platform_figures(scope),
        "members": (
            summary.membership_figures(scope, year)
            if summarised
            else membership_figures(scope, period)
        ),
    }
    progress(30)
    figures["meetings"] = (
        summary.meeting_figures(scope, year) if summarised else meeting_figures(scope, period)
    )
    figures["people"] = (
        summary.people_figures(platform, year)
        if summarised
        else people_figures(scope, period, year)
    )
    figures["proposals"] = proposal_figures(scope, period)
    figures["escalations"] = escalation_figures(scope, period)
    figures["responses"] = response_figures(scope, period)
    progress(60)
    figures["plans"] = plan_figures(scope, year, period)
    from reporting.below import children_figures, lower_report_figures

    figures["lower_reports"] = lower_report_figures(platform, year)
    figures["children"] = children_figures(platform, year, period)
    figures["assessments"] = assessment_figures(
        scope, year, territory_path="" if platform.level == "national" else platform.territory.path
    )
    figures["problems"] = problem_figures(scope, year)
    figures["polls"] = (
        summary.poll_figures(scope, year) if summarised else poll_figures(scope, year)
    )
    progress(90)
    return figures


def statistics(*, territory: Territory | None = None) -> dict:
    """Live national figures for the public statistics page, optionally for one oblast."""
    scope = Scope(territory_path=territory.path if territory else "")
    period = Period()
    regions = Territory.objects.filter(
        kind__in=[Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN]
    )
    if territory is not None:
        regions = regions.filter(pk=territory.pk)
    by_region = [
        {
            "code": r["code"],
            "name": r["name_ru"] or r["name_en"],
            **{k: r[f"n_{k}"] for k in LEVEL_KEYS},
        }
        for r in regions.annotate(
            **{
                f"n_{level}": _count(
                    Platform.objects.filter(
                        territory__path__startswith=OuterRef("path"),
                        level=level,
                        status__in=Platform.PUBLIC_STATUSES,
                    )
                )
                for level in LEVEL_KEYS
            }
        )
        .order_by("code")
        .values("code", "name_en", "name_ru", *[f"n_{k}" for k in LEVEL_KEYS])
    ]
    return {
        "as_of": timezone.now().isoformat(),
        "platforms": platform_figures(scope),
        "by_region": by_region,
        "members": {
            "total": members_at(scope, period).values("platform_id", "user_id").distinct().count()
        },
        "proposals": proposal_figures(scope, period),
        "responses": response_figures(scope, period),
        "assessments": assessment_figures(
            scope,
            timezone.localdate().year,
            territory_path=territory.path if territory else "",
        ),
    }


LEVEL_KEYS = [level.value for level in Platform.Level]
