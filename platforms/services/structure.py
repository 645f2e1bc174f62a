"""Platforms and territories: creating, closing, reopening, loading the territory tree."""

import csv
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from platforms.models import (
    Platform,
    PlatformEvent,
    Territory,
)
from platforms.services.events import event_record
from platforms.slugs import unique_slug

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


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
def platform_close(*, platform: Platform, actor: User | None, reason: str = "") -> Platform:
    """Close an active platform (system administrators): public, read-only, in its history."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator closes a platform."))
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if platform.status != Platform.Status.ACTIVE:
        raise ValidationError(_("Only an active platform can be closed."))
    platform.status = Platform.Status.CLOSED
    platform.save(update_fields=["status"])
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.STATUS,
        actor=actor,
        old=Platform.Status.ACTIVE,
        new=platform.status,
        reason=reason,
    )
    return platform


@transaction.atomic
def platform_reopen(*, platform: Platform, actor: User | None, reason: str = "") -> Platform:
    """Reopen a closed platform (system administrators), recorded in its history."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator reopens a platform."))
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if platform.status != Platform.Status.CLOSED:
        raise ValidationError(_("Only a closed platform can be reopened."))
    platform.status = Platform.Status.ACTIVE
    platform.save(update_fields=["status"])
    event_record(
        platform=platform,
        kind=PlatformEvent.Kind.STATUS,
        actor=actor,
        old=Platform.Status.CLOSED,
        new=platform.status,
        reason=reason,
    )
    return platform


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
