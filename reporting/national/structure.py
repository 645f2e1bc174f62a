"""The structure: users, the three levels of platforms, police units and officers, memberships,
their history and the guardian grants they entitle to (written by the same rules roles_sync
applies, so roles_rebuild finds nothing to change)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformEvent,
    PlatformUserObjectPermission,
    PoliceUnit,
    PoliceUnitUserObjectPermission,
    Territory,
    ThematicGroup,
)
from platforms.roles import RESPOND, ROLE_PERMISSIONS, _permission_ids
from platforms.slugs import slug_base
from reporting.national import words
from reporting.national.base import (
    DEMO_PASSWORD,
    DOMAIN,
    YEARS,
    PlatformRow,
    local_groups,
    local_unit_name,
)

COUNCIL_GROUPS = ["Молодёжь и школы", "Дорожная безопасность", "Бытовое насилие"]
FORUM_PARTIES = (
    ("citizen", 70),
    ("ngo", 8),
    ("lsg", 5),
    ("police", 5),
    ("local_admin", 3),
    ("lcpc", 9),
)
COUNCIL_PARTIES = (("lsg", 25), ("police", 20), ("local_admin", 10), ("ngo", 25), ("lcpc", 20))
NATIONAL_PARTIES = (("authority", 40), ("national_ngo", 60))
STATUSES = (("active", 88), ("ended", 6), ("requested", 4), ("refused", 2))


def _pick(rng, weighted):
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


def _spread(rng, total: int, n: int, skew: float = 1.2) -> list[int]:
    """`total` split over `n` parts with a long tail (a few big forums, many small)."""
    if n == 0:
        return []
    weights = [rng.paretovariate(skew) for _ in range(n)]
    s = sum(weights)
    parts = [int(total * w / s) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % n] += 1
    return parts


def generate(ctx) -> dict:
    rng, w, sizes, now = ctx.rng("structure"), ctx.writer, ctx.sizes, ctx.now
    start = now - timedelta(days=365 * YEARS)
    nation_ct = Territory.objects.get(code="KG")
    council_territories = list(
        Territory.objects.filter(kind__in=Territory.COUNCIL_KINDS).order_by("code")
    )

    # -- users: officials first (posts, secretariats), then everyone else ----------------------
    unusable = make_password(None)
    demo_hash = make_password(DEMO_PASSWORD)
    users = w.table(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined", "display_name", "preferred_language", "gender",
         "birth_year"],
    )  # fmt: skip
    n_users = sizes["users"]
    user_ids = []
    for i in range(n_users):
        uid = users.new_id()
        lang = rng.choices(("ru", "ky", "uz"), (4, 5, 1))[0]
        first, last = rng.choice(words.FIRST_NAMES[lang]), rng.choice(words.LAST_NAMES[lang])
        email = f"user{i:06d}@{DOMAIN}"
        stated = rng.random() < 0.4
        users.add(
            uid, unusable, False, email, first, last, email, False, True,
            start + timedelta(days=rng.random() * 365 * YEARS),
            f"{first} {last[0]}." if rng.random() < 0.3 else "",
            lang if rng.random() < 0.7 else "",
            rng.choice(("female", "male", "female", "male", "unstated")) if stated else "",
            rng.randint(1950, 2008) if stated else None,
        )  # fmt: skip
        user_ids.append(uid)
    pool = iter(user_ids)

    def official():
        return next(pool)

    # -- platforms --------------------------------------------------------------------------
    platforms = w.table(
        Platform,
        ["id", "name", "slug", "level", "parent_id", "territory_id", "kind", "status", "aims",
         "problems", "membership_criteria", "created_by_id", "response_days", "created_at",
         "submitted_at", "activated_at", "return_reason", "path"],
    )  # fmt: skip
    events = w.table(
        PlatformEvent,
        ["id", "platform_id", "membership_id", "unit_id", "post_id", "kind", "old", "new",
         "actor_id", "reason", "at"],
    )  # fmt: skip

    def platform(name, slug, level, parent, territory, kind, status, created, code):
        pid = platforms.new_id()
        path = f"{parent.path if parent else '/'}{pid}/"
        platforms.add(
            pid, name[:200], f"{slug[:100]}-{pid}", level, parent.id if parent else None,
            territory.pk, kind, status,
            "Совместно с милицией и органами МСУ решать проблемы безопасности.", "",
            "Жители и организации территории.", None, 30, created, None,
            created if status in ("active", "closed") else None, "", path,
        )  # fmt: skip
        events.add(events.new_id(), pid, None, None, None, "created", "", status, None, "", created)
        return PlatformRow(pid, level, kind, parent.id if parent else None, territory.pk,
                           code, path, status, 30, created)  # fmt: skip

    national = platform(
        "Национальный совет общественной безопасности", "national-council", "national", None,
        nation_ct, "", "active", start, "KG",
    )  # fmt: skip
    councils = [
        platform(
            f"Совет общественной безопасности: {t.name_ru or t.name_en}",
            f"council-{slug_base(t.name_en)}",
            "district",
            national,
            t,
            "",
            "active",
            start + timedelta(days=rng.randint(0, 700)),
            t.code,
        )  # fmt: skip
        for t in council_territories
    ]
    weights = [{"KG-GB": 60, "KG-GO": 30}.get(c.code, 0) or rng.uniform(8, 30) for c in councils]
    n_forums, n_lcpc = sizes["forums"], sizes["lcpcs"]
    lcpc_flags = [True] * n_lcpc + [False] * (n_forums - n_lcpc)
    rng.shuffle(lcpc_flags)
    forums = []
    counter = 0
    for is_lcpc in lcpc_flags:
        council = rng.choices(councils, weights)[0]
        territory = next(t for t in council_territories if t.pk == council.territory_id)
        lang = "uz" if council.code.startswith(("KG-O", "KG-J", "KG-B", "KG-GO")) else "ky"
        lang = rng.choice((lang, "ru"))
        village = rng.choice(words.VILLAGES)
        template = words.FORUM_NAMES[lang][
            1 if is_lcpc else rng.choice((0, 2 % len(words.FORUM_NAMES[lang])))
        ]
        counter += 1
        name = f"{template.format(v=village)} №{counter}"
        created = start + timedelta(days=rng.randint(0, 365 * YEARS - 30))
        status = "closed" if rng.random() < 0.02 else "active"
        forums.append(
            platform(name, slug_base(name), "community", council, territory,
                     "lcpc" if is_lcpc else "initiative", status, created, council.code)
        )  # fmt: skip

    # -- police units and officers ----------------------------------------------------------
    units = w.table(PoliceUnit, ["id", "name", "kind", "parent_id", "territory_id", "path"])
    posts = w.table(LiaisonOfficer, ["id", "user_id", "unit_id", "position", "active", "since"])
    unit_grants = w.table(
        PoliceUnitUserObjectPermission, ["id", "user_id", "permission_id", "content_object_id"]
    )
    respond = (
        __import__("django.contrib.auth.models", fromlist=["Permission"])
        .Permission.objects.get(content_type__app_label="platforms", codename=RESPOND)
        .pk
    )
    officers: dict[int, list[int]] = {}

    def unit(name, kind, parent, territory_id, positions):
        uid = units.new_id()
        path = f"{parent[1] if parent else '/'}{uid}/"
        units.add(uid, name, kind, parent[0] if parent else None, territory_id, path)
        for position in positions:
            user = official()
            post = posts.new_id()
            since = (now - timedelta(days=rng.randint(30, 2000))).date()
            posts.add(post, user, uid, position, True, since)
            unit_grants.add(unit_grants.new_id(), user, respond, uid)
            events.add(events.new_id(), None, None, uid, post, "post", "", position, None, "",
                       now - timedelta(days=(now.date() - since).days))  # fmt: skip
            officers.setdefault(uid, []).append(user)
        return uid, path

    ministry = unit("Министерство внутренних дел", "ministry", None, nation_ct.pk, ["liaison"])
    directorates = {
        t.pk: unit(f"ГУВД: {t.name_ru}", "directorate", ministry, t.pk, ["liaison"])
        for t in Territory.objects.filter(kind__in=["oblast", "city_republican"]).order_by("code")
    }
    district_units = {}
    for council, t in zip(councils, council_territories, strict=True):
        region = t.pk if t.kind == "city_republican" else t.parent_id
        parent = directorates.get(region, ministry)
        district_units[council.id] = unit(
            f"Отдел внутренних дел: {t.name_ru or t.name_en}", "district", parent, t.pk,
            ["head", "liaison"],
        )  # fmt: skip
    unit_of_forum = {}
    for group in local_groups(forums):
        first = group[0]
        uid, _path = unit(
            local_unit_name(first.id), "local", district_units[first.parent_id],
            first.territory_id, ["head", "liaison", "neighbourhood", "juvenile"],
        )  # fmt: skip
        for forum in group:
            unit_of_forum[forum.id] = uid

    # -- thematic groups ---------------------------------------------------------------------
    groups = w.table(ThematicGroup, ["id", "platform_id", "name", "description", "created_at"])
    for p in [national, *councils]:
        for name in COUNCIL_GROUPS:
            groups.add(groups.new_id(), p.id, name, "", p.created_at)

    # -- memberships, their history and grants ------------------------------------------------
    memberships = w.table(
        Membership,
        ["id", "user_id", "platform_id", "party", "role", "status", "term_start", "term_end",
         "delegated_from_id", "organisation", "motivation", "refusal_reason", "created_at",
         "ended_at", "reminded_at"],
    )  # fmt: skip
    grants = w.table(
        PlatformUserObjectPermission, ["id", "user_id", "permission_id", "content_object_id"]
    )
    perm_ids = _permission_ids({c for cs in ROLE_PERMISSIONS.values() for c in cs})
    today = now.date()
    secretariat: dict[int, list[int]] = {}

    def member(user, p, party, role="member", status="active", delegated_from=None):
        mid = memberships.new_id()
        joined = p.created_at + timedelta(days=rng.random() * max(1, (now - p.created_at).days - 1))
        term_start = term_end = ended = None
        if role == "secretariat":
            term_start = (now - timedelta(days=rng.randint(10, 600))).date()
            term_end = term_start + timedelta(days=730)
        if status == "ended":
            ended = joined + (now - joined) * rng.random()
        memberships.add(
            mid, user, p.id, party, role, status, term_start, term_end, delegated_from, "",
            "", "Не соответствует критериям." if status == "refused" else "", joined, ended, None,
        )  # fmt: skip
        events.add(events.new_id(), p.id, mid, None, None, "membership", "", "requested"
                   if status in ("requested", "refused") else "active", user, "", joined)  # fmt: skip
        if status in ("ended", "refused"):
            events.add(events.new_id(), p.id, mid, None, None, "membership",
                       "active" if status == "ended" else "requested", status, None, "",
                       ended or joined + timedelta(days=3))  # fmt: skip
        current = status == "active" and (
            term_start is None or (term_start <= today and term_end >= today)
        )
        if current:
            for codename in sorted(ROLE_PERMISSIONS[role]):
                grants.add(grants.new_id(), user, perm_ids[codename], p.id)
            if role == "secretariat":
                secretariat.setdefault(p.id, []).append(user)
        return mid

    # every platform's officials: two secretariat members and an admin
    n_officials = 0
    for p in [national, *councils, *forums]:
        if p.status != "active":
            continue
        n_officials += 3
        party = (
            "national_ngo"
            if p.level == "national"
            else ("lsg" if p.level == "district" else "citizen")
        )
        member(official(), p, party, "secretariat")
        member(official(), p, "ngo" if p.level != "national" else "authority", "secretariat")
        member(official(), p, party, "admin")

    total = sizes["memberships"]
    lcpcs = [f for f in forums if f.kind == "lcpc"]
    initiative = [f for f in forums if f.kind != "lcpc"]
    lcpc_sizes = _spread(rng, sizes["lcpc_members"], len(lcpcs), skew=3)
    council_total = round(total * 0.06)
    national_total = round(total * 0.001)
    rest = max(0, total - sizes["lcpc_members"] - council_total - national_total - n_officials)
    plan = [
        *zip(lcpcs, lcpc_sizes, strict=True),
        *zip(initiative, _spread(rng, rest, len(initiative)), strict=True),
        *zip(councils, _spread(rng, council_total, len(councils), skew=3), strict=True),
        (national, national_total),
    ]
    citizens = user_ids[_officials_used(pool, user_ids) :] or user_ids
    cursor = 0
    children: dict[int, list[PlatformRow]] = {}
    for f in forums:
        children.setdefault(f.parent_id, []).append(f)
    children[national.id] = councils
    for p, n in plan:
        n = min(n, len(citizens))
        below = children.get(p.id, [])
        for k in range(n):
            user = citizens[(cursor + k) % len(citizens)]
            if p.level == "community":
                party = (
                    "lcpc" if p.kind == "lcpc" and rng.random() < 0.8 else _pick(rng, FORUM_PARTIES)
                )
            else:
                party = _pick(rng, NATIONAL_PARTIES if p.level == "national" else COUNCIL_PARTIES)
            delegated = None
            if below and k < len(below) and rng.random() < 0.7:
                party, delegated = "delegate", below[k].id
            member(user, p, party, status=_pick(rng, STATUSES), delegated_from=delegated)
        cursor += n

    # -- the demo sign-ins ----------------------------------------------------------------------
    busiest = max(councils, key=lambda c: len(children.get(c.id, [])))
    head = officers[district_units[busiest.id][0]][0]
    forum = max(children.get(busiest.id, forums), key=lambda f: f.id)
    demo = {
        "liaison": head,
        "national-secretariat": secretariat[national.id][0],
        "council-secretariat": secretariat[busiest.id][0],
        "forum-secretariat": secretariat.get(forum.id, [head])[0],
        "citizen": citizens[0],
    }
    w.flush()
    User.objects.filter(pk__in=demo.values()).update(password=demo_hash)
    for name, pk in demo.items():
        User.objects.filter(pk=pk).update(email=f"{name}@{DOMAIN}", username=f"{name}@{DOMAIN}")
        EmailAddress.objects.create(
            user_id=pk, email=f"{name}@{DOMAIN}", verified=True, primary=True
        )
    return {
        "demo": {name: f"{name}@{DOMAIN}" for name in demo},
        "busiest_council": busiest.id,
    }


def _officials_used(pool, user_ids) -> int:
    """How many users the officials took from the front of the pool."""
    rest = list(pool)
    return len(user_ids) - len(rest)
