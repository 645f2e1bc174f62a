"""The tracker as a spreadsheet: CSV (streamed, with a BOM for Excel) and XLSX.

Labels, states and categories are in the reader's language, times in Bishkek time to the minute;
protected authors are never named; formula-like cells are quoted (accounts.exports).
"""

from collections.abc import Iterator
from itertools import islice

import tablib
from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exports import csv_stream, safe_row
from forums.models import Category, Escalation, PoliceResponse, Proposal

XLSX_MAX_ROWS = 20000  # built in memory; larger selections are offered as CSV
CHUNK = 500  # rows per fetch from the server-side cursor
FLUSH_BYTES = 64 * 1024  # CSV text handed to the web server at a time
# anonymous visitors download up to this many rows at once; more needs signing in
ANONYMOUS_ROWS = 5000
# a large export holds its person's slot at most this long (a dropped connection frees it
# at once through close(); this bounds a worker killed mid-stream)
SLOT_SECONDS = 15 * 60


def _columns() -> list[str]:
    return [
        _("No."),
        _("Registration number"),
        _("Title"),
        _("Text"),
        _("Place"),
        _("Category"),
        _("State"),
        _("Raised at"),
        _("District or city"),
        _("Now at"),
        _("Police unit addressed"),
        _("Author"),
        _("Submitted"),
        _("Answer due"),
        _("Latest answer"),
        _("Answer text"),
        _("First answer"),
        _("Answer overdue"),
    ]


_NAMES = ("name_en", "name_ru", "name_ky", "name_uz")
# What rows() reads, and nothing more: building five related objects of every column per row
# was most of an export's time (issue 13).
EXPORT_FIELDS = (
    *("title", "body", "place", "category", "state", "protect_author", "on_behalf_of"),
    *("submitted_at", "response_due", "first_response_at", "police_answered_at"),
    *("lsg_answered_at", "police_unit", "lsg_territory", "author", "origin", "platform"),
    *("author__email", "author__first_name", "author__last_name", "author__display_name"),
    *("origin__name", "origin__level", "origin__parent", "origin__territory"),
    *(f"origin__territory__{n}" for n in _NAMES),
    *("origin__parent__territory", *(f"origin__parent__territory__{n}" for n in _NAMES)),
    *("platform__name", "police_unit__name"),
)


def export_queryset(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """One query per chunk: the rows, the latest published answer and the registration number,
    newest first (the tracker's order and index)."""
    latest = PoliceResponse.objects.filter(
        proposal=OuterRef("pk"), published_at__isnull=False
    ).order_by("-published_at", "-pk")
    number = (
        Escalation.objects.filter(proposal=OuterRef("pk"))
        .exclude(number="")
        .order_by("-decided_at", "-pk")
    )
    return (
        qs.select_related(
            "author", "origin__territory", "origin__parent__territory", "platform", "police_unit"
        )
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            latest_text=Subquery(latest.values("text")[:1]),
            registration=Subquery(number.values("number")[:1]),
        )
        .only(*EXPORT_FIELDS)
        .order_by("-submitted_at", "-pk")
    )


def _when(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _district(p: Proposal) -> str:
    origin = p.origin
    if origin.level == origin.Level.COMMUNITY and origin.parent_id:
        return origin.parent.territory.name
    if origin.level == origin.Level.DISTRICT:
        return origin.territory.name
    return ""


def _author(p: Proposal) -> str:
    if p.protect_author:
        return _("name withheld")
    if p.author_id:
        return p.author.public_name
    return p.on_behalf_of or _("anonymous citizen")


def rows(qs: QuerySet[Proposal]) -> Iterator[list]:
    yes, no = _("yes"), _("no")
    statuses = dict(PoliceResponse.Status.choices)
    categories, states = dict(Category.choices), dict(Proposal.State.choices)
    for p in export_queryset(qs).iterator(chunk_size=CHUNK):
        yield safe_row(
            p.pk,
            p.registration or "",
            p.title,
            p.body,
            p.place,
            str(categories.get(p.category, p.category)),
            str(states.get(p.state, p.state)),
            p.origin.name,
            _district(p),
            p.platform.name,
            p.police_unit.name if p.police_unit_id else "",
            _author(p),
            _when(p.submitted_at),
            _when(p.response_due),
            str(statuses.get(p.latest_status, "")) if p.latest_status else "",
            p.latest_text or "",
            _when(p.first_response_at),
            yes if p.is_overdue else no,
        )


def csv_chunks(qs: QuerySet[Proposal]) -> Iterator[str]:
    """The CSV in pieces of about 64 KB as rows arrive from the database, so a national export
    never sits in memory or hits a timeout."""
    return csv_stream(_columns(), rows(qs), chunk_bytes=FLUSH_BYTES)


class ExportSlot:
    """One large export at a time per person (signed in: the account; else the address).

    An iterator over the export's pieces that holds a cache key while it runs and frees it
    when the response is closed (the WSGI server always calls close(), also when the client
    goes away).
    """

    def __init__(self, key: str, stream: Iterator[str]):
        self.key = key
        self.stream = stream

    @classmethod
    def key_for(cls, request) -> str:
        if request.user.is_authenticated:
            return f"forums:export:user:{request.user.pk}"
        return f"forums:export:ip:{request.META.get('REMOTE_ADDR', '')}"

    @classmethod
    def hold(cls, request, stream: Iterator[str]) -> "ExportSlot | None":
        """The slot with the export inside, or None while this person's last one still runs."""
        key = cls.key_for(request)
        if not cache.add(key, 1, SLOT_SECONDS):
            return None
        return cls(key, stream)

    def __iter__(self):
        return iter(self.stream)

    def close(self):
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()
        cache.delete(self.key)


def xlsx_bytes(qs: QuerySet[Proposal]) -> bytes | None:
    """The XLSX workbook, or None when the selection is too large to build in memory."""
    # islice, not a slice of the queryset: rows() orders it, and a sliced query cannot be
    limited = list(islice(rows(qs), XLSX_MAX_ROWS + 1))
    if len(limited) > XLSX_MAX_ROWS:
        return None
    data = tablib.Dataset(*limited, headers=_columns(), title=_("Proposals")[:31])
    return data.export("xlsx")
