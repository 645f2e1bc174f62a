from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from django.db.backends.signals import connection_created

        import forums.services  # noqa: F401 - registers the proposal's decision follower

        connection_created.connect(_sqlite_casefold, dispatch_uid="forums_sqlite_casefold")


def _sqlite_casefold(sender, connection, **kwargs):
    """SQLite's lower() and LIKE fold ASCII only: give search a Unicode casefold (development)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "op_casefold", 1, lambda s: s.casefold() if s is not None else None, deterministic=True
        )
