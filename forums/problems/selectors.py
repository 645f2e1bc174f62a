"""Reads for problem pages, the library and the hot-spot map: a fixed number of queries each."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Floor
from django.utils import timezone

from forums.models import Proposal
from forums.problems.models import (
    KG_LAT,
    KG_LON,
    Exchange,
    ExchangeInvitation,
    Practice,
    PracticeAdoption,
    Problem,
    ProblemEvent,
    ProblemMeasure,
    ProblemReview,
    Stage,
)
from forums.selectors import SEARCH_CONFIGS, search_terms
from platforms.models import Platform, Territory

# hot-spot cells of a quarter degree (about 25 km): clusters stay a handful at national scale
CELLS_PER_DEGREE = 4
MAP_WIDTH, MAP_HEIGHT = 640, 320
# reference towns drawn on the map (public, approximate); not data, just orientation
MAP_TOWNS = (
    ("Bishkek", "Бишкек", Decimal("42.87"), Decimal("74.59")),
    ("Osh", "Ош", Decimal("40.53"), Decimal("72.80")),
    ("Jalal-Abad", "Жалал-Абад", Decimal("40.93"), Decimal("73.00")),
    ("Karakol", "Каракол", Decimal("42.49"), Decimal("78.39")),
    ("Naryn", "Нарын", Decimal("41.43"), Decimal("76.00")),
    ("Talas", "Талас", Decimal("42.52"), Decimal("72.24")),
    ("Batken", "Баткен", Decimal("40.06"), Decimal("70.82")),
)


def problem_list(*, platform: Platform, stage: str = "") -> QuerySet[Problem]:
    """A platform's problems with what a row shows: one query per page."""
    qs = Problem.objects.filter(platform=platform).select_related("territory")
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    return qs


def problem_page(problem_id: int) -> Problem:
    """A problem with everything its page shows, in a fixed number of queries."""
    return (
        Problem.objects.select_related(
            "platform",
            "platform__parent",
            "territory",
            "source_proposal",
            "created_by",
            "practice",
        )
        .prefetch_related(
            "measures",
            Prefetch("tasks"),
            Prefetch("events", queryset=ProblemEvent.objects.select_related("actor")),
            Prefetch("proposals", queryset=Proposal.objects.only("pk", "title", "state")),
            "meetings",
            Prefetch(
                "adoptions",
                queryset=PracticeAdoption.objects.select_related("practice", "practice__platform"),
            ),
            Prefetch(
                "reviews",
                queryset=ProblemReview.objects.select_related("reviewer_platform", "reviewer"),
            ),
        )
        .get(pk=problem_id)
    )


def _search(qs: QuerySet[Practice], query: str) -> QuerySet[Practice]:
    """Word forms in Russian and Kyrgyz on PostgreSQL (as the tracker); a casefold substring
    on SQLite, Cyrillic included."""
    terms = search_terms(query)
    if not terms:
        return qs
    if connection.vendor != "postgresql":
        match = Q()
        for term in terms:
            match &= (
                Q(s_title__contains=term) | Q(s_summary__contains=term) | Q(s_worked__contains=term)
            )
        return qs.alias(
            s_title=Func(F("title"), function="op_casefold"),
            s_summary=Func(F("summary"), function="op_casefold"),
            s_worked=Func(F("what_worked"), function="op_casefold"),
        ).filter(match)
    from django.contrib.postgres.search import SearchQuery, SearchVector

    raw = " & ".join(f"{term}:*" for term in terms)
    match = Q(title__trigram_word_similar=" ".join(terms))
    aliases = {}
    for config in SEARCH_CONFIGS:
        name = f"search_{config}"
        aliases[name] = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("what_worked", weight="B", config=config)
        )
        match |= Q(**{name: SearchQuery(raw, config=config, search_type="raw")})
    return qs.alias(**aliases).filter(match)


def library(
    *,
    query: str = "",
    problem_type: str = "",
    category: str = "",
    region: Territory | None = None,
) -> QuerySet[Practice]:
    """Published practices with their forum and territory: one query per page."""
    qs = Practice.objects.select_related("platform", "territory")
    if problem_type:
        qs = qs.filter(problem_type=problem_type)
    if category:
        qs = qs.filter(category=category)
    if region is not None:
        qs = qs.filter(territory__path__startswith=region.path)
    return _search(qs, query)


def regions() -> QuerySet[Territory]:
    """Oblasts and the cities of republican significance, for filters."""
    return Territory.objects.filter(
        kind__in=[Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN]
    ).order_by("name_ru")


def practices_for_options(problem: Problem, limit: int = 5) -> list[Practice]:
    """Practices of other forums on the same category: suggestions for the response's options."""
    return list(
        Practice.objects.filter(category=problem.category)
        .exclude(platform_id=problem.platform_id)
        .select_related("platform")
        .order_by("-adoption_count", "-published_at")[:limit]
    )


def _scope(qs, platform: Platform | None, field: str = "platform"):
    if platform is None:
        return qs
    return qs.filter(**{f"{field}__path__startswith": platform.path})


def hotspot_cells(
    *, platform: Platform | None = None, category: str = "", stage: str = ""
) -> list[dict]:
    """Problems with a point, clustered into grid cells by the database: one GROUP BY query.

    The rows returned grow with the cells (at most a few hundred for the country), never with
    the problems.
    """
    qs = _scope(Problem.objects.filter(lat__isnull=False, lon__isnull=False), platform)
    if category:
        qs = qs.filter(category=category)
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    rows = (
        qs.annotate(
            cell_lat=Floor(F("lat") * CELLS_PER_DEGREE), cell_lon=Floor(F("lon") * CELLS_PER_DEGREE)
        )
        .values("cell_lat", "cell_lon")
        .annotate(n=Count("pk"), open=Count("pk", filter=~Q(stage=Stage.CLOSED)))
        .order_by("cell_lat", "cell_lon")
    )
    cells = []
    half = Decimal(1) / (2 * CELLS_PER_DEGREE)
    for row in rows:
        lat = Decimal(int(row["cell_lat"])) / CELLS_PER_DEGREE + half
        lon = Decimal(int(row["cell_lon"])) / CELLS_PER_DEGREE + half
        x, y = project(lat, lon)
        cells.append(
            {
                "lat": float(lat),
                "lon": float(lon),
                "n": row["n"],
                "open": row["open"],
                "x": x,
                "y": y,
                "r": round(4 + 3 * row["n"] ** 0.5, 1),
            }
        )
    return cells


def project(lat, lon) -> tuple[float, float]:
    """Kyrgyzstan's box onto the SVG (equirectangular: enough at this scale)."""
    x = (Decimal(lon) - KG_LON[0]) / (KG_LON[1] - KG_LON[0]) * MAP_WIDTH
    y = (KG_LAT[1] - Decimal(lat)) / (KG_LAT[1] - KG_LAT[0]) * MAP_HEIGHT
    return round(float(x), 1), round(float(y), 1)


def map_towns(language: str) -> list[dict]:
    towns = []
    for name_en, name_ru, lat, lon in MAP_TOWNS:
        x, y = project(lat, lon)
        towns.append({"name": name_en if language == "en" else name_ru, "x": x, "y": y})
    return towns


def hotspot_districts(
    *, platform: Platform | None = None, category: str = "", stage: str = ""
) -> list[dict]:
    """Problems by stage and proposals by openness, per district or city: three queries.

    The list that works without JavaScript and reads well in a screen reader.
    """
    problems = _scope(Problem.objects.all(), platform)
    proposals = _scope(Proposal.objects.public(), platform)
    if category:
        problems = problems.filter(category=category)
        proposals = proposals.filter(category=category)
    if stage in Stage.values:
        problems = problems.filter(stage=stage)
    problem_rows = problems.values("territory__path", "stage").annotate(n=Count("pk"))
    proposal_rows = proposals.values("platform__territory__path").annotate(
        n=Count("pk"), open=Count("pk", filter=~Q(state__in=Proposal.FINAL_STATES))
    )
    rows = [
        *((r["territory__path"], "problem", r) for r in problem_rows),
        *((r["platform__territory__path"], "proposal", r) for r in proposal_rows),
    ]
    ids = {int(part) for path, _kind, _r in rows for part in path.strip("/").split("/") if part}
    territories = {
        t.pk: t for t in Territory.objects.filter(pk__in=ids).only("pk", "kind", *NAME_FIELDS)
    }
    districts: dict[int, dict] = {}
    by_stage = defaultdict(int)
    for path, kind, row in rows:
        district = _district_of(path, territories)
        if district is None:
            continue
        entry = districts.setdefault(
            district.pk,
            {
                "territory": district,
                "stages": defaultdict(int),
                "problems": 0,
                "proposals": 0,
                "open_proposals": 0,
            },
        )
        if kind == "problem":
            entry["stages"][row["stage"]] += row["n"]
            entry["problems"] += row["n"]
            by_stage[row["stage"]] += row["n"]
        else:
            entry["proposals"] += row["n"]
            entry["open_proposals"] += row["open"]
    result = sorted(
        districts.values(),
        key=lambda e: (-e["problems"], -e["open_proposals"], e["territory"].name),
    )
    for entry in result:
        entry["stage_counts"] = [(s, entry["stages"].get(s, 0)) for s in Stage.values]
    return result


NAME_FIELDS = ("name_en", "name_ru", "name_ky", "name_uz")


def _district_of(path: str, territories: dict) -> Territory | None:
    """The deepest district or city on the path (the country or an oblast when none)."""
    chain = [territories.get(int(p)) for p in path.strip("/").split("/") if p]
    chain = [t for t in chain if t is not None]
    for territory in reversed(chain):
        if territory.kind in Territory.COUNCIL_KINDS:
            return territory
    return chain[-1] if chain else None


def exchanges_of(platform: Platform) -> QuerySet[Exchange]:
    """Exchanges the platform hosts or is invited to, with what a row shows: one query."""
    return (
        Exchange.objects.filter(Q(host=platform) | Q(invitations__platform=platform))
        .distinct()
        .select_related("meeting", "host", "practice")
        .order_by("-meeting__starts_at", "-pk")
    )


def exchange_page(pk: int) -> Exchange:
    return (
        Exchange.objects.select_related("meeting", "host", "practice", "practice__platform")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=ExchangeInvitation.objects.select_related("platform", "platform__parent"),
            ),
            "meeting__agenda",
        )
        .get(pk=pk)
    )


# Annual reports ------------------------------------------------------------------------------


def problem_figures(platform_ids, year: int) -> dict:
    """SARA problems of the given platforms for reporting's annual reports (one query).

    `platform_ids` may be a queryset of ids (it becomes a subquery) or a list. Counts only:
    problems opened in `year` and the stage each is at now; problems closed in `year`, and
    of those the ones with a measured reduction (a measure whose "after" value is lower than
    its baseline).
    """
    tz = timezone.get_current_timezone()
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    opened = Q(created_at__gte=start, created_at__lt=end)
    closed = Q(stage=Stage.CLOSED, closed_at__gte=start, closed_at__lt=end)
    reduced = Exists(
        ProblemMeasure.objects.filter(
            problem=OuterRef("pk"), after_value__isnull=False, after_value__lt=F("baseline_value")
        )
    )
    counts = (
        Problem.objects.filter(platform_id__in=platform_ids)
        .filter(opened | closed)
        .aggregate(
            opened=Count("pk", filter=opened),
            closed=Count("pk", filter=closed),
            reduced=Count("pk", filter=closed & Q(reduced)),
            **{f"stage_{s}": Count("pk", filter=opened & Q(stage=s)) for s in Stage.values},
        )
    )
    return {
        "opened": counts["opened"],
        "by_stage": {s: counts[f"stage_{s}"] for s in Stage.values if counts[f"stage_{s}"]},
        "closed": counts["closed"],
        "closed_with_reduction": counts["reduced"],
    }
