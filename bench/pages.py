"""The pages the benchmark drives and the query-flatness test checks, chosen from the data.

`page_list()` picks the heaviest real examples in the current database (the council with the
most forums below, the proposal with the longest timeline, the demo liaison officer's
dashboard…), in a few cheap queries, so the same list works on a small test database and on
the national one. Run directly, it prints each page's median time and SQL queries in-process:

    .venv/bin/python bench/pages.py [repeats]
"""

import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

LIAISON_EMAIL = "liaison@national.openplatforms.kg"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    # "liaison": signed in as the demo liaison officer (session cookie); "" anonymous
    user: str = ""
    # 1 for pages that a person runs one at a time (the whole-tracker export)
    concurrency: int | None = None


def liaison_user():
    from accounts.models import User
    from platforms.models import LiaisonOfficer

    user = User.objects.filter(email=LIAISON_EMAIL).first()
    if user is None:  # not generated data: any head of a district department
        post = (
            LiaisonOfficer.objects.filter(active=True, unit__kind="district")
            .order_by("position", "pk")
            .select_related("user")
            .first()
        )
        user = post.user if post else None
    return user


def page_list() -> list[Page]:
    from django.urls import reverse

    from assessments.models import Subject
    from forums.models import Proposal
    from platforms.models import Platform
    from reporting.models import AnnualReport

    national = Platform.objects.get(level="national")
    council = (
        Platform.objects.filter(level="district")
        .annotate(n=Count("children"))
        .order_by("-n", "pk")
        .first()
    )
    forum = (
        Platform.objects.filter(level="community", status="active")
        .annotate(n=Count("proposals"))
        .order_by("-n", "pk")
        .first()
    )
    # a forum of typical size for the CSV export (the example had 533 proposals): the
    # busiest forum's 24,000 rows are timed by "CSV export, busiest forum" in-process
    typical = (
        Platform.objects.filter(level="community", status="active")
        .annotate(n=Count("proposals"))
        .filter(n__lte=600)
        .order_by("-n", "pk")
        .first()
    ) or forum
    # the longest timeline among the most-commented proposals (the generator gives its long
    # timelines 20-60 comments), without grouping the whole events table
    candidates = (
        Proposal.objects.public()
        .annotate(c=Count("comments"))
        .filter(c__gte=1)
        .order_by("-c", "pk")
        .values_list("pk", flat=True)[:20]
    )
    busy = (
        Proposal.objects.filter(pk__in=list(candidates))
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    ) or Proposal.objects.public().order_by("pk").first()
    scored = (
        Subject.objects.filter(round__state="published", officer__isnull=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .first()
    )
    report = (
        AnnualReport.objects.filter(platform=national, status__in=AnnualReport.PUBLIC_STATUSES)
        .order_by("-year")
        .first()
    )
    pages = [
        Page("home", "/"),
        Page("directory", reverse("platforms:directory")),
        Page("council page", council.get_absolute_url()),
        Page("forum page", forum.get_absolute_url()),
        Page("national council page", national.get_absolute_url()),
        Page("membership history", reverse("platforms:history", args=[forum.slug])),
        Page("tracker", reverse("forums:tracker")),
        Page("tracker filtered", reverse("forums:tracker") + "?state=submitted&category=youth"),
        Page("tracker searched", reverse("forums:tracker") + "?q=%D0%BA%D1%80%D0%B0%D0%B6%D0%B0"),
        Page("proposal, long timeline", busy.get_absolute_url()),
        Page("liaison dashboard", reverse("forums:liaison"), user="liaison"),
        Page("notifications", reverse("accounts:notifications"), user="liaison"),
        Page("statistics", reverse("reporting:statistics")),
        Page("API proposals", "/api/v1/proposals/"),
        Page("API platforms", "/api/v1/platforms/"),
        # signed in: over exports.ANONYMOUS_ROWS rows an anonymous visitor is sent to sign in
        Page(
            "CSV export, one forum",
            reverse("forums:export") + f"?platform={typical.slug}",
            user="liaison",
        ),
        Page(
            "CSV export, busiest forum",
            reverse("forums:export") + f"?platform={forum.slug}",
            user="liaison",
            concurrency=1,
        ),
        Page("CSV export, whole tracker", reverse("forums:export"), user="liaison", concurrency=1),
    ]
    if scored:
        pages.insert(
            12, Page("scorecard", reverse("assessments:scorecard", args=[scored["unit_id"]]))
        )
    if report:
        pages.insert(
            13,
            Page(
                "national annual report",
                reverse("reporting:report", args=[national.slug, report.year]),
            ),
        )
    return pages


def client_for(page: Page, clients: dict):
    """A test client per user kind, the liaison signed in with the second factor checked."""
    from django.test import Client

    if page.user not in clients:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        if page.user == "liaison":
            from platforms.mfa import SESSION_KEY

            user = liaison_user()
            client.force_login(user)
            session = client.session
            session[SESSION_KEY] = user.pk
            session.save()
        clients[page.user] = client
    return clients[page.user]


def query_count(page: Page, clients: dict) -> tuple[int, int, int]:
    """(status, SQL queries, bytes) of one in-process request, streamed bodies read through."""
    client = client_for(page, clients)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(ctx.captured_queries), len(body)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    clients: dict = {}
    print(f"{'page':32} {'median ms':>9} {'queries':>7} {'bytes':>9}  url")
    for page in page_list():
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            status, queries, size = query_count(page, clients)
            timings.append((time.perf_counter() - started) * 1000)
        flag = "" if status == 200 else f"  [{status}]"
        print(
            f"{page.name:32} {statistics.median(timings):9.1f} {queries:7d} {size:9d}  "
            f"{page.url}{flag}"
        )


if __name__ == "__main__":
    main()
