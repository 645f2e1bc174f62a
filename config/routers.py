"""Reads of public pages and of the open data API from a PostgreSQL read replica.

With `DATABASE_REPLICA_URL` set, settings add a `replica` database and this router. A request
may read from the replica only when nothing in it can depend on a write the replica has not
replayed yet; ReplicaReadMiddleware decides that before any view runs:

- the method is safe (GET, HEAD, OPTIONS), and
- it is the API (no sessions, no accounts: always anonymous), or a visitor without a session
  cookie (nobody signed in, nothing of theirs just written), outside the admin and accounts.

Everything else reads from the primary: signed-in people always see their own writes, and the
sessions, messages and rate-limit rows are never read from a copy. Once anything in a request
writes, the rest of that request reads from the primary too. Celery tasks and management
commands never set the flag, so they read from the primary.
"""

from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# never read from a copy: a just-written session or lock must be seen at once
PRIMARY_ONLY_APPS = {"sessions", "account", "mfa", "admin", "contenttypes"}

_read_replica: ContextVar[bool] = ContextVar("read_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads to the replica while the request's flag is up; every write to the primary."""

    def db_for_read(self, model, **hints):
        if _read_replica.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        # a write lowers the flag: the rest of the request reads what it wrote
        _read_replica.set(False)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary by replication


def may_read_replica(request) -> bool:
    """Whether nothing in this request can need a write the replica may not have yet."""
    if request.method not in SAFE_METHODS:
        return False
    path = request.path_info
    if path.startswith("/api/"):
        return True
    if path.startswith(("/admin/", "/accounts/", "/me/")):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class replica_reads:  # noqa: N801 (used like a function)
    """Within the block, reads go to the replica (when one is configured)."""

    def __init__(self, allowed: bool = True):
        self.allowed = allowed and replica_configured()

    def __enter__(self):
        self.token = _read_replica.set(self.allowed)
        return self

    def __exit__(self, *exc):
        _read_replica.reset(self.token)


def _streamed(content: Iterator, allowed: bool) -> Iterator:
    # A streamed CSV is produced after the view returns: keep the request's choice while it is.
    with replica_reads(allowed):
        yield from content


class ReplicaReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = may_read_replica(request)
        with replica_reads(allowed):
            response = self.get_response(request)
        if getattr(response, "streaming", False) and allowed and replica_configured():
            response.streaming_content = _streamed(response.streaming_content, allowed)
        return response
