from django.db import migrations

# Russian stemming and a plain configuration, both folding ё/е and accents through unaccent,
# plus trigrams on titles for Kyrgyz word forms and typos. The expressions match
# forums.selectors.search exactly, so PostgreSQL's planner uses these indexes.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS op_russian",
    "CREATE TEXT SEARCH CONFIGURATION op_russian (COPY = russian)",
    "ALTER TEXT SEARCH CONFIGURATION op_russian ALTER MAPPING FOR hword, hword_part, word"
    " WITH unaccent, russian_stem",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS op_simple",
    "CREATE TEXT SEARCH CONFIGURATION op_simple (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION op_simple ALTER MAPPING FOR hword, hword_part, word"
    " WITH unaccent, simple",
    "DROP INDEX IF EXISTS proposal_search",
    """CREATE INDEX IF NOT EXISTS proposal_search_ru ON forums_proposal USING gin (
        (setweight(to_tsvector('op_russian'::regconfig, COALESCE(title, '')), 'A')
         || setweight(to_tsvector('op_russian'::regconfig, COALESCE(body, '')), 'B')))""",
    """CREATE INDEX IF NOT EXISTS proposal_search_simple ON forums_proposal USING gin (
        (setweight(to_tsvector('op_simple'::regconfig, COALESCE(title, '')), 'A')
         || setweight(to_tsvector('op_simple'::regconfig, COALESCE(body, '')), 'B')))""",
    "CREATE INDEX IF NOT EXISTS proposal_title_trgm ON forums_proposal"
    " USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS proposal_title_trgm",
    "DROP INDEX IF EXISTS proposal_search_simple",
    "DROP INDEX IF EXISTS proposal_search_ru",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS op_simple",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS op_russian",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_answers_per_addressee_minutes_corrections")]

    operations = [migrations.RunPython(forward, backward)]
