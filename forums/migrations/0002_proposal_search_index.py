from django.db import migrations

# The same expression forums.selectors.search builds, so PostgreSQL's planner uses the index.
CREATE = """
CREATE INDEX IF NOT EXISTS proposal_search ON forums_proposal USING gin (
    (setweight(to_tsvector('simple'::regconfig, COALESCE(title, '')), 'A')
     || setweight(to_tsvector('simple'::regconfig, COALESCE(body, '')), 'B'))
)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS proposal_search")


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
