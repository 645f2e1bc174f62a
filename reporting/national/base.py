"""Sizes, the seeded randomness and the nation as loaded back from the database.

Each phase draws from its own RNG (`seed:phase`), so a phase run again on its own (after the
structure exists) produces the same rows as in a full run.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from reporting.national import words

# Full-scale sizes (scale 1), from the ministry's and the figures.
FULL = {
    "forums": 2000,
    "lcpcs": 553,
    "lcpc_members": 12_611,
    "users": 500_000,
    "memberships": 549_600,
    "proposals": 200_000,
    "responses": 100_000,
    "notifications": 1_500_000,
    "rounds": 1000,
    "poll_answers": 2_000_000,
    "problems": 5000,
    "meetings": 30_000,
    "long_timelines": 20,
    "reporting_councils": 3,
}
YEARS = 10
DOMAIN = "national.openplatforms.kg"
DEMO_PASSWORD = "open-platforms-national"
# Regions where forums also write in Uzbek.
UZBEK_REGIONS = ("KG-O", "KG-J", "KG-B", "KG-GO")


@dataclass(frozen=True)
class Sizes:
    scale: float

    def __getitem__(self, name: str) -> int:
        return max(1, round(FULL[name] * self.scale))


def rng_for(seed: int, phase: str) -> random.Random:
    return random.Random(f"{seed}:{phase}")


def anchor(today: date | None = None) -> datetime:
    """Midnight UTC of the run's day: every generated time is before it, so reruns match."""
    from django.utils import timezone

    return datetime.combine(today or timezone.now().date(), time(), tzinfo=UTC)


def skewed_ago(rng: random.Random, days: int) -> float:
    """Days before now, more of them recent (activity grew over the ten years)."""
    return days * (1 - rng.random() ** 0.6)


def language_of(territory_code: str, rng: random.Random) -> str:
    if territory_code.startswith(UZBEK_REGIONS):
        return rng.choices(("ru", "ky", "uz"), (3, 4, 3))[0]
    return rng.choices(("ru", "ky"), (5, 5))[0]


def fill(template: str, rng: random.Random, village: str = "") -> str:
    return template.format(
        v=village or rng.choice(words.VILLAGES),
        s=rng.choice(words.STREETS),
        n=rng.randint(1, 120),
    )


def text(rng: random.Random, lang: str, n: int) -> str:
    return " ".join(rng.sample(words.SENTENCES[lang], min(n, len(words.SENTENCES[lang]))))


@dataclass
class PlatformRow:
    id: int
    level: str
    kind: str
    parent_id: int | None
    territory_id: int
    code: str
    path: str
    status: str
    response_days: int
    created_at: datetime


@dataclass
class Nation:
    """What later phases need of the structure, read back from the database."""

    national: PlatformRow
    councils: list[PlatformRow]
    forums: list[PlatformRow]
    users: list[int]
    # unit id -> officer user ids; platform territory -> local unit
    officers: dict[int, list[int]] = field(default_factory=dict)
    unit_of_forum: dict[int, int] = field(default_factory=dict)
    district_unit_of_council: dict[int, int] = field(default_factory=dict)
    secretariat: dict[int, list[int]] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Nation":
        from accounts.models import User
        from platforms.models import LiaisonOfficer, Membership, Platform, PoliceUnit

        rows = [
            PlatformRow(**r)
            for r in Platform.objects.order_by("pk").values(
                "id",
                "level",
                "kind",
                "parent_id",
                "territory_id",
                "path",
                "status",
                "response_days",
                "created_at",
                code=models_F("territory__code"),
            )
        ]
        national = next(r for r in rows if r.level == "national")
        nation = cls(
            national=national,
            councils=[r for r in rows if r.level == "district"],
            forums=[r for r in rows if r.level == "community"],
            users=list(
                User.objects.filter(email__endswith="@" + DOMAIN)
                .order_by("pk")
                .values_list("pk", flat=True)
            ),
        )
        for unit_id, user_id in (
            LiaisonOfficer.objects.filter(active=True)
            .order_by("pk")
            .values_list("unit_id", "user_id")
        ):
            nation.officers.setdefault(unit_id, []).append(user_id)
        units = PoliceUnit.objects.order_by("pk").values_list("pk", "kind", "territory_id", "name")
        local_by_name = {name: pk for pk, kind, _t, name in units if kind == "local"}
        district_by_territory = {t: pk for pk, kind, t, _n in units if kind == "district"}
        for council in nation.councils:
            if council.territory_id in district_by_territory:
                nation.district_unit_of_council[council.id] = district_by_territory[
                    council.territory_id
                ]
        for group in local_groups(nation.forums):
            unit = local_by_name.get(local_unit_name(group[0].id))
            for forum in group:
                if unit:
                    nation.unit_of_forum[forum.id] = unit
        current = Membership.objects.current().order_by("pk")
        for platform_id, user_id, role in current.values_list("platform_id", "user_id", "role"):
            target = nation.secretariat if role == "secretariat" else nation.members
            target.setdefault(platform_id, []).append(user_id)
        return nation


def models_F(name):
    from django.db.models import F

    return F(name)


FORUMS_PER_LOCAL_UNIT = 5


def local_groups(forums: list) -> list[list]:
    """Forums of one council in runs of five, in id order: each run has one local department."""
    by_council: dict[int, list] = {}
    for forum in sorted(forums, key=lambda f: f.id):
        by_council.setdefault(forum.parent_id, []).append(forum)
    return [
        run[i : i + FORUMS_PER_LOCAL_UNIT]
        for _council, run in sorted(by_council.items())
        for i in range(0, len(run), FORUMS_PER_LOCAL_UNIT)
    ]


def local_unit_name(forum_id: int) -> str:
    """Local police departments are named after the first forum they cover (found again later)."""
    return f"Local police department no. {forum_id}"
