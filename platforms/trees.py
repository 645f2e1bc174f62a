"""Moving a node of a tree (territory, police unit, platform) with everything below it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from platforms.models import Platform, PlatformEvent, TreeNode
from platforms.services import event_record


@transaction.atomic
def tree_move(*, node: TreeNode, parent: TreeNode | None, actor: User | None, reason: str = ""):
    """Move a territory, police unit or platform, and its subtree, under `parent`.

    System administrators only. The node is saved as given (an admin form's other changes
    included), validated first (no cycle, a platform's level rules); its save rewrites the
    subtree's paths in one UPDATE. A platform's move is recorded in its history.
    """
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator moves territories and platforms."))
    model = type(node)
    old_parent_id = (
        model.objects.select_for_update()
        .filter(pk=node.pk)
        .values_list("parent_id", flat=True)
        .get()
    )
    node.parent = parent
    node.full_clean()
    node.save()
    if isinstance(node, Platform) and old_parent_id != node.parent_id:
        old_parent = Platform.objects.filter(pk=old_parent_id).first()
        event_record(
            platform=node,
            kind=PlatformEvent.Kind.MOVED,
            actor=actor,
            old=str(old_parent_id or ""),
            new=str(node.parent_id or ""),
            reason=reason or f"{old_parent or '—'} → {parent or '—'}",
        )
    return node


class TreeMoveAdminMixin:
    """For a ModelAdmin of a tree: a changed parent is saved through `tree_move`."""

    def save_model(self, request, obj, form, change):
        if change and "parent" in form.changed_data:
            tree_move(node=obj, parent=obj.parent, actor=request.user)
        else:
            super().save_model(request, obj, form, change)
