"""Reads that are more than a filter. Each returns a bounded number of queries."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from accounts.selectors import name_has_words
from platforms.models import (
    TERM_ROLES,
    Membership,
    Party,
    Platform,
    PlatformContact,
    Role,
    Territory,
    ThematicGroup,
)


def directory_platforms(
    *, level: str = "", territory: Territory | None = None, query: str = ""
) -> QuerySet[Platform]:
    """Public platforms for the directory; member counts are a column kept by the services."""
    qs = (
        Platform.objects.filter(status__in=Platform.PUBLIC_STATUSES)
        .select_related("territory", "parent")
        .order_by("level", "name", "pk")
    )
    if level:
        qs = qs.filter(level=level)
    if territory is not None:
        qs = qs.filter(territory__path__startswith=territory.path)
    if query:
        # the forum's name or its territory's, in any language
        qs = qs.filter(
            Q(name__icontains=query)
            | Q(territory__name_ru__icontains=query)
            | Q(territory__name_ky__icontains=query)
            | Q(territory__name_en__icontains=query)
            | Q(territory__name_uz__icontains=query)
        )
    return qs


def level_counts() -> dict[str, int]:
    """Number of public platforms per level, in one GROUP BY."""
    rows = (
        Platform.objects.filter(status__in=Platform.PUBLIC_STATUSES)
        .values("level")
        .annotate(n=Count("pk"))
    )
    counts = {level: 0 for level in Platform.Level.values}
    counts.update({row["level"]: row["n"] for row in rows})
    return counts


def directory_territories() -> list[tuple[Territory, list[tuple]]]:
    """The directory's territory filter: each oblast (or Bishkek, Osh) with its rayons and cities."""
    return territory_groups(kinds={Territory.Kind.RAYON, Territory.Kind.CITY})


def platform_children(platform: Platform) -> QuerySet[Platform]:
    """Public platforms directly below, by name (slice it: a council may have hundreds)."""
    return (
        platform.children.filter(status__in=Platform.PUBLIC_STATUSES)
        .select_related("territory")
        .order_by("name", "pk")
    )


def platform_members(platform: Platform) -> QuerySet[Membership]:
    """Current members by party and role, with the user and represented platform.

    In index order (membership_active_order): slice it, and `by_name` the slice; sorting a
    council's 40,000 members by name on every view is what made the page slow.
    """
    return (
        Membership.objects.current()
        .filter(platform=platform)
        .select_related("user", "delegated_from")
        .order_by("party", "role", "pk")
    )


def by_name(memberships) -> list[Membership]:
    """A page of memberships by party, role and name (what the page shows in that order)."""
    return sorted(
        memberships, key=lambda m: (m.party, m.role, m.user.display_name.casefold(), m.pk)
    )


def platform_party_counts(platform: Platform) -> list[dict]:
    """People per party among current members, from the platform row (no query)."""
    return [{"party": party, "n": n} for party, n in sorted(platform.party_counts.items()) if n]


MEMBER_SEARCH_LIMIT = 20


def member_search(
    platform: Platform, query: str, *, limit: int | None = None, include=None
) -> tuple[list[Membership], bool]:
    """Current members whose name contains `query`: one row per person, at most `limit`.

    Forms that pick a member offer these instead of a select of every member (a council may
    have tens of thousands). Returns (rows, more): `more` when the query matches more people.
    `include` (a membership pk already chosen) is kept among the rows. One query, two with
    `include`.
    """
    limit = limit or MEMBER_SEARCH_LIMIT
    needle = " ".join((query or "").split())[:100]
    current = Membership.objects.current().filter(platform=platform).select_related("user")
    matching = current
    if needle:
        # every word, in any order ("Usonov Aibek" finds Aibek Usonov); punctuation alone: no one
        matching = matching.filter(name_has_words(needle, path="user__") or Q(pk__in=[]))
    # In index order (membership_active_order), stopping at the LIMIT: a council's members are
    # never all sorted by name. A person holds a few memberships at most: read enough to dedupe.
    rows = list(matching.order_by("party", "role", "pk")[: limit * 3 + 1])
    people: dict[int, Membership] = {}
    for m in rows:
        people.setdefault(m.user_id, m)
    found = list(people.values())
    more = len(found) > limit or len(rows) > limit * 3
    found = by_name(found[:limit])
    chosen_pk = str(include or "")
    # a forged or mangled id ("²", 30 digits) is the form's error to report, never looked up
    if (
        chosen_pk.isascii()
        and chosen_pk.isdigit()
        and len(chosen_pk) < 19
        and all(str(m.pk) != chosen_pk for m in found)
    ):
        chosen = current.filter(pk=int(chosen_pk)).first()
        if chosen is not None:
            found.insert(0, chosen)
    return found, more


def platform_groups(platform: Platform) -> QuerySet[ThematicGroup]:
    return (
        platform.thematic_groups.select_related("coordinator")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def _territory_and_council(territory: Territory) -> list[int]:
    council_t = territory.council_territory()
    return [territory.pk] + ([council_t.pk] if council_t and council_t.pk != territory.pk else [])


def lsg_people(territory: Territory) -> QuerySet:
    """Local self-government members of active platforms in a territory and its district."""
    from accounts.models import User

    return User.objects.filter(
        memberships__in=Membership.objects.current().filter(
            party__in=[Party.LSG, Party.LOCAL_ADMIN],
            platform__territory_id__in=_territory_and_council(territory),
            platform__status=Platform.Status.ACTIVE,
        )
    ).distinct()


def forum_lsg_contacts(platform: Platform) -> QuerySet:
    """Local self-government people of a forum's territory."""
    return lsg_people(platform.territory)


def forum_police_contacts(platform: Platform) -> QuerySet:
    """Liaison officers of the police units of a forum's territory, up to its district."""
    from accounts.models import User

    return User.objects.filter(
        liaison_posts__active=True,
        liaison_posts__unit__territory_id__in=_territory_and_council(platform.territory),
    ).distinct()


def council_for_territory(territory: Territory) -> Platform | None:
    council_t = territory.council_territory()
    if council_t is None:
        return None
    return Platform.objects.filter(
        level=Platform.Level.DISTRICT, territory=council_t, status=Platform.Status.ACTIVE
    ).first()


def registration_territories() -> QuerySet[Territory]:
    """Territories a community forum can be registered in, grouped by their council territory."""
    return Territory.objects.filter(
        kind__in=[
            Territory.Kind.AYIL_AIMAK,
            Territory.Kind.CITY_DISTRICT,
            Territory.Kind.TOWN,
            Territory.Kind.RAYON,
            Territory.Kind.CITY,
            Territory.Kind.CITY_REPUBLICAN,
        ]
    ).select_related("parent")


# A request that was refused, or is still waiting, names nobody in public: asking to join is
# not joining, and a refusal is the applicant's own business.
UNNAMED_IN_HISTORY = (Membership.Status.REQUESTED, Membership.Status.REFUSED)


def membership_history(platform: Platform, *, viewer=None, reveal_all: bool = False) -> QuerySet:
    """Public membership history: who joined or left, in which party, when (never e-mails).

    Each row carries `name_hidden`: true for requests never approved, except for the person
    who asked (`viewer`) and for those who decide requests (`reveal_all`).
    """
    from platforms.models import PlatformEvent

    if reveal_all:
        hidden = Value(False)
    else:
        condition = Q(membership__status__in=UNNAMED_IN_HISTORY)
        if viewer is not None and viewer.is_authenticated:
            condition &= ~Q(membership__user=viewer)
        hidden = ExpressionWrapper(condition, output_field=BooleanField())
    return (
        PlatformEvent.objects.filter(platform=platform, membership__isnull=False)
        .select_related("membership__user", "membership__delegated_from")
        .annotate(name_hidden=hidden)
        .order_by("-at", "-pk")
    )


def pending_requests(platform: Platform) -> QuerySet[Membership]:
    """Join requests waiting here, oldest first (index membership_requests)."""
    return (
        Membership.objects.filter(platform=platform, status=Membership.Status.REQUESTED)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def current_term_holders(platform: Platform) -> QuerySet[Membership]:
    """Secretariat and delegates here, and this platform's own delegates to its parent.

    Terms not over yet, upcoming ones included (shown "from <date>"), in one query: rows with
    `delegated_from` equal to the platform are its delegates upward, the rest serve here.
    """
    today = timezone.localdate()
    return (
        Membership.objects.filter(status=Membership.Status.ACTIVE)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=today))
        .filter(
            Q(platform=platform, role__in=TERM_ROLES)
            | Q(platform=platform, party=Party.DELEGATE)
            | Q(delegated_from=platform, party=Party.DELEGATE)
        )
        .select_related("user", "platform", "delegated_from")
        .order_by("role", "term_start", "term_end", "pk")
    )


def members_by_person(memberships) -> list[Membership]:
    """One row per person: their first membership, carrying all their roles (`roles`)."""
    people: dict[int, Membership] = {}
    for m in memberships:
        first = people.setdefault(m.user_id, m)
        if first is m:
            m.roles = [m]
        else:
            first.roles.append(m)
    # labels resolved once per page: get_FOO_display() per row translates every choice again
    parties = {value: str(label) for value, label in Party.choices}
    roles = {value: str(label) for value, label in Role.choices}
    for m in people.values():
        m.party_label = parties.get(m.party, m.party)
        for r in m.roles:
            r.role_label = roles.get(r.role, r.role)
        # the row with a term (secretariat, delegate) shows its term and what it represents
        m.term_row = next((r for r in m.roles if r.term_end), None)
        m.represents = next((r.delegated_from for r in m.roles if r.delegated_from_id), None)
    return list(people.values())


def forum_founders(platform: Platform) -> list[PlatformContact] | None:
    """An initiative forum's founders as the initiator typed them, in one query.

    Those without an account stay listed (as invited) after the forum is active; those who
    declined are not listed. Names only: e-mail addresses stay private.
    """
    if platform.kind != Platform.Kind.INITIATIVE:
        return None
    return list(
        platform.contacts.filter(source=PlatformContact.Source.INITIATIVE)
        .exclude(invitation=PlatformContact.Invitation.DECLINED)
        .order_by("created_at", "pk")
    )


def lcpc_people(platform: Platform) -> dict | None:
    """An imported LCPC's head(s) and its members by committee, in one query.

    Names and committees only: their e-mail addresses and phones stay private.
    """
    if platform.kind != Platform.Kind.LCPC:
        return None
    contacts = list(
        platform.contacts.filter(source=PlatformContact.Source.IMPORT)
        .select_related("committee")
        .order_by("name")
    )
    if not contacts:
        return None
    by_committee: dict = {}
    for contact in contacts:
        if not contact.is_head:
            by_committee.setdefault(contact.committee, []).append(contact)
    return {
        "heads": [c for c in contacts if c.is_head],
        "committees": sorted(
            ((c, people) for c, people in by_committee.items() if c is not None),
            key=lambda item: item[0].name,
        ),
        "others": by_committee.get(None, []),
    }


REGION_KINDS = (Territory.Kind.OBLAST, Territory.Kind.CITY_REPUBLICAN)


def _matches(territory: Territory, needle: str) -> bool:
    names = (territory.name_en, territory.name_ru, territory.name_ky, territory.name_uz)
    return any(needle in name.casefold() for name in names if name)


def territory_groups(*, kinds, query: str = "") -> list[tuple[Territory, list[tuple]]]:
    """Territories of `kinds` under their oblast (or Bishkek, Osh), in the reader's language.

    [(oblast, [(territory, depth), …]), …]: oblasts by name; in each, its rayons and cities by
    name, each followed by its ayil aimaks, towns or districts (depth 1). With a query, only
    what matches in any language, with the places of a matching rayon. One query.
    """
    nodes = {t.pk: t for t in Territory.objects.exclude(kind=Territory.Kind.COUNTRY)}
    children: dict[int | None, list[Territory]] = {}
    for t in nodes.values():
        children.setdefault(t.parent_id, []).append(t)
    needle = " ".join(query.split()).casefold()[:100]

    def by_name(items):
        return sorted(items, key=lambda t: t.name.casefold())

    groups = []
    regions = by_name(t for t in nodes.values() if t.kind in REGION_KINDS)
    for region in regions:
        region_hit = bool(needle) and _matches(region, needle)
        if region.kind == Territory.Kind.CITY_REPUBLICAN:
            sections = [(region, by_name(children.get(region.pk, [])))]
        else:
            sections = [
                (top, by_name(children.get(top.pk, [])))
                for top in by_name(children.get(region.pk, []))
            ]
        rows = []
        for top, below in sections:
            top_hit = not needle or region_hit or _matches(top, needle)
            if top.kind in kinds and (top_hit or any(_matches(c, needle) for c in below)):
                rows.append((top, 0))
            rows += [
                (child, 1)
                for child in below
                if child.kind in kinds and (top_hit or _matches(child, needle))
            ]
        if rows:
            groups.append((region, rows))
    return groups
