"""Reads of accounts that are more than a filter."""

import re

from django.db.models import Q

UNREAD_SHOWN = 99
NAME_WORDS = 8  # words of a name search that count; the rest are ignored


class UnreadCount(int):
    """An unread count that stops counting past UNREAD_SHOWN and then reads "99+"."""

    def __str__(self):
        return f"{UNREAD_SHOWN}+" if self > UNREAD_SHOWN else super().__str__()


def unread_count(user) -> UnreadCount:
    """Unread notifications, counted up to UNREAD_SHOWN + 1 only (index notification_unread).

    A LIMIT inside the count: an inbox with 20,000 unread costs what one with 100 does.
    """
    return UnreadCount(
        user.notifications.filter(read_at__isnull=True).order_by()[: UNREAD_SHOWN + 1].count()
    )


def name_has_words(query: str, *, path: str = "") -> Q | None:
    """People whose name (display, first or last) holds every word of `query`, as a filter on
    the user at `path` ("user__" from a membership); None when the query has no word. The
    member search of platforms and the attendance search of meetings both find people by it."""
    words = re.findall(r"\w+", (query or "").casefold())[:NAME_WORDS]
    if not words:
        return None
    found = Q()
    for word in words:
        found &= (
            Q(**{f"{path}display_name__icontains": word})
            | Q(**{f"{path}first_name__icontains": word})
            | Q(**{f"{path}last_name__icontains": word})
        )
    return found
