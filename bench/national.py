"""Grow the demo database to national scale and time the proposal pages.

    DEBUG=1 .venv/bin/python bench/national.py [proposals] [repeats]

Adds `proposals` proposals (default 20000) spread over every community forum, with three
timeline events and one answer each, written with bulk_create; then prints median
milliseconds and query counts of the tracker, a proposal page and a liaison dashboard.
Numbers only; nothing is asserted.
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.pages import measure  # noqa: E402
from forums.models import Category, PoliceResponse, Proposal, ProposalEvent  # noqa: E402
from platforms.models import LiaisonOfficer, Platform, PoliceUnit  # noqa: E402


def grow(n: int) -> float:
    started = time.perf_counter()
    rng = random.Random(7)
    forums = list(Platform.objects.filter(level="community", status="active"))
    units = {u.territory_id: u for u in PoliceUnit.objects.filter(kind="local")}
    author = User.objects.order_by("pk").first()
    now = timezone.now()
    states = ["submitted", "on_agenda", "adopted", "rejected", "registered", "resolved"]
    with transaction.atomic():
        proposals = Proposal.objects.bulk_create(
            Proposal(
                title=f"Bench proposal {i}",
                body="Street lighting and patrols " * 5,
                category=rng.choice(Category.values),
                origin=f,
                platform=f,
                police_unit=units.get(f.territory_id),
                author=author,
                state=rng.choice(states),
                submitted_at=now,
                response_due=timezone.localdate(),
            )
            for i, f in ((i, rng.choice(forums)) for i in range(n))
        )
        ProposalEvent.objects.bulk_create(
            ProposalEvent(
                proposal=p,
                kind=k,
                new_state=p.state,
                platform_id=p.platform_id,
                actor=author,
                actor_role="member",
            )
            for p in proposals
            for k in ("created", "submitted", "agenda")
        )
        PoliceResponse.objects.bulk_create(
            PoliceResponse(
                proposal=p,
                unit=p.police_unit,
                author=author,
                status="acknowledged",
                text="Received",
                published_at=now,
            )
            for p in proposals
            if p.police_unit_id
        )
    return time.perf_counter() - started


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print(
        f"grew {n} proposals in {grow(n):.1f}s; {Proposal.objects.count()} in all, "
        f"{ProposalEvent.objects.count()} events"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    busy = Proposal.objects.order_by("-pk").first()
    urls = [
        "/proposals/",
        "/proposals/?state=submitted&category=youth",
        "/proposals/?q=lighting",
        "/proposals/?overdue=1",
        busy.get_absolute_url(),
    ]
    print(f"{'page':50} {'median ms':>9} {'queries':>7} {'bytes':>7}")
    for url in urls:
        ms, queries, size = measure(client, url, repeats)
        print(f"{url:50} {ms:9.1f} {queries:7d} {size:7d}")
    head = (
        LiaisonOfficer.objects.filter(position="head", active=True).select_related("user").first()
    )
    client.force_login(head.user)
    ms, queries, size = measure(client, "/liaison/", repeats)
    print(f"{'/liaison/ (district head)':50} {ms:9.1f} {queries:7d} {size:7d}")


if __name__ == "__main__":
    main()
