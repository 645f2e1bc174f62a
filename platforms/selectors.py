"""Reads that are more than a filter. Each returns a bounded number of queries."""

from django.db.models import Count, Q, QuerySet

from platforms.models import Membership, Platform, Territory, ThematicGroup

CURRENT_MEMBERS = Q(memberships__status=Membership.Status.ACTIVE)


def directory_platforms(
    *, level: str = "", territory: Territory | None = None, query: str = ""
) -> QuerySet[Platform]:
    """Public platforms for the directory, with their member counts in the same query."""
    qs = (
        Platform.objects.filter(status__in=Platform.PUBLIC_STATUSES)
        .select_related("territory", "parent")
        .annotate(member_count=Count("memberships", filter=CURRENT_MEMBERS, distinct=True))
        .order_by("level", "name")
    )
    if level:
        qs = qs.filter(level=level)
    if territory is not None:
        qs = qs.filter(territory__path__startswith=territory.path)
    if query:
        qs = qs.filter(name__icontains=query)
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


def directory_territories() -> QuerySet[Territory]:
    """Territories that can filter the directory: the country's top two levels below it."""
    return Territory.objects.filter(
        kind__in=[
            Territory.Kind.OBLAST,
            Territory.Kind.CITY_REPUBLICAN,
            Territory.Kind.RAYON,
            Territory.Kind.CITY,
        ]
    ).select_related("parent")


def platform_children(platform: Platform) -> QuerySet[Platform]:
    return (
        platform.children.filter(status__in=Platform.PUBLIC_STATUSES)
        .select_related("territory")
        .annotate(member_count=Count("memberships", filter=CURRENT_MEMBERS, distinct=True))
        .order_by("name")
    )


def platform_members(platform: Platform) -> QuerySet[Membership]:
    """Current members ordered by party and role, with the user and represented platform."""
    return (
        Membership.objects.current()
        .filter(platform=platform)
        .select_related("user", "delegated_from")
        .order_by("party", "role", "user__display_name", "pk")
    )


def platform_party_counts(platform: Platform) -> list[dict]:
    return list(
        Membership.objects.current()
        .filter(platform=platform)
        .values("party")
        .annotate(n=Count("pk"))
        .order_by("party")
    )


def platform_groups(platform: Platform) -> QuerySet[ThematicGroup]:
    return (
        platform.thematic_groups.select_related("coordinator")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )
