"""History rows are append-only in the database too, not only in Python.

`AppendOnlyModel.save()/delete()` refuse changes made through the ORM's instances, but
`QuerySet.update()`, `QuerySet.delete()`, cascades and raw SQL go around them. On PostgreSQL
every concrete subclass gets a trigger that refuses UPDATE and DELETE, installed after every
migrate (and after a test flush), so history models added later are covered without a migration
of their own. The only update allowed clears a link to a person (a SET_NULL foreign key such as
the actor) when that account is deleted: the history keeps what happened, not who.
"""

from django.db import connections, models

FUNCTION = """
CREATE OR REPLACE FUNCTION op_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    clearable text[] := coalesce(TG_ARGV, ARRAY[]::text[]);  -- NULL when the table has none
    col text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - clearable) IS DISTINCT FROM (to_jsonb(OLD) - clearable) THEN
        RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    FOREACH col IN ARRAY clearable LOOP
        IF (to_jsonb(NEW) -> col) IS DISTINCT FROM (to_jsonb(OLD) -> col)
           AND (to_jsonb(NEW) ->> col) IS NOT NULL THEN
            RAISE EXCEPTION 'rows of % are append-only (% may only be cleared)', TG_TABLE_NAME, col
                USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    RETURN NEW;
END $$;
"""


def history_models() -> list[type[models.Model]]:
    from platforms.models import AppendOnlyModel

    found, todo = [], list(AppendOnlyModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if not model._meta.abstract and not model._meta.proxy:
            found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def clearable_columns(model) -> list[str]:
    return [
        f.column
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.remote_field.on_delete is models.SET_NULL
    ]


def install_append_only_triggers(*, using: str = "default") -> int:
    """Create (or replace) the trigger on every history table; returns how many."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    existing = set(connection.introspection.table_names())
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for model in history_models():
            table = model._meta.db_table
            if table not in existing:
                continue  # not migrated yet (a partial migrate)
            args = ", ".join(f"'{column}'" for column in clearable_columns(model))
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER op_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION op_append_only({args})"
            )
            count += 1
    return count


def on_post_migrate(sender, using="default", **kwargs):
    install_append_only_triggers(using=using)
