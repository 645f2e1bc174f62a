"""Django's server-side cursors (QuerySet.iterator(): the streamed exports, keyset batches)
always read every row; PostgreSQL plans a cursor for its first 10% by default and then picks
"walk the sort index and filter", which read the whole proposals table for one forum's export
(issue 13). Set for the database, so it holds through PgBouncer too; a role that may not alter
the database gets a notice instead of a failed migration."""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET cursor_tuple_fraction = 1', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cursor_tuple_fraction not set: the role may not alter the database';
END
$$;
"""
BACKWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET cursor_tuple_fraction', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
        # this connection too (ALTER DATABASE applies to new sessions)
        schema_editor.execute("SET cursor_tuple_fraction = 1")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_notification_inbox_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
