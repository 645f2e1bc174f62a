"""Reads for the tracker, the proposal page and the liaison dashboard: bounded queries."""

import re
from datetime import datetime, time, timedelta

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.db import connection, transaction
from django.db.models import CharField, Count, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts import paging
from accounts.paging import capped_counts, keyset_page, scanned_counts
from accounts.selectors import name_has_words
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

# the lookup django.contrib.postgres registers, without installing that app for one lookup
CharField.register_lookup(TrigramWordSimilar)


SEARCH_CONFIGS = ("op_russian", "op_simple")  # created by migration forums 0004
SEARCH_TERMS = 8


def search_terms(query: str) -> list[str]:
    """The words of a query, letters and digits only (no tsquery operators get through)."""
    return re.findall(r"\w+", query.casefold())[:SEARCH_TERMS]


def search(qs: QuerySet[Proposal], query: str) -> QuerySet[Proposal]:
    """Find proposals by word forms in Russian and Kyrgyz.

    PostgreSQL: every word as a prefix, Russian-stemmed ("школа" finds "школы") or as written
    (Kyrgyz suffixes: "мектеп" finds "мектепте"), ё/е and accents folded, or titles similar
    by trigrams (typos). SQLite: a case-insensitive substring for Cyrillic too.
    """
    terms = search_terms(query)
    if not terms:
        return qs
    if connection.vendor != "postgresql":
        match = Q()
        for term in terms:
            match &= Q(search_title__contains=term) | Q(search_body__contains=term)
        return qs.alias(
            search_title=Func(F("title"), function="op_casefold"),
            search_body=Func(F("body"), function="op_casefold"),
        ).filter(match)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    raw = " & ".join(f"{term}:*" for term in terms)
    match = Q(title__trigram_word_similar=" ".join(terms))
    aliases = {}
    for config in SEARCH_CONFIGS:
        name = f"search_{config}"
        aliases[name] = SearchVector("title", weight="A", config=config) + SearchVector(
            "body", weight="B", config=config
        )
        match |= Q(**{name: SearchQuery(raw, config=config, search_type="raw")})
    return qs.alias(**aliases).filter(match)


TRACKER_PAGE = 30
# the tracker's order; the indexes of migration 0009 hold public proposals in it
TRACKER_KEYS = ("submitted_at", "pk")


def tracker_matches(
    *,
    platform: Platform | None = None,
    state: str = "",
    category: str = "",
    territory: Territory | None = None,
    unit: PoliceUnit | None = None,
    overdue: bool = False,
    query: str = "",
    district: Territory | None = None,
    since=None,
    until=None,
) -> QuerySet[Proposal]:
    """Public proposals matching the tracker's filters: no annotation, no order.

    Every condition is one an index of migration 0009 (or 0004 for words) answers in the
    tracker's order, so a page reads its 31 rows, not the table. A public proposal always has
    a submission time (the services that make it public set it); the condition is repeated
    here because the indexes and the keyset compare on it.
    """
    qs = Proposal.objects.public().filter(submitted_at__isnull=False)
    if platform is not None:
        qs = qs.filter(Q(platform=platform) | Q(origin=platform))
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    for scope in (territory, district):
        if scope is not None:
            qs = qs.filter(origin__territory__path__startswith=scope.path)
    if unit is not None:
        qs = qs.filter(police_unit__path__startswith=unit.path)
    # whole days in the portal's time zone, as bounds on the column (a cast to a date per row
    # would keep the index from answering)
    if since is not None:
        qs = qs.filter(submitted_at__gte=_day_start(since))
    if until is not None:
        qs = qs.filter(submitted_at__lt=_day_start(until + timedelta(days=1)))
    if overdue:
        qs = qs.overdue()
    return search(qs, query)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def tracker_rows(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What a tracker row shows: platforms, unit, support count and latest answer status.

    Correlated subqueries, not a GROUP BY: PostgreSQL evaluates them for the rows of the page
    only, after the LIMIT.
    """
    supporters = (
        Supporter.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest_answer = (
        PoliceResponse.objects.filter(proposal=OuterRef("pk"), published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .values("status")[:1]
    )
    return qs.select_related("platform", "origin", "police_unit").annotate(
        support_count=Subquery(supporters), answer_status=Subquery(latest_answer)
    )


def tracker(**filters) -> QuerySet[Proposal]:
    """Public proposals with everything a list row shows, newest first (the whole selection:
    page it with tracker_page)."""
    return tracker_rows(tracker_matches(**filters)).order_by("-submitted_at", "-pk")


def tracker_page(*, after: str = "", before: str = "", per_page: int = TRACKER_PAGE, **filters):
    """One page of the tracker and the (capped) number of matches: two queries at any size.

    A search first takes the ids of up to COUNT_CAP + 1 matches from the word and trigram
    indexes (that is also the count). When they are all, the page is sorted from those ids;
    only a word matching more than that walks the date index testing each row, and then a
    page is found within a few thousand rows. (Testing rows along the date index for a rare
    word would compute to_tsvector on the whole table: a minute at 200,000 proposals.)
    """
    matches = tracker_matches(**filters)
    if filters.get("query") and search_terms(filters["query"]):
        cap = paging.COUNT_CAP
        ids = _search_ids(matches.order_by().values_list("pk", flat=True)[: cap + 1])
        count = paging.CappedCount(len(ids), cap)
        if count.exact:
            matches = Proposal.objects.filter(pk__in=ids)
    else:
        count = capped_counts({"matches": matches})["matches"]
    return keyset_page(
        tracker_rows(matches),
        keys=TRACKER_KEYS,
        descending=True,
        per_page=per_page,
        after=after,
        before=before,
        count=count,
    )


def _search_ids(ids_query) -> list[int]:
    """The ids of a search's first matches, read from the word and trigram indexes.

    For a common word ("кража": 15% of proposals) PostgreSQL expects the LIMIT to be reached
    soon and reads the table in order instead, computing to_tsvector on every row it passes
    (290 ms at scale 1); the bitmap of the indexes takes 40 ms. Told so for this one query, in
    its own transaction. Inside an outer transaction (a test) SET LOCAL would outlive the query,
    so there the planner chooses unaided.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return list(ids_query)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        return list(ids_query)


def tracker_choices() -> dict:
    """The filter lists: regions, districts by region, and police units above local level."""
    region_kinds = (Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN)
    # one query for both lists (Bishkek and Osh are a region and a council at once)
    both = list(
        Territory.objects.filter(kind__in={*region_kinds, *Territory.COUNCIL_KINDS}).select_related(
            "parent"
        )
    )
    regions = [t for t in both if t.kind in region_kinds]
    districts = [t for t in both if t.kind in Territory.COUNCIL_KINDS]
    units = list(PoliceUnit.objects.exclude(kind=PoliceUnit.Kind.LOCAL).order_by("path"))
    for unit in units:
        unit.indent = "\u2003" * len(unit.ancestor_ids())
    return {
        "territories": regions,
        "districts": sorted(districts, key=lambda t: (t.parent.name if t.parent else "", t.name)),
        "units": units,
    }


TIMELINE_PAGE = 50
COMMENTS_PAGE = 50


def timeline(proposal: Proposal) -> QuerySet[ProposalEvent]:
    return proposal.events.select_related("platform").order_by("at", "pk")


def timeline_page(proposal: Proposal, *, older: str = "", per_page: int = TIMELINE_PAGE):
    """The latest events, or those before the `older` cursor, oldest first on the page: one
    query on the (proposal, at) index however long the history."""
    page = keyset_page(
        proposal.events.select_related("platform"),
        keys=("at", "pk"),
        descending=True,
        per_page=per_page,
        after=older,
    )
    page.object_list.reverse()
    return page


def comments_page(proposal: Proposal, *, older: str = "", per_page: int = COMMENTS_PAGE):
    """The latest comments (or those before a cursor), oldest first on the page: one query."""
    page = keyset_page(
        proposal.comments.select_related("author"),
        keys=("created_at", "pk"),
        descending=True,
        per_page=per_page,
        after=older,
    )
    page.object_list.reverse()
    return page


def published_responses(proposal: Proposal) -> QuerySet[PoliceResponse]:
    return (
        proposal.responses.filter(published_at__isnull=False)
        .select_related("unit", "author")
        .order_by("published_at", "pk")
    )


def escalation_path(proposal: Proposal) -> list[Escalation]:
    return list(proposal.escalations.select_related("from_platform", "to_platform"))


LIAISON_VIEWS = ("all", "unanswered", "overdue", "mine")
# what a row of the dashboard shows (forums/liaison.html), and nothing more
LIAISON_ROW_FIELDS = (
    *("title", "state", "submitted_at", "response_due", "police_unit", "police_answered_at"),
    *("lsg_territory", "lsg_answered_at", "platform", "assigned_officer"),
    *("platform__name", "police_unit__name", "assigned_officer__email"),
    *("assigned_officer__first_name", "assigned_officer__last_name"),
    "assigned_officer__display_name",
)


def liaison_row_shows(p: Proposal) -> tuple:
    """Every value a dashboard row's HTML depends on (forums/_liaison_row.html), as the key of
    its cached rendering."""
    officer = p.assigned_officer
    return (
        *(p.pk, p.title, p.state, p.submitted_at, p.response_due, p.police_unit_id),
        *(p.police_answered_at, p.lsg_territory_id, p.lsg_answered_at, p.platform.name),
        p.police_unit.name if p.police_unit_id else "",
        officer.public_name if officer else "",
    )


LIAISON_PAGE = 25  # a phone screenful or two; the pager reaches the rest
LIAISON_SCAN = 5000  # queues up to this many rows are counted in one scan


def liaison_dashboard(
    queue: QuerySet[Proposal],
    *,
    show: str = "all",
    user=None,
    after: str = "",
    before: str = "",
    per_page: int = LIAISON_PAGE,
):
    """A page of the chosen view of the queue, oldest first (the longest waiting, so the
    overdue, lead), and the counts behind each filter link.

    Three queries at any size: the page's keys (keyset on the submission time), its rows, and
    the counters (one scan of the queue, or past LIAISON_SCAN rows each capped). Returns the
    page and the counts.
    """
    today = timezone.localdate()
    # the police's own deadline: a local self-government answer does not clear it
    filters = {
        "all": Q(),
        "unanswered": awaiting_answer_condition("police"),
        "overdue": overdue_condition(today, "police"),
        "mine": Q(assigned_officer=user) if user is not None else Q(pk__in=[]),
    }
    queue = queue.filter(submitted_at__isnull=False)
    # the page's keys from the index alone (proposal_unit_open), then its rows by primary key:
    # sorting the queue's keys is cheap, fetching every queued row to sort it is not
    page = keyset_page(
        queue.filter(filters.get(show, Q())).only("pk", "submitted_at"),
        keys=("submitted_at", "pk"),
        descending=False,
        per_page=per_page,
        after=after,
        before=before,
    )
    rows = (
        Proposal.objects.select_related("platform", "police_unit", "assigned_officer")
        .only(*LIAISON_ROW_FIELDS)
        .in_bulk([p.pk for p in page.object_list])
    )
    page.object_list = [rows[p.pk] for p in page.object_list if p.pk in rows]
    # a unit's queue is usually a few hundred rows: one index-only scan counts all four; a
    # queue past LIAISON_SCAN (a ministry head's) is counted per filter, each capped
    counters = {name: filters[name] for name in ("unanswered", "overdue", "mine")}
    counts = scanned_counts(queue, counters, scan=LIAISON_SCAN) or capped_counts(
        {"total": queue, **{name: queue.filter(cond) for name, cond in counters.items()}}
    )
    return page, counts


def addressable_units(platform: Platform) -> QuerySet[PoliceUnit]:
    """Police units a proposal on this platform may address: of its territory, its council's
    territory and the territories above (a forum can write to the district or the ministry)."""
    scope = platform.territory
    council_t = scope.council_territory() or scope
    return PoliceUnit.objects.filter(
        territory_id__in=[scope.pk, council_t.pk, *scope.ancestor_ids()]
    )


def addressable_lsg(platform: Platform) -> QuerySet[Territory]:
    """Local self-government a proposal may address: the forum's territory and its council's."""
    scope = platform.territory
    council_t = scope.council_territory() or scope
    return Territory.objects.filter(pk__in={scope.pk, council_t.pk})


def invitable_platforms(platform: Platform) -> QuerySet[Platform]:
    """Platforms a joint meeting may invite: active neighbours under the same council and the
    council itself; a council invites the platforms below it."""
    near = Platform.objects.filter(status=Platform.Status.ACTIVE).exclude(pk=platform.pk)
    if platform.parent_id:
        return near.filter(parent_id=platform.parent_id) | Platform.objects.filter(
            pk=platform.parent_id
        )
    return near.filter(parent=platform)


def answer_templates(unit: PoliceUnit | None) -> list:
    """Templates of the addressed unit and of the units above it, nearest first: one query."""
    from forums.models import ResponseTemplate

    if unit is None:
        return []
    return list(
        ResponseTemplate.objects.filter(unit_id__in=[unit.pk, *unit.ancestor_ids()])
        .select_related("unit")
        .order_by("-unit__path", "title")
    )


def community_forums(query: str, limit: int = 30) -> list[Platform]:
    """Active community forums whose name, territory or district matches, for "Raise a problem".

    Case-insensitive for Cyrillic on SQLite too (the casefold function of forums.apps), so
    "Көк-Жар" finds what "көк-жар" finds.
    """
    terms = search_terms(query)
    if not terms:
        return []
    qs = Platform.objects.filter(
        level=Platform.Level.COMMUNITY, status=Platform.Status.ACTIVE
    ).select_related("territory", "parent")
    fields = ["name"] + [
        f"{prefix}__name_{lang}"
        for prefix in ("territory", "territory__parent")
        for lang in ("ru", "ky", "en", "uz")
    ]
    casefold = "op_casefold" if connection.vendor == "sqlite" else "LOWER"
    aliases = {f"f{i}": Func(F(field), function=casefold) for i, field in enumerate(fields)}
    qs = qs.alias(**aliases)
    for term in terms:
        match = Q()
        for alias in aliases:
            match |= Q(**{f"{alias}__contains": term})
        qs = qs.filter(match)
    return list(qs.order_by("name")[:limit])


PEOPLE_FOUND = 20


def find_people(candidates: QuerySet, query: str, *, limit: int = PEOPLE_FOUND) -> list:
    """Up to `limit` of `candidates` whose name holds every word of the query (one query,
    never the whole list): for forms that would otherwise list every member."""
    words = name_has_words(query)
    if words is None:
        return []
    return list(
        candidates.filter(words).order_by("display_name", "last_name", "first_name", "pk")[:limit]
    )


def personal_page(user) -> dict:
    """What a person follows: their platforms, their proposals, votes waiting for them and the
    answers they received. Four queries whatever the numbers."""
    from platforms.models import Decision, Membership, Vote

    memberships = list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("platform")
        .order_by("platform__level", "platform__name")
    )
    # the (author, created_at, id) index: the newest 30 without sorting everything they wrote
    proposals = list(
        Proposal.objects.filter(author=user)
        .select_related("platform", "police_unit")
        .annotate(
            answer_status=Subquery(
                PoliceResponse.objects.filter(proposal=OuterRef("pk"), published_at__isnull=False)
                .order_by("-published_at", "-pk")
                .values("status")[:1]
            )
        )
        .order_by("-created_at", "-pk")[:30]
    )
    votes_due = list(
        Decision.objects.filter(
            status=Decision.Status.OPEN, platform_id__in=[m.platform_id for m in memberships]
        )
        .exclude(pk__in=Vote.objects.filter(user=user).values("decision_id"))
        .select_related("platform")
        .order_by("closes_at", "pk")[:20]
    )
    answers = list(
        PoliceResponse.objects.filter(proposal__author=user, published_at__isnull=False)
        .select_related("proposal", "unit")
        .order_by("-published_at", "-pk")[:10]
    )
    return {
        "memberships": memberships,
        "proposals": proposals,
        "votes_due": votes_due,
        "answers": answers,
    }
