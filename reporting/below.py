"""The platforms below a report's platform: how many published their own report, and each
public child's key figures over its whole subtree (part of `selectors.report_figures`)."""

from django.db.models import Count, F, Q
from django.utils import timezone

from forums.models import Meeting, Proposal
from platforms.models import Membership, Platform
from reporting.models import AnnualReport
from reporting.selectors import Period, Scope, pct


def lower_report_figures(platform: Platform, year: int) -> dict:
    """How many platforms below published their own report for the year (1 query)."""
    counts = (
        Platform.objects.filter(Scope.below(platform).q())
        .exclude(pk=platform.pk)
        .aggregate(
            platforms=Count("pk", distinct=True),
            published=Count(
                "reports",
                filter=Q(reports__year=year, reports__status__in=AnnualReport.PUBLIC_STATUSES),
                distinct=True,
            ),
        )
    )
    return {**counts, "share": pct(counts["published"], counts["platforms"])}


def _child_of(platform: Platform) -> dict[int, int]:
    """{platform id in the subtree: id of the public child of `platform` it lies under}."""
    depth = len(platform.path.strip("/").split("/"))
    out = {}
    for pk, path in Platform.objects.filter(path__startswith=platform.path).values_list(
        "pk", "path"
    ):
        parts = path.strip("/").split("/")
        if len(parts) > depth:
            out[pk] = int(parts[depth])
    return out


def children_figures(platform: Platform, year: int, period: Period) -> list[dict]:
    """Each public platform directly below with its key figures (7 queries: each measure one
    GROUP BY platform over the whole subtree, added up per child in Python; correlated counts
    with a prefix LIKE on an outer path could use no index and took half a minute nationally).
    """
    children = list(
        Platform.objects.filter(parent=platform, status__in=Platform.PUBLIC_STATUSES)
        .order_by("name")
        .values("pk", "name", "slug", "level")
    )
    if not children:
        return []
    child_of = _child_of(platform)
    totals = {
        c["pk"]: dict.fromkeys(("proposals", "addressed", "answered", "meetings", "members"), 0)
        for c in children
    }

    def add(rows, **names):
        for row in rows:
            child = totals.get(child_of.get(row["owner"]))
            if child is not None:
                for name, column in names.items():
                    child[name] += row[column]

    add(
        Proposal.objects.filter(
            period.q("submitted_at"),
            origin__path__startswith=platform.path,
            origin__status__in=Platform.PUBLIC_STATUSES,
        )
        .values(owner=F("origin_id"))
        .annotate(
            n=Count("pk"),
            addressed=Count("pk", filter=Q(police_unit__isnull=False)),
            answered=Count(
                "pk", filter=Q(police_unit__isnull=False, police_answered_at__isnull=False)
            ),
        )
        .order_by(),
        proposals="n",
        addressed="addressed",
        answered="answered",
    )
    add(
        Meeting.objects.filter(
            period.q("starts_at"),
            platform__path__startswith=platform.path,
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=timezone.now(),
        )
        .values(owner=F("platform_id"))
        .annotate(n=Count("pk"))
        .order_by(),
        meetings="n",
    )
    add(
        Membership.objects.filter(
            platform__path__startswith=platform.path, status=Membership.Status.ACTIVE
        )
        .values(owner=F("platform_id"))
        .annotate(n=Count("pk"))
        .order_by(),
        members="n",
    )
    published = set(
        AnnualReport.objects.filter(
            platform__parent=platform, year=year, status__in=AnnualReport.PUBLIC_STATUSES
        ).values_list("platform_id", flat=True)
    )
    return [
        {
            "name": c["name"],
            "slug": c["slug"],
            "level": c["level"],
            "members": totals[c["pk"]]["members"],
            "proposals": totals[c["pk"]]["proposals"],
            "police_rate": pct(totals[c["pk"]]["answered"], totals[c["pk"]]["addressed"]),
            "meetings": totals[c["pk"]]["meetings"],
            "published": c["pk"] in published,
        }
        for c in children
    ]
