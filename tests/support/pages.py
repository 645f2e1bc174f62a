"""Every page of the journeys, found the way a person finds them: by following links.

The demo (seed_demo) holds every kind of record the journeys make: forums, proposals with
responses, meetings with minutes, decisions, assessment rounds with polls, plans and reports.
Starting from each role's own pages, a crawl follows the links in the page (GET only) and keeps
one or two pages per view, so a page added later is covered without editing a list here.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import Resolver404, resolve

from accounts.models import User

# Files, downloads, the admin, the API and actions reached by GET that are not pages.
SKIP = re.compile(
    r"^/(admin|api|static|media|i18n|healthz|favicon)"
    r"|\.(csv|xlsx|json|pdf|ics|txt|xml)$"
    r"|^/attachments/|^/meeting-files/|^/accounts/(logout|confirm-email|password/reset/key)/"
)
SEEDS = [
    "/",
    "/my/",
    "/liaison/",
    "/liaison/templates/",
    "/me/profile/",
    "/me/notifications/",
    "/me/notifications/settings/",
    "/platforms/register/",
    "/proposals/raise/",
    "/reports/statistics/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def demo_roles(stdout=None) -> dict[str, User]:
    """Seed the demo and return its account for each role, plus None for the anonymous visitor."""
    from assessments.defaults import frameworks_load
    from assessments.models import Framework

    if not Framework.objects.exists():  # shipped by a migration, gone after a flush
        frameworks_load()
    out = io.StringIO()
    # notifications are worded for their readers when made, in the site's default language for
    # those who chose none: Russian, as in production (the test profile's default is English)
    with override_settings(LANGUAGE_CODE="ru"):
        call_command("seed_demo", stdout=out)
    printed = dict(
        re.findall(r"^  ([a-z-]+) +(\S+@demo\.openplatforms\.kg)\b", out.getvalue(), re.M)
    )
    roles = {"anonymous": None}
    roles.update({role: User.objects.get(email=email) for role, email in printed.items()})
    return roles


def view_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def crawl(client, *, per_view=1, limit=120, seeds=SEEDS) -> list[str]:
    """Paths of the pages this client reaches from the seeds: at most `per_view` per view."""
    queue = list(seeds)
    seen_paths: set[str] = set()
    kept: dict[str, int] = {}
    pages = []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        view = view_of(urlsplit(path).path)
        if view is None or kept.get(view, 0) >= per_view:
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        kept[view] = kept.get(view, 0) + 1
        pages.append(path)
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            href, _ = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path):
                continue
            # one query string per view is enough: filters and pages render the same template
            if parts.query and any(p.startswith(parts.path + "?") for p in seen_paths | set(queue)):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen_paths:
                queue.append(target)
    return pages


# The roles with the most on their pages first, so that a page shared by several roles is
# checked as the one who sees the most buttons; the anonymous visitor last, for the sign-in
# and sign-up pages that everyone else is sent past.
ROLE_ORDER = [
    "secretariat",
    "council-secretariat",
    "national-secretariat",
    "platform-admin",
    "liaison",
    "unit-head",
    "inspector",
    "member",
    "citizen",
    "district-lsg",
    "aimak-lsg",
    "sysadmin",
    "anonymous",
]


def pages_by_role(roles, *, lang="ky", order=ROLE_ORDER, limit=60) -> dict[str, list[str]]:
    """Each role's pages, a path already reached by an earlier role left out."""
    from django.conf import settings
    from django.test import Client

    seen: set[str] = set()
    out = {}
    for role in order:
        if role not in roles:
            continue
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        if roles[role] is not None:
            client.force_login(roles[role])
        paths = [p for p in crawl(client, per_view=1, limit=limit) if p not in seen]
        seen.update(paths)
        out[role] = paths
    return out
