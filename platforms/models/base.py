"""The tree and history bases every model of the structure builds on."""

import zlib

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


class TreeQuerySet(models.QuerySet):
    def below(self, node, *, include_self: bool = True):
        """Every node in the subtree of `node`, found by one indexed prefix match on `path`."""
        qs = self.filter(path__startswith=node.path)
        return qs if include_self else qs.exclude(pk=node.pk)


class TreeNode(models.Model):
    """A node with a materialised path ("/1/7/42/") so subtree queries are one SQL filter.

    Changing `parent` moves the whole subtree: one UPDATE rewrites the prefix of every path
    below, under a lock that also holds back new nodes until the move is committed.
    """

    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None:
            with transaction.atomic(using=using):
                self._tree_lock(using, shared=True)
                super().save(*args, **kwargs)
                self._path_set(using)
        elif (update_fields is None or {"parent", "parent_id"} & set(update_fields)) and (
            getattr(self, "_stored_parent_id", models.DEFERRED) != self.parent_id
        ):
            with transaction.atomic(using=using):
                self._tree_lock(using, shared=False)
                self._move(using, *args, **kwargs)
        else:
            super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The parent as stored, so save() knows a move from a plain edit without a query.
        instance._stored_parent_id = dict(zip(field_names, values, strict=True)).get(
            "parent_id", models.DEFERRED
        )
        return instance

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.pk in [*self.parent.ancestor_ids(), self.parent_id]:
            raise ValidationError({"parent": _("A node cannot be moved inside its own subtree.")})

    def compute_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def _tree_lock(self, using: str, *, shared: bool) -> None:
        """Moves of one tree run one at a time, and never beside a new node's insert.

        A transaction-scoped advisory lock per table on PostgreSQL (exclusive for a move,
        shared for an insert); SQLite already admits one writer at a time.
        """
        connection = connections[using]
        if connection.vendor != "postgresql":
            return
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [zlib.crc32(self._meta.db_table.encode())])

    def _path_set(self, using: str) -> None:
        model = type(self)
        self.path = self.compute_path()
        if self.parent_id:
            # The parent's path as committed (it may have moved since it was loaded).
            parent_path = model._base_manager.using(using).filter(pk=self.parent_id).values("path")
            value = Concat(models.Subquery(parent_path), Value(f"{self.pk}/"))
        else:
            value = Value(self.path)
        model._base_manager.using(using).filter(pk=self.pk).update(path=value)
        self._stored_parent_id = self.parent_id

    def _move(self, using: str, *args, **kwargs) -> None:
        """Save under a new parent and rewrite the subtree's paths in one UPDATE."""
        nodes = type(self)._base_manager.using(using)
        old_path = nodes.select_for_update().filter(pk=self.pk).values_list("path", flat=True).get()
        parent_path = (
            nodes.filter(pk=self.parent_id).values_list("path", flat=True).get()
            if self.parent_id
            else "/"
        )
        if parent_path.startswith(old_path):
            raise ValidationError({"parent": _("A node cannot be moved inside its own subtree.")})
        self.path = old_path
        super().save(*args, **kwargs)
        new_path = f"{parent_path}{self.pk}/"
        if new_path != old_path:
            nodes.filter(path__startswith=old_path).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        self.path = new_path
        self._stored_parent_id = self.parent_id


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{type(self).__name__} rows are append-only.")
