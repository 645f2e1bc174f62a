"""`make backup` and `make restore` round-trip the database: the same rows in every table, the
same timelines byte for byte, and the restored history still append-only."""

import os
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from forums import services
from platforms.history import history_models
from tests.conftest import _grant
from tests.forums.conftest import adopt, secretariat_of

ROOT = Path(__file__).resolve().parent.parent


def make(target: str, database_url: str, file: Path) -> str:
    result = subprocess.run(  # noqa: S603
        ["make", "-s", "-C", str(ROOT), target, f"FILE={file}"],  # noqa: S607 - make on PATH
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def url_of(name: str) -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgresql://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{name}"


def row_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def timeline_checksums(cursor) -> dict[str, str]:
    """An md5 over every row of every history table, in key order."""
    sums = {}
    for model in history_models():
        table, pk = model._meta.db_table, model._meta.pk.column
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.\"{pk}\"), '')) "  # noqa: S608
            f'FROM "{table}" t'
        )
        count, digest = cursor.fetchone()
        sums[table] = f"{count}:{digest}"
    return sums


@pytest.fixture
def history(forum, council, sam, alice, local_unit):
    """A proposal taken up the levels: submitted, voted, adopted, escalated, registered."""
    proposal = services.proposal_create(
        platform=forum, author=alice, title="Lights on School Street", body="Тёмная улица.",
        category="school", police_unit=local_unit, submit=True,
    )  # fmt: skip
    adopt(proposal, sam, [alice, sam, _grant(forum)])
    services.proposal_escalate(proposal=proposal, actor=sam)
    services.proposal_register(proposal=proposal, actor=secretariat_of(council), platform=council)
    return proposal


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_and_restore_round_trip(history, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore: PostgreSQL only (the SQLite copy is tested below)")
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore"
    dump = tmp_path / "backup.dump"
    with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    try:
        make("backup", url_of(source), dump)
        assert dump.stat().st_size > 10_000
        make("restore", url_of(restored), dump)  # the script creates the database

        with psycopg.connect(url_of(source)) as a, psycopg.connect(url_of(restored)) as b:
            ca, cb = a.cursor(), b.cursor()
            counts = row_counts(ca)
            assert counts["forums_proposalevent"] >= 5 and counts["platforms_territory"] > 50
            assert row_counts(cb) == counts
            sums = timeline_checksums(ca)
            assert len(sums) >= 10
            assert timeline_checksums(cb) == sums

            # the restored history is append-only too
            with pytest.raises(psycopg.errors.RestrictViolation):
                cb.execute("UPDATE forums_proposalevent SET note = 'rewritten'")
            b.rollback()
            with pytest.raises(psycopg.errors.RestrictViolation):
                cb.execute("DELETE FROM platforms_platformevent")
    finally:
        with psycopg.connect(url_of("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_sqlite_backup_is_a_consistent_copy_and_restore_refuses_to_overwrite(tmp_path):
    live = tmp_path / "db.sqlite3"
    with sqlite3.connect(live) as db:
        db.execute("CREATE TABLE forums_proposalevent (id integer primary key, note text)")
        db.executemany(
            "INSERT INTO forums_proposalevent (note) VALUES (?)", [(f"e{i}",) for i in range(50)]
        )
    backup = tmp_path / "copy.sqlite3"
    make("backup", f"sqlite:///{live}", backup)
    restored = tmp_path / "restored.sqlite3"
    make("restore", f"sqlite:///{restored}", backup)
    with sqlite3.connect(restored) as db:
        rows = db.execute("SELECT id, note FROM forums_proposalevent ORDER BY id").fetchall()
    assert rows == [(i + 1, f"e{i}") for i in range(50)]
    # a restore never overwrites a database that is there
    result = subprocess.run(  # noqa: S603
        ["make", "-s", "-C", str(ROOT), "restore", f"FILE={backup}"],  # noqa: S607
        env={**os.environ, "DATABASE_URL": f"sqlite:///{live}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "exists" in result.stderr
