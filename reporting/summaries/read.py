"""The report figures read from the summary rows of a subtree (one indexed query over the path
prefix per measure, added up in SQL), equal to the direct computation in `reporting.selectors`.
"""

from django.db.models import Sum
from django.db.models.functions import Coalesce

from platforms.models import Platform
from reporting.selectors import Period, Scope, meeting_result, people_shares
from reporting.summaries.models import PlatformYearFigures, PlatformYearParty, SummaryYear


def available(year: int, period: Period) -> bool:
    """Whether the year's rows are complete and describe the day the figures are taken on
    (1 query). Otherwise the figures are computed directly."""
    return SummaryYear.objects.filter(year=year, as_of=period.as_of).exists()


def membership_figures(scope: Scope, year: int) -> dict:
    """As `selectors.membership_figures`: people by party at the year's end and turnover
    (2 queries; the status of each platform is applied here, as the direct figures do)."""
    rows = PlatformYearFigures.objects.filter(scope.q("platform"), year=year)
    sums = rows.aggregate(
        **{k: Coalesce(Sum(k), 0) for k in ("members", "joined", "left", "renewed")}
    )
    by_party = {
        r["party"]: r["n"]
        for r in PlatformYearParty.objects.filter(scope.q("platform"), year=year)
        .values("party")
        .annotate(n=Sum("members"))
        .order_by("party")
        if r["n"]
    }
    return {
        "total": sums["members"],
        "by_party": by_party,
        "joined": sums["joined"],
        "left": sums["left"],
        "renewed": sums["renewed"],
    }


def people_figures(platform: Platform, year: int) -> dict | None:
    """As `selectors.people_figures` for the platform and all below it: its own row already
    counts each person of the subtree once (1 query)."""
    row = (
        PlatformYearFigures.objects.filter(platform=platform, year=year)
        .values("subtree_gender_stated", "subtree_women", "subtree_age_stated", "subtree_young")
        .first()
    )
    row = row or {}
    return people_shares(
        {
            "gender_stated": row.get("subtree_gender_stated", 0),
            "women": row.get("subtree_women", 0),
            "age_stated": row.get("subtree_age_stated", 0),
            "young": row.get("subtree_young", 0),
        }
    )


def meeting_figures(scope: Scope, year: int) -> dict:
    """As `selectors.meeting_figures`: meetings held by kind, attendance, minutes (1 query;
    the kinds of the few platforms that met are added up here)."""
    rows = (
        PlatformYearFigures.objects.filter(scope.q("platform"), year=year)
        .exclude(meetings_by_kind={})
        .values_list("meetings_by_kind", "attendance", "minutes_published")
    )
    by_kind: dict[str, int] = {}
    attendance = minutes = 0
    for kinds, attended, published in rows:
        for kind, n in kinds.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
        attendance += attended
        minutes += published
    return meeting_result(
        dict(sorted(by_kind.items())), {"attendance": attendance, "minutes": minutes}
    )


def poll_figures(scope: Scope, year: int) -> list[dict]:
    """As `selectors.poll_figures`: the published polls of the platforms in scope, by period
    end (1 query)."""
    entries = [
        entry
        for polls in PlatformYearFigures.objects.filter(scope.q("platform"), year=year)
        .exclude(polls=[])
        .values_list("polls", flat=True)
        for entry in polls
    ]
    return [result for _key, result in sorted(entries, key=lambda e: e[0])]
