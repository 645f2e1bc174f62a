"""Public pages for anonymous visitors, cached in Redis and invalidated on every change.

At national scale most requests are anonymous visitors reading the same public pages (the
directory, a council's page, the tracker, a proposal, a published report). Their HTML is the
same for every anonymous visitor in one language, so it is rendered once and kept in the shared
cache under a **generation**: one counter that every save or delete of a portal record bumps
(`bump_on_change`, connected in `AccountsConfig.ready`), so the next visitor after any change
gets a freshly rendered page. Nothing is kept in the web process.

- Only anonymous GETs without pending messages are served from or stored in the cache; signed-in
  people always get a page rendered for them.
- The CSRF token in the page (the language switcher's form) is stored as a placeholder and a
  fresh token for this visitor is put in on the way out, so a cached page never carries another
  visitor's token.
- The generation is bumped at once and again after the transaction commits: a reader that
  rendered the old rows between the two bumps stored them under a generation nobody reads.
- `QuerySet.update()` and raw SQL send no signal. Every state change in the portal also writes a
  history row (a save), which bumps; the rest (reminder marks, counters beside a saved row) rides
  on the save next to it. `PAGE_CACHE_SECONDS` bounds what is left, and time-dependent text
  ("overdue", "3 days ago"), to a few minutes.
"""

import functools
import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
PLACEHOLDER = b"__op_csrf_token__"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
# Headers a cached page keeps (the rest are set again by the middleware on every response).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Link")
MAX_PATH = 512
# Models whose saves do not change any public page: per-person inboxes, the mail queue, job
# progress. Named "app_label.ModelName".
NOT_PUBLIC = {
    "accounts.Notification",
    "accounts.OutboxMessage",
    "accounts.NotificationPreference",
    "platforms.ImportJob",
}
PUBLIC_APPS = {"accounts", "platforms", "forums", "assessments", "reporting", "guardian"}
# Saves whose only public effect is a number: a proposal's supporters, a poll's responses. In a
# poll campaign they come every few seconds, and a new generation for each would keep every page
# in the country uncached. They start one at most every PAGE_CACHE_TALLY_SECONDS; one in between
# leaves a mark that the first request after the window turns into a new generation, so a count
# on an anonymous page is at most about that long behind.
TALLIES = {"forums.Supporter", "assessments.PollAnswer", "assessments.PollParticipation"}
TALLY_WINDOW_KEY = "pagecache:tally-window"
TALLY_PENDING_KEY = "pagecache:tally-pending"


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def enabled() -> bool:
    return seconds() > 0


def tally_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_TALLY_SECONDS", 60)


def generation() -> int:
    found = cache.get_many([GENERATION_KEY, TALLY_PENDING_KEY])  # one round trip
    if TALLY_PENDING_KEY in found and _tally_window_opens():
        cache.delete(TALLY_PENDING_KEY)
        return bump()
    value = found.get(GENERATION_KEY)
    if value is None:
        value = bump()
    return value


def _tally_window_opens() -> bool:
    return cache.add(TALLY_WINDOW_KEY, 1, tally_seconds())


def tally_changed() -> None:
    """A tally changed (after its commit): a new generation now, or at the window's end."""
    if _tally_window_opens():
        bump()
    else:
        cache.set(TALLY_PENDING_KEY, 1, None)


def bump(**_ignored) -> int:
    """Start a new generation: every cached page is stale at once."""
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # evicted or never set: start past any generation used before
        value = time.time_ns() // 1000
        cache.set(GENERATION_KEY, value, None)
        return value


def bump_on_change(sender, **kwargs) -> None:
    """post_save / post_delete / m2m_changed receiver for every model: bumps for portal records."""
    meta = sender._meta
    if meta.app_label not in PUBLIC_APPS or f"{meta.app_label}.{meta.object_name}" in NOT_PUBLIC:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing anyone else sees
    from django.db import transaction

    if f"{meta.app_label}.{meta.object_name}" in TALLIES:
        transaction.on_commit(tally_changed)
        return
    bump()
    transaction.on_commit(bump)


def _key(request) -> str | None:
    path = request.get_full_path()
    if len(path) > MAX_PATH:
        return None
    digest = hashlib.blake2b(f"{request.get_host()}|{path}".encode(), digest_size=16).hexdigest()
    return f"pagecache:{generation()}:{get_language()}:{digest}"


def _key_for(request, *, same_for_everyone: bool = False) -> str | None:
    """The cache key of this request's answer, or None when it is not to be cached."""
    return _key(request) if _cacheable_request(request, same_for_everyone) else None


def _cacheable_request(request, same_for_everyone: bool = False) -> bool:
    if request.method != "GET" or not enabled():
        return False
    user = getattr(request, "user", None)  # the API authenticates nobody: None
    if not same_for_everyone and user is not None and user.is_authenticated:
        return False
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and "_messages" in session)


def _serve(request, stored) -> HttpResponse:
    status, headers, body = stored
    if PLACEHOLDER in body:
        body = body.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _store(key, response) -> None:
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
    ):
        return
    body = CSRF_INPUT.sub(rb"\1" + PLACEHOLDER + rb"\2", response.content)
    headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
    cache.set(key, (response.status_code, headers, body), seconds())


def cached_value(request, build, *, same_for_everyone: bool = False):
    """For an anonymous GET, the value `build()` returned for this address in this generation
    (the open data API keeps its serialized lists here); otherwise `build()` itself.

    `same_for_everyone`: what `build()` returns does not depend on who asks (a public
    download), so signed-in people share it too."""
    key = _key_for(request, same_for_everyone=same_for_everyone)
    if key is None:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds())
    return value


def public_page(view):
    """Serve an anonymous visitor's GET from the cache, rendering and storing it on a miss."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key_for(request)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            response = _serve(request, stored)
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        _store(key, response)
        patch_vary_headers(response, ("Cookie",))
        response["X-Page-Cache"] = "miss"
        return response

    return wrapper


def rendered_rows(template_name: str, rows, *, shows, context: dict | None = None) -> list[str]:
    """Each row rendered by `template_name` (as `p`), kept in the cache under what it shows.

    For signed-in lists that are the same rows page after page (the liaison queue): the key is
    made of `shows(row)`, every value the row's HTML depends on, with the language and the
    minute (relative times such as "3 hours ago"), so a changed row is a new key and nothing
    needs invalidating; unchanged rows come from one `get_many` instead of being rendered.
    """
    if not rows:
        return []
    stamp = f"{get_language()}:{timezone.now():%Y%m%d%H%M}"
    keys = [
        "rows:"
        + hashlib.blake2b(
            repr((template_name, stamp, shows(row))).encode(), digest_size=16
        ).hexdigest()
        for row in rows
    ]
    found = cache.get_many(keys) if enabled() else {}
    template = get_template(template_name)
    html, missing = [], {}
    for key, row in zip(keys, rows, strict=True):
        fragment = found.get(key)
        if fragment is None:
            fragment = missing[key] = str(template.render({**(context or {}), "p": row}))
        # our own template's output, escaped when it was rendered
        html.append(mark_safe(fragment))  # noqa: S308 # nosec B308 B703
    if missing and enabled():
        cache.set_many(missing, seconds())
    return html
