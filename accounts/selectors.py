"""Reads of accounts that are more than a filter."""

UNREAD_SHOWN = 99


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
