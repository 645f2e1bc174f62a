"""Write services for the platform structure. Each is atomic, checked and recorded."""

import csv
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from platforms import permissions
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformEvent,
    PoliceUnit,
    Role,
    Territory,
)
from platforms.roles import liaison_roles_sync, platform_roles_sync

DATA_DIR = Path(__file__).resolve().parent / "data"


def event_record(
    *,
    platform: Platform,
    kind: str,
    actor: User | None,
    old: str = "",
    new: str = "",
    reason: str = "",
    membership: Membership | None = None,
) -> PlatformEvent:
    return PlatformEvent.objects.create(
        platform=platform,
        kind=kind,
        actor=actor,
        old=old,
        new=new,
        reason=reason,
        membership=membership,
    )


def unique_slug(name: str, *, model=Platform) -> str:
    base = slugify(name, allow_unicode=False)[:100] or "platform"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def platform_create(
    *,
    name: str,
    level: str,
    territory: Territory,
    parent: Platform | None = None,
    kind: str = "",
    status: str = Platform.Status.ACTIVE,
    aims: str = "",
    actor: User | None = None,
    slug: str = "",
) -> Platform:
    """Create a platform (administrators, imports, demo data); validated before saving."""
    platform = Platform(
        name=name.strip(),
        level=level,
        territory=territory,
        parent=parent,
        kind=kind,
        status=status,
        aims=aims,
        created_by=actor,
        slug=slug or unique_slug(name),
        activated_at=timezone.now() if status == Platform.Status.ACTIVE else None,
    )
    platform.full_clean()
    platform.save()
    event_record(platform=platform, kind=PlatformEvent.Kind.CREATED, actor=actor, new=status)
    return platform


@transaction.atomic
def membership_grant(
    *,
    platform: Platform,
    user: User,
    party: str,
    actor: User | None,
    role: str = Role.MEMBER,
    term_start: date | None = None,
    term_end: date | None = None,
    delegated_from: Platform | None = None,
    organisation: str = "",
    check: bool = True,
) -> Membership:
    """Add an active membership and grant its role's permissions (platform admins only)."""
    if check and not permissions.can_manage_memberships(actor, platform):
        raise PermissionDenied(_("Only a platform admin may manage memberships."))
    membership = Membership(
        platform=platform,
        user=user,
        party=party,
        role=role,
        status=Membership.Status.ACTIVE,
        term_start=term_start,
        term_end=term_end,
        delegated_from=delegated_from,
        organisation=organisation,
    )
    membership.full_clean(validate_constraints=False)
    if Membership.objects.filter(
        user=user,
        platform=platform,
        role=role,
        status__in=[Membership.Status.REQUESTED, Membership.Status.ACTIVE],
    ).exists():
        raise ValidationError(_("This person already holds this role on this platform."))
    membership.save()
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        new=Membership.Status.ACTIVE,
        membership=membership,
    )
    platform_roles_sync(user=user, platform=platform)
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, actor: User | None, reason: str = "", check: bool = True
) -> Membership:
    """End a membership (the member leaving, or a platform admin) and revoke its permissions."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if (
        check
        and actor != membership.user
        and not permissions.can_manage_memberships(actor, membership.platform)
    ):
        raise PermissionDenied(_("Only the member or a platform admin may end a membership."))
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError(_("Only an active membership can be ended."))
    old = membership.status
    membership.status = Membership.Status.ENDED
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    event_record(
        platform=membership.platform,
        kind=PlatformEvent.Kind.MEMBERSHIP,
        actor=actor,
        old=old,
        new=membership.status,
        reason=reason,
        membership=membership,
    )
    platform_roles_sync(user=membership.user, platform=membership.platform)
    return membership


@transaction.atomic
def liaison_assign(
    *, user: User, unit: PoliceUnit, position: str = LiaisonOfficer.Position.LIAISON, actor=None
) -> LiaisonOfficer:
    """Post a user to a police unit as its liaison officer (system administrators)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator posts liaison officers."))
    post, _created = LiaisonOfficer.objects.get_or_create(
        user=user, unit=unit, active=True, defaults={"position": position}
    )
    liaison_roles_sync(user=user, unit=unit)
    return post


@transaction.atomic
def liaison_end(*, post: LiaisonOfficer, actor=None) -> LiaisonOfficer:
    """End a liaison post and revoke the unit's respond permission."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator ends liaison posts."))
    post.active = False
    post.save(update_fields=["active"])
    liaison_roles_sync(user=post.user, unit=post.unit)
    return post


def territories_load(*, path: Path | None = None, model=Territory) -> int:
    """Create or update territories from a CSV (code,parent_code,kind,name_en,name_ru,name_ky).

    Rows are processed in file order, so parents must come before their children.
    """
    path = path or DATA_DIR / "territories.csv"
    known = {t.code: t for t in model.objects.all()}
    count = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            parent = known.get(row["parent_code"]) if row.get("parent_code") else None
            if row.get("parent_code") and parent is None:
                raise ValidationError(
                    _("Unknown parent territory %(code)s") % {"code": row["parent_code"]}
                )
            node = known.get(row["code"]) or model(code=row["code"])
            node.parent = parent
            node.kind = row["kind"]
            node.name_en = row["name_en"]
            node.name_ru = row.get("name_ru", "")
            node.name_ky = row.get("name_ky", "")
            node.name_uz = row.get("name_uz", "") or node.name_uz
            node.save()
            if not hasattr(node, "compute_path"):
                # Historical models in migrations have no methods: compute the path here.
                node.path = f"{parent.path if parent else '/'}{node.pk}/"
                model.objects.filter(pk=node.pk).update(path=node.path)
            known[node.code] = node
            count += 1
    return count
