"""Keyset (cursor) paging and capped counts for lists that grow to national size.

A page is found by the sort key of the row it starts after (or before), compared as a row value
`(a, b) < (x, y)` that PostgreSQL answers from an index matching the ORDER BY: page 5,000 costs
what page 1 costs, with no OFFSET and no COUNT(*) over the table. Cursors carry datetimes to the
microsecond; a cursor that does not parse (forged, cut) gives the first page, never an error.
Counts shown to people are capped (`capped_counts`): exact up to the cap, "more than" above it,
each a bounded scan. Lives in accounts, the lowest layer, because every layer pages with it
(the notifications inbox here, join requests and membership history in platforms, the forums'
lists); the template is `includes/pager_keyset.html`.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

COUNT_CAP = 1000


@dataclass
class CappedCount:
    """A count that stops at `cap`: `value` is exact when `exact`, else "more than cap"."""

    value: int
    cap: int = COUNT_CAP

    @property
    def exact(self) -> bool:
        return self.value <= self.cap

    def __int__(self) -> int:
        return self.value

    def __eq__(self, other) -> bool:
        if isinstance(other, CappedCount):
            return self.value == other.value
        return self.value == other

    def __str__(self) -> str:
        return str(self.value) if self.exact else f"{self.cap}+"


def capped_counts(querysets: dict[str, QuerySet], cap: int | None = None) -> dict[str, CappedCount]:
    """Each queryset's count, stopping at cap + 1 rows (COUNT_CAP unless given): one query for
    all of them."""
    cap = COUNT_CAP if cap is None else cap
    if not querysets:
        return {}
    parts, params = [], []
    for qs in querysets.values():
        inner = qs.order_by().values("pk")[: cap + 1]
        try:
            sql, p = inner.query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
            parts.append("0")
            continue
        # Django compiled the SQL; the values travel separately as parameters
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 # nosec B608
        params.extend(p)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        values = cursor.fetchone()
    return {name: CappedCount(int(v), cap) for name, v in zip(querysets, values, strict=True)}


def scanned_counts(
    queryset: QuerySet, conditions: dict[str, Q], *, scan: int, cap: int | None = None
) -> dict[str, CappedCount] | None:
    """The queryset's count ("total") and, for each condition, how many of its rows meet it, in
    one scan
    of at most `scan` rows (one query, COUNT ... FILTER); None when the queryset has more rows
    than that, for the caller to count each capped (capped_counts) instead. Cheaper than one
    capped subquery per counter when the rows are few and an index holds what the conditions
    test."""
    cap = COUNT_CAP if cap is None else cap
    aggregates = {"total": Count("pk")}
    aggregates.update({name: Count("pk", filter=cond) for name, cond in conditions.items()})
    values = queryset.order_by()[: scan + 1].aggregate(**aggregates)
    if values["total"] > scan:
        return None
    return {name: CappedCount(min(int(value), cap + 1), cap) for name, value in values.items()}


class _ExactEncoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (Django's encoder cuts them to milliseconds, which would
    skip or repeat rows whose keys differ below a millisecond)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.date):
            return o.isoformat()
        return super().default(o)


def _encode(values: Sequence) -> str:
    raw = json.dumps(list(values), cls=_ExactEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, fields: Sequence) -> list | None:
    """The key values of a cursor, or None for anything malformed (a forged or cut link)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    try:
        parsed = [f.to_python(v) for f, v in zip(fields, values, strict=True)]
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None
    if any(v is None for v in parsed):
        return None
    return parsed


@dataclass
class KeysetPaginator:
    """What a pager template asks of a paginator: the page size and a (capped) count."""

    per_page: int
    count: CappedCount | None = None


@dataclass
class KeysetPage:
    """One page of rows with the cursors of the pages before and after it."""

    object_list: list
    paginator: KeysetPaginator
    next_cursor: str = ""
    previous_cursor: str = ""
    is_first: bool = True
    extra: dict = field(default_factory=dict)

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    def has_next(self) -> bool:
        return bool(self.next_cursor)

    def has_previous(self) -> bool:
        return bool(self.previous_cursor) or not self.is_first

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()


def keyset_page(
    qs: QuerySet,
    *,
    keys: Sequence[str],
    descending: bool,
    per_page: int,
    after: str = "",
    before: str = "",
    count: CappedCount | None = None,
) -> KeysetPage:
    """The page of `qs` ordered by `keys` (the last one unique, e.g. "pk") after or before a
    cursor; one query (per_page + 1 rows tell whether another page follows).

    Every key must be non-null in `qs`: a NULL never compares, so its row would be skipped.
    """
    model = qs.model
    fields = [model._meta.pk if k == "pk" else model._meta.get_field(k) for k in keys]
    columns = [F(k) for k in keys]
    forward_order = [f"-{k}" if descending else k for k in keys]
    backward_order = [k if descending else f"-{k}" for k in keys]
    paginator = KeysetPaginator(per_page=per_page, count=count)
    going_back = False
    cursor_values = _decode(after, fields) if after else None
    if cursor_values is None and before:
        cursor_values = _decode(before, fields)
        going_back = cursor_values is not None
    if cursor_values is None:
        rows = list(qs.order_by(*forward_order)[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page]
        return KeysetPage(
            rows,
            paginator,
            next_cursor=_cursor_of(rows[-1], keys) if more else "",
            is_first=True,
        )
    # forward past the cursor: smaller keys when descending, larger when ascending
    past = TupleLessThan if descending != going_back else TupleGreaterThan
    page_qs = qs.filter(past(Tuple(*columns), cursor_values))
    if going_back:
        rows = list(page_qs.order_by(*backward_order)[: per_page + 1])
        more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return KeysetPage(
            rows,
            paginator,
            next_cursor=_cursor_of(rows[-1], keys) if rows else "",
            previous_cursor=_cursor_of(rows[0], keys) if more_before and rows else "",
            is_first=not more_before,
        )
    rows = list(page_qs.order_by(*forward_order)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        rows,
        paginator,
        next_cursor=_cursor_of(rows[-1], keys) if more else "",
        previous_cursor=_cursor_of(rows[0], keys) if rows else "",
        is_first=False,
    )


def _cursor_of(row, keys: Sequence[str]) -> str:
    return _encode([getattr(row, k) for k in keys])
