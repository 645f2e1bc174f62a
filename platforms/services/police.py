"""Liaison posts of police units."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    PlatformEvent,
    PoliceUnit,
)
from platforms.roles import roles_sync
from platforms.services.events import event_record


@transaction.atomic
def liaison_assign(
    *, user: User, unit: PoliceUnit, position: str = LiaisonOfficer.Position.LIAISON, actor=None
) -> LiaisonOfficer:
    """Post a user to a police unit as its liaison officer (system administrators)."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator posts liaison officers."))
    post, created = LiaisonOfficer.objects.get_or_create(
        user=user, unit=unit, active=True, defaults={"position": position}
    )
    if created:
        event_record(
            platform=None, kind=PlatformEvent.Kind.POST, actor=actor, new=position, post=post
        )
    roles_sync(user=user, unit=unit)
    return post


@transaction.atomic
def liaison_end(*, post: LiaisonOfficer, actor=None) -> LiaisonOfficer:
    """End a liaison post and revoke the unit's respond permission."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator ends liaison posts."))
    post = LiaisonOfficer.objects.select_for_update().get(pk=post.pk)
    if not post.active:
        raise ValidationError(_("This post has already ended."))
    post.active = False
    post.save(update_fields=["active"])
    event_record(
        platform=None,
        kind=PlatformEvent.Kind.POST,
        actor=actor,
        old=post.position,
        new="ended",
        post=post,
    )
    roles_sync(user=post.user, unit=post.unit)
    return post
