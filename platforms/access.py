"""A user's roles loaded once per request: every check in permissions.py reads this snapshot.

The snapshot holds the user's open memberships (current roles, and requests still waiting) and
their active liaison posts, each list loaded by one query on first use. It reads the truth
(memberships and posts), not guardian's grants, so a check never depends on the cache being
fresh. A person holds a handful of memberships and posts, so loading all of them costs the same
as loading those of one platform and its ancestors, and serves every platform on the page.

Inside a request the snapshot is attached to `request.user` by `AccessMiddleware`; anywhere
else (services called from tasks, shells, tests) `Access.of(user)` builds a fresh one, so a
role changed a moment ago is always seen. A role change in the same process (`roles_sync`)
bumps a counter that makes attached snapshots reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from platforms.models import LiaisonOfficer, Membership, Platform, PoliceUnit

_ROLES_VERSION = [0]


def roles_changed() -> None:
    """Called by roles_sync: snapshots loaded before this reload on their next use."""
    _ROLES_VERSION[0] += 1


@dataclass(frozen=True)
class Held:
    """One open membership, as much of it as the checks need."""

    platform_id: int
    platform_path: str
    platform_status: str
    platform_territory_id: int
    role: str
    party: str
    status: str
    term_start: date | None
    term_end: date | None
    delegated_from_id: int | None

    def is_current(self, on: date) -> bool:
        """The same rule as MembershipQuerySet.current()."""
        return (
            self.status == Membership.Status.ACTIVE
            and (self.term_start is None or self.term_start <= on)
            and (self.term_end is None or self.term_end >= on)
        )


@dataclass(frozen=True)
class Post:
    """One active liaison post."""

    unit_id: int
    unit_path: str
    unit_territory_id: int
    position: str


class Access:
    """What one user holds, loaded lazily, at most one query per kind."""

    def __init__(self, user):
        self.user = user
        self._held: list[Held] | None = None
        self._posts: list[Post] | None = None
        self._version = _ROLES_VERSION[0]
        self.today = timezone.localdate()

    @classmethod
    def of(cls, user) -> Access:
        """The snapshot attached to this user by the request, else a fresh one."""
        access = getattr(user, "_access", None) if user is not None else None
        if access is None:
            return cls(user)
        if access._version != _ROLES_VERSION[0]:
            access._held = access._posts = None
            access._version = _ROLES_VERSION[0]
        return access

    @classmethod
    def for_request(cls, request) -> Access:
        """The request's snapshot, attached to request.user so every check finds it."""
        user = request.user
        if not user.is_authenticated:
            return cls(user)
        if getattr(user, "_access", None) is None:
            user._access = cls(user)
        return cls.of(user)

    @property
    def signed_in(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_active)

    @property
    def is_sysadmin(self) -> bool:
        return self.signed_in and self.user.is_superuser

    # -- memberships ---------------------------------------------------------------------
    @property
    def held(self) -> list[Held]:
        """Open memberships: active ones (current or not) and requests still waiting."""
        if self._held is None:
            if not self.signed_in:
                self._held = []
            else:
                rows = (
                    Membership.objects.filter(
                        user_id=self.user.pk,
                        status__in=[Membership.Status.ACTIVE, Membership.Status.REQUESTED],
                    )
                    .order_by("pk")
                    .values_list(
                        "platform_id",
                        "platform__path",
                        "platform__status",
                        "platform__territory_id",
                        "role",
                        "party",
                        "status",
                        "term_start",
                        "term_end",
                        "delegated_from_id",
                    )
                )
                self._held = [Held(*row) for row in rows]
        return self._held

    def current(self, platform: Platform | int | None = None) -> list[Held]:
        """Current memberships, all or on one platform."""
        pk = getattr(platform, "pk", platform)
        return [
            h for h in self.held if h.is_current(self.today) and (pk is None or h.platform_id == pk)
        ]

    def roles_on(self, platform: Platform | int) -> frozenset[str]:
        return frozenset(h.role for h in self.current(platform))

    def has_open_membership(self, platform: Platform) -> bool:
        """An active membership (in term or not) or a waiting request on the platform."""
        return any(h.platform_id == platform.pk for h in self.held)

    def requested(self, platform: Platform) -> bool:
        return any(
            h.platform_id == platform.pk and h.status == Membership.Status.REQUESTED
            for h in self.held
        )

    def has_lsg_membership(self) -> bool:
        from platforms.models import Party

        return any(h.party in (Party.LSG, Party.LOCAL_ADMIN) for h in self.current())

    # -- liaison posts -------------------------------------------------------------------
    @property
    def posts(self) -> list[Post]:
        if self._posts is None:
            if not self.signed_in:
                self._posts = []
            else:
                rows = (
                    LiaisonOfficer.objects.filter(user_id=self.user.pk, active=True)
                    .order_by("pk")
                    .values_list("unit_id", "unit__path", "unit__territory_id", "position")
                )
                self._posts = [Post(*row) for row in rows]
        return self._posts

    def answers_for(self, unit: PoliceUnit) -> bool:
        """A post at the unit or at a unit above it."""
        return any(unit.path.startswith(p.unit_path) for p in self.posts)

    def heads(self, unit: PoliceUnit) -> bool:
        """A head's post at the unit or at a unit above it."""
        return any(
            p.position == LiaisonOfficer.Position.HEAD and unit.path.startswith(p.unit_path)
            for p in self.posts
        )


class AccessMiddleware:
    """Attach one Access snapshot to the signed-in user of each request (after auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth.middleware import get_user
        from django.utils.functional import SimpleLazyObject

        def load():
            # the same user object AuthenticationMiddleware loads (cached on the request)
            user = get_user(request)
            if user.is_authenticated and getattr(user, "_access", None) is None:
                user._access = Access(user)
            return user

        request.user = SimpleLazyObject(load)
        return self.get_response(request)
