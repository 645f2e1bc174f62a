"""The permissions matrix: every actor against every data-changing action, through the real URLs.

tests/support/permissions_table.py says who is allowed; this module says, per row, which URL is
posted with which valid data and which probe tells whether anything changed. One world is built
per row; each actor then runs in a savepoint that is rolled back, so every actor meets the same
state. A cell passes when an allowed actor gets a 200/302 and the probe changed, and a refused
actor gets a 403, a 404, a redirect to sign in (anonymous) or a message, with nothing changed.

Officials pass the second-factor check the way they would in production: OFFICIALS_REQUIRE_MFA
is on and each official has activated a TOTP authenticator with allauth's own helper; one test
shows an official without it is refused.
"""

import itertools
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.support import matrix_world
from tests.support.permissions_table import ACTOR_KEYS, TABLE, rows_by_key

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


CASES = matrix_world.all_cases()


@pytest.fixture
def world(settings):
    settings.OFFICIALS_REQUIRE_MFA = True
    w = matrix_world.build()
    for user in w.officials():
        TOTP.activate(user, generate_totp_secret())
    return w


def _outcome(response) -> str:
    if response.status_code >= 500:
        return "error"
    if response.status_code == 302 and response["Location"].startswith(LOGIN):
        return "login"
    if response.status_code == 302 and "/accounts/2fa/" in response["Location"]:
        return "mfa"
    if response.status_code in (400, 403, 404, 405):
        return "refused"
    return "ok"


def _run_cell(world, case, actor: str, method: str):
    """One actor, one request, inside a savepoint rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        user = world.actors[actor]
        if user is not None:
            client.force_login(user)
        before = case.probe(world)
        url = case.url(world)
        if method == "post":
            response = client.post(url, case.data(world))
        else:
            response = client.get(url)
        after = case.probe(world)
        transaction.set_rollback(True)
    return _outcome(response), before != after, response


def _check(world, key: str) -> tuple[int, list[str]]:
    row = rows_by_key()[key]
    case = CASES[key]
    failures = []
    cells = 0
    methods = ["post", "get"] if case.get else ["post"]
    for actor, method in itertools.product(ACTOR_KEYS, methods):
        outcome, changed, response = _run_cell(world, case, actor, method)
        cells += 1
        allowed = actor in row.allowed
        where = f"{key} {method.upper()} as {actor}: {response.status_code}"
        if outcome == "error":
            failures.append(f"{where} server error")
        elif method == "post" and allowed and not (outcome == "ok" and changed):
            failures.append(f"{where} should act (changed={changed}, {outcome})")
        elif method == "post" and not allowed and changed:
            failures.append(f"{where} should be refused but changed data")
        elif method == "get" and allowed and response.status_code != 200:
            failures.append(f"{where} should see the form")
        elif method == "get" and not allowed and response.status_code == 200:
            failures.append(f"{where} should not see the form")
        elif not allowed and actor == "anonymous" and outcome not in ("login", "refused"):
            failures.append(f"{where} anonymous should be sent to sign in")
    return cells, failures


APPS = sorted({r.app for r in TABLE})
CELLS = {"tested": 0}


@pytest.mark.parametrize("app", APPS)
def test_matrix(world, app):
    """Every actor gets exactly what the table says for each action of the app (GET and POST)."""
    failures = []
    for row in TABLE:
        if row.app == app:
            cells, row_failures = _check(world, row.key)
            CELLS["tested"] += cells
            failures += row_failures
    assert not failures, "\n".join(failures)
    print(f"\n{app}: {CELLS['tested']} matrix cells tested so far")


def test_every_row_has_a_case_and_every_case_a_row():
    assert set(CASES) == set(rows_by_key())


def test_official_without_second_factor_is_refused(world):
    """A secretariat who has not set up an authenticator is sent to set it up; nothing changes."""
    from allauth.mfa.models import Authenticator

    sam = world.actors["secretariat"]
    Authenticator.objects.filter(user=sam).delete()
    case = CASES["group_new"]
    outcome, changed, response = _run_cell(world, case, "secretariat", "post")
    assert outcome == "mfa", response.status_code
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert not changed


def test_the_document_is_what_the_table_renders():
    """docs/permissions.md is generated: `manage.py permissions_doc` rewrites it."""
    from io import StringIO

    out = StringIO()
    call_command("permissions_doc", "--stdout", stdout=out)
    committed = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert committed == out.getvalue(), "run `manage.py permissions_doc` and commit the result"


# Routes that change data but are not rows of the matrix, and why.
EXEMPT_MODULES = {
    "allauth": "sign-in, sign-up, e-mail and MFA: allauth's own views, throttled and tested there",
    "django.contrib.admin": "the Django admin: staff only, behind secure_admin_login",
    "import_export": "admin imports and exports: staff only, inside the admin",
    "platforms.admin_imports": "the LCPC import: an admin page, staff only",
    "django.contrib.contenttypes": "the admin's view-on-site redirect",
}
EXEMPT_ROUTES = {
    "set_language": "i18n: sets the language cookie (and the account's own language); anyone",
    "admin:view_on_site": "the admin's view-on-site redirect",
}
# Data-changing routes whose rows are still to be written, with why; a new route that is in
# neither list (nor the table) fails the test below. Empty: every such route has its rows.
NOT_YET_IN_MATRIX: dict[str, str] = {}


def _routes():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}{p.namespace}:"
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p.callback

    return list(walk(get_resolver(), "", ""))


def _accepts_post(callback) -> bool:
    """A DRF viewset action map, a class-based view's post(), or a function that reads POST."""
    import inspect

    actions = getattr(callback, "actions", None)
    if actions is not None:
        return bool({"post", "put", "patch", "delete"} & set(actions))
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return any(hasattr(view_class, m) for m in ("post", "put", "patch", "delete"))
    func = inspect.unwrap(callback)
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return True
    wrappers = getattr(callback, "__qualname__", "")
    return "POST" in source or "require_POST" in wrappers or "request.method" in source


def test_every_data_changing_url_has_a_row():
    """A URL whose view accepts POST has a row in the table, or an exemption with a reason."""
    covered = {r.url for r in TABLE}
    missing = []
    for route, name, callback in _routes():
        module = getattr(callback, "__module__", "") or ""
        if any(module.startswith(m) for m in EXEMPT_MODULES) or route.startswith("admin/"):
            continue
        if name in EXEMPT_ROUTES or name in NOT_YET_IN_MATRIX or not _accepts_post(callback):
            continue
        if name not in covered:
            missing.append(f"{route} ({name}, {module})")
    assert not missing, "data-changing URLs without a row in the permissions table:\n" + "\n".join(
        missing
    )
