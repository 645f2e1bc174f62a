"""Keyset paging: a page of a long list read from an index, never an OFFSET or a COUNT(*).

A page is asked for by a cursor (the sort key of the row it starts after or before), so page
500 of an inbox costs what page 1 does. Links are "Newer" and "Older" (or "Earlier" and
"Later"); a cursor that does not parse gives the first page, never an error.
"""

import base64
import binascii
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet


@dataclass
class KeysetPage:
    items: list
    next_cursor: str = ""  # further along the order (older rows for a newest-first list)
    previous_cursor: str = ""  # back towards the start
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _encode(values) -> str:
    raw = "\x1f".join(str(v.isoformat() if hasattr(v, "isoformat") else v) for v in values)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, model, names) -> list | None:
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("\x1f")
        if len(parts) != len(names):
            return None
        return [model._meta.get_field(n).to_python(p) for n, p in zip(names, parts, strict=True)]
    except (binascii.Error, UnicodeDecodeError, ValidationError, ValueError):
        return None


def _beyond(names, values, descending: bool) -> Q:
    """Rows strictly after `values` in the order (a, b): a beyond, or a equal and b beyond."""
    op = "lt" if descending else "gt"
    (a, b), (va, vb) = names, values
    return Q(**{f"{a}__{op}": va}) | Q(**{a: va, f"{b}__{op}": vb})


def keyset_page(
    qs: QuerySet, *, order: tuple[str, str], size: int, after: str = "", before: str = ""
) -> KeysetPage:
    """One page of `qs` in `order` (two fields, same direction, the last one unique: pk).

    `after`: the page following that cursor; `before`: the page preceding it; neither: the
    first page. One query: size + 1 rows tell whether there is more.
    """
    descending = order[0].startswith("-")
    names = [o.lstrip("-") for o in order]
    if names[1] == "pk":
        names[1] = qs.model._meta.pk.name
    reverse_order = tuple(n if descending else f"-{n}" for n in names)
    at_start = False
    back = _decode(before, qs.model, names)
    forward = None if back is not None else _decode(after, qs.model, names)
    if back is not None:
        rows = list(
            qs.filter(_beyond(names, back, not descending)).order_by(*reverse_order)[: size + 1]
        )
        at_start = len(rows) <= size
        rows = rows[:size][::-1]
        has_more = True
    else:
        if forward is not None:
            qs = qs.filter(_beyond(names, forward, descending))
        else:
            at_start = True
        rows = list(qs.order_by(*order)[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]

    def key(row):
        return [getattr(row, n) for n in names]

    return KeysetPage(
        items=rows,
        next_cursor=_encode(key(rows[-1])) if rows and has_more else "",
        previous_cursor=_encode(key(rows[0])) if rows and not at_start else "",
    )
