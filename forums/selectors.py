"""Reads for the tracker, the proposal page and the liaison dashboard: bounded queries."""

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from forums.models import (
    Escalation,
    PoliceResponse,
    Proposal,
    ProposalEvent,
    Supporter,
    awaiting_answer_condition,
    overdue_condition,
)
from platforms.models import Platform, PoliceUnit, Territory


def search(qs: QuerySet[Proposal], query: str) -> QuerySet[Proposal]:
    """PostgreSQL full-text search over title and body; a plain substring match elsewhere."""
    if not query:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A", config="simple") + SearchVector(
            "body", weight="B", config="simple"
        )
        return qs.annotate(search=vector).filter(
            search=SearchQuery(query, config="simple", search_type="websearch")
        )
    return qs.filter(Q(title__icontains=query) | Q(body__icontains=query))


def tracker(
    *,
    platform: Platform | None = None,
    state: str = "",
    category: str = "",
    territory: Territory | None = None,
    unit: PoliceUnit | None = None,
    overdue: bool = False,
    query: str = "",
) -> QuerySet[Proposal]:
    """Public proposals with everything a list row shows, in one query per page."""
    qs = Proposal.objects.public().select_related("platform", "origin", "police_unit")
    if platform is not None:
        qs = qs.filter(Q(platform=platform) | Q(origin=platform))
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if territory is not None:
        qs = qs.filter(origin__territory__path__startswith=territory.path)
    if unit is not None:
        qs = qs.filter(police_unit__path__startswith=unit.path)
    if overdue:
        qs = qs.overdue()
    qs = search(qs, query)
    # a correlated subquery, not a GROUP BY: it runs for the page's rows only, and the
    # paginator's COUNT(*) leaves it out
    supporters = (
        Supporter.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(support_count=Subquery(supporters)).order_by("-submitted_at", "-pk")


def timeline(proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.select_related("platform", "actor").order_by("at", "pk")


def published_responses(proposal: Proposal) -> QuerySet[PoliceResponse]:
    return (
        proposal.responses.filter(published_at__isnull=False)
        .select_related("unit", "author")
        .order_by("published_at", "pk")
    )


def escalation_path(proposal: Proposal) -> list[Escalation]:
    return list(proposal.escalations.select_related("from_platform", "to_platform"))


def liaison_dashboard(queue: QuerySet[Proposal]) -> tuple[list[Proposal], dict]:
    """Open proposals by age with overdue first, and counts per state, in two queries."""
    today = timezone.localdate()
    rows = list(
        queue.select_related("platform", "police_unit", "assigned_officer").order_by(
            "submitted_at", "pk"
        )[:200]
    )
    # the police's own deadline: a local self-government answer does not clear it
    rows.sort(key=lambda p: ("police" not in p.overdue_parties, p.submitted_at))
    counts = queue.aggregate(
        total=Count("pk"),
        unanswered=Count("pk", filter=awaiting_answer_condition("police")),
        overdue=Count("pk", filter=overdue_condition(today, "police")),
    )
    return rows, counts
