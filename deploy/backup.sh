#!/usr/bin/env bash
# Back up or restore the database named by DATABASE_URL (the same variable the site reads).
#   deploy/backup.sh backup  [FILE]   PostgreSQL: pg_dump -Fc; SQLite: a consistent file copy
#   deploy/backup.sh restore FILE     into DATABASE_URL, which should be a new, empty database
#                                     (PostgreSQL: created when missing)
# The append-only history triggers come back with the dump; pg_restore only inserts rows and
# creates the triggers after the data, so nothing in them refuses a restore.
set -euo pipefail

action="${1:-}"
file="${2:-}"
url="${DATABASE_URL:-sqlite:///db.sqlite3}"

usage() { echo "usage: DATABASE_URL=... $0 backup [FILE] | restore FILE" >&2; exit 2; }

case "$url" in
  postgres://*|postgresql://*|pgsql://*) kind=postgresql; url="postgresql://${url#*://}" ;;
  sqlite://*) kind=sqlite; path="${url#sqlite://}"; path="${path#/}" ;;
  *) echo "unsupported DATABASE_URL scheme: ${url%%:*}" >&2; exit 2 ;;
esac

# the client binaries of the newest installed PostgreSQL, when they are not on PATH
if [ "$kind" = postgresql ] && ! command -v pg_dump >/dev/null 2>&1; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -n "$bin" ] && PATH="$bin:$PATH"
fi

sqlite_copy() {  # a consistent copy even while the site writes (SQLite's online backup)
  python3 -c 'import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()' "$1" "$2"
}

case "$action" in
  backup)
    if [ -z "$file" ]; then
      mkdir -p backups
      ext=$([ "$kind" = postgresql ] && echo dump || echo sqlite3)
      file="backups/open_platforms-$(date -u +%Y%m%d-%H%M%S).$ext"
    fi
    if [ "$kind" = postgresql ]; then
      pg_dump --format=custom --no-owner --file="$file" "$url"
    else
      sqlite_copy "$path" "$file"
    fi
    echo "$file"
    ;;
  restore)
    [ -n "$file" ] && [ -f "$file" ] || usage
    if [ "$kind" = postgresql ]; then
      db="${url##*/}"; db="${db%%\?*}"
      server="${url%/*}/postgres"
      exists=$(psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")
      [ "$exists" = 1 ] || psql "$server" -qc "CREATE DATABASE \"$db\""
      pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$file"
    else
      [ ! -e "$path" ] || { echo "$path exists: restore into a new file" >&2; exit 1; }
      sqlite_copy "$file" "$path"
    fi
    echo "restored $file into ${url%%://*}://…/${url##*/}"
    ;;
  *) usage ;;
esac
