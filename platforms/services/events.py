"""The one writer of the structure's history."""

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Platform,
    PlatformEvent,
)


def event_record(
    *,
    platform: Platform | None,
    kind: str,
    actor: User | None,
    old: str = "",
    new: str = "",
    reason: str = "",
    membership: Membership | None = None,
    post: LiaisonOfficer | None = None,
) -> PlatformEvent:
    return PlatformEvent.objects.create(
        platform=platform,
        kind=kind,
        actor=actor,
        # old/new hold a short state or name (32 characters): a longer group name is cut, not
        # a database error
        old=old[:32],
        new=new[:32],
        reason=reason,
        membership=membership,
        unit_id=post.unit_id if post is not None else None,
        post=post,
    )
