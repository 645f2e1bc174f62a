"""In-portal notifications: most users get a few, officials many, and the demo liaison officer's
inbox holds 20,000 (the size that once made the notifications page sort the whole inbox)."""

from datetime import timedelta

from accounts.models import Notification
from forums.models import Proposal
from reporting.national import words
from reporting.national.base import YEARS, fill, skewed_ago

BIG_INBOX = 20_000


def generate(ctx, nation, *, big_inbox_user: int | None) -> None:
    rng, now, w = ctx.rng("notifications"), ctx.now, ctx.writer
    table = w.table(
        Notification,
        ["id", "user_id", "verb", "category", "title", "body", "url", "email_state",
         "created_at", "read_at"],
    )  # fmt: skip
    ids = list(Proposal.objects.order_by("pk").values_list("pk", flat=True)[:: max(1, 1)])
    total = ctx.sizes["notifications"]
    big = min(BIG_INBOX, total // 3) if big_inbox_user else 0
    officials = [u for us in nation.officers.values() for u in us]
    officials += [u for us in nation.secretariat.values() for u in us]
    for i in range(total):
        if i < big:
            user = big_inbox_user
        elif rng.random() < 0.3 and officials:
            user = rng.choice(officials)
        else:
            user = rng.choice(nation.users)
        verb, category, title = rng.choice(words.NOTIFICATION_TITLES)
        created = now - timedelta(days=skewed_ago(rng, 365 * YEARS) + 0.01)
        pid = rng.choice(ids) if ids else None
        read = created + timedelta(hours=rng.uniform(1, 200)) if rng.random() < 0.7 else None
        if read and read >= now:
            read = None
        table.add(
            table.new_id(), user, verb, category,
            title.format(t=fill(rng.choice(words.TITLES["ru"]), rng))[:255], "",
            f"/proposals/{pid}/" if pid else "", "none", created, read,
        )  # fmt: skip
