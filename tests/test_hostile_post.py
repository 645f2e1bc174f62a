"""Hostile input posted into every form of every app, and fed to every API endpoint.

The forms are the rows of the permissions matrix (tests/support/permissions_table.py): each is
posted by an actor allowed to use it, once per field and hostile value, the other fields valid.
Expected: a 4xx or a page with a validation message, never a 500, and nothing done to another
platform's objects. The API endpoints are enumerated from the URL resolver, so a new endpoint is
covered the day it is added.
"""

import itertools

import pytest
from django.db import transaction
from django.test import Client

from forums.models import Meeting, Proposal
from platforms.models import Membership, ThematicGroup
from tests.support import matrix_world
from tests.support.permissions_table import ACTOR_KEYS, TABLE

pytestmark = pytest.mark.django_db

CASES = matrix_world.all_cases()

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "' OR '1'='1'; DROP TABLE forums_proposal; --",
    "\u202eevil\u202c \u200b\u200d\ufeff",
    "👮\u200d♀️🚨" * 20,
    "x" * 10_000,
    "a\x00b",
    "",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-Infinity",
    "١٢٣",
    ["1", "2"],  # a list where one value is expected
]
COUNTS = {"tried": 0, "errors": 0}


def _actor_for(row) -> str:
    """The first actor (in table order) the row allows: the one whose form it is."""
    return next(k for k in ACTOR_KEYS if k in row.allowed and k != "anonymous")


def _other_platform_state(w):
    """What another platform holds: none of it may change through this platform's forms."""
    return (
        list(Membership.objects.filter(platform=w.other).values_list("pk", "status", "role")),
        list(Proposal.objects.filter(platform=w.other).values_list("pk", "state")),
        Meeting.objects.filter(platform=w.other).count(),
        ThematicGroup.objects.filter(platform=w.other).count(),
    )


def _foreign_ids(w) -> list:
    """Ids of objects that belong to another platform, for every id-like field."""
    return [w.other.pk, w.foreign_proposal.pk, w.foreign_membership.pk, w.foreign_group.pk]


@pytest.fixture
def world(settings):
    from platforms.models import Party

    w = matrix_world.build()
    other_member = matrix_world.grant(w.other, party=Party.CITIZEN)
    from forums import services
    from platforms.services import group_create

    w.objects["foreign_proposal"] = services.proposal_create(
        platform=w.other,
        author=other_member,
        title="Elsewhere",
        body="Another district's matter",
        category="other",
        submit=True,
    )
    w.objects["foreign_membership"] = Membership.objects.get(platform=w.other, user=other_member)
    w.objects["foreign_group"] = group_create(
        platform=w.other, actor=w.actors["sysadmin"], name="Batken group", description=""
    )
    return w


def _post(w, client, url, data):
    with transaction.atomic():
        before = _other_platform_state(w)
        response = client.post(url, data)
        after = _other_platform_state(w)
        transaction.set_rollback(True)
    return response, before != after


@pytest.mark.parametrize("app", sorted({r.app for r in TABLE}))
def test_hostile_values_in_every_form_field(world, app):
    """Every field of every form, each hostile value: never a 500, never another platform's
    objects changed."""
    failures = []
    for row in TABLE:
        if row.app != app:
            continue
        case = CASES[row.key]
        # a server error is counted and reported, not raised, so one run lists them all
        client = Client(raise_request_exception=False)
        client.force_login(world.actors[_actor_for(row)])
        url = case.url(world)
        valid = case.data(world)
        fields = list(valid) or ["q"]
        for name in fields:
            values = list(HOSTILE)
            if name in ("action", "save_as"):
                values = values[:4] + ["delete", "screen_out"]
            if isinstance(valid.get(name), int | list) or name.endswith(("pk", "_id")):
                values += _foreign_ids(world)
            for value in values:
                COUNTS["tried"] += 1
                response, foreign_changed = _post(world, client, url, {**valid, name: value})
                where = f"{row.key} {name}={str(value)[:40]!r}"
                if response.status_code >= 500:
                    COUNTS["errors"] += 1
                    failures.append(f"{where}: {response.status_code}")
                if foreign_changed:
                    failures.append(f"{where}: changed another platform's objects")
    print(f"\n{app}: {COUNTS['tried']} hostile posts so far, {COUNTS['errors']} server errors")
    assert not failures, "\n".join(failures)


def _api_routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and getattr(p.callback, "actions", None):
                yield prefix + str(p.pattern), p.callback

    return [
        (route, cb)
        for route, cb in walk(get_resolver(), "")
        if route.startswith("api/") and "format" not in route
    ]


def _api_url(route: str, ident: str) -> str:
    import re

    path = route.replace("^", "").replace("$", "")
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", ident, path)


def _filter_params(callback) -> list[str]:
    cls = callback.cls
    names = {"page", "cursor", "page_size", "limit", "offset", "ordering", "search", "format"}
    filterset = getattr(cls, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    names |= set(getattr(cls, "filterset_fields", None) or [])
    return sorted(names)


def test_hostile_query_parameters_and_ids_on_every_api_endpoint(world):
    """Each endpoint's filters and ids get the corpus: a 4xx or a valid answer, never a 500."""
    routes = _api_routes()
    assert routes, "no API endpoints found"
    client = Client(raise_request_exception=False)
    failures = []
    tried = 0
    for route, callback in routes:
        if "(?P<" in route:
            for ident in ("-1", "0", "99999999999999999999", "abc", "%00", "1%20OR%201=1"):
                url = _api_url(route, ident)
                tried += 1
                status = client.get(url).status_code
                if status >= 500:
                    failures.append(f"{url}: {status}")
            continue
        url = _api_url(route, "")
        for param, value in itertools.product(_filter_params(callback), HOSTILE):
            tried += 1
            status = client.get(url, {param: value}).status_code
            if status >= 500:
                failures.append(f"{url}?{param}={str(value)[:40]!r}: {status}")
    print(f"\nAPI: {tried} hostile requests, {len(failures)} server errors")
    assert not failures, "\n".join(failures)
