"""The benchmark, one command (`make bench`): gunicorn against PostgreSQL holding the national
data, production-like settings, the framework floor in the same run, 8 concurrent clients from
separate processes, three interleaved rounds, medians.

    .venv/bin/python bench/run.py [--db postgres://…/op_national] [--workers 2,1] [--rounds 3]
                                  [--duration 5] [--clients 8] [--write bench/RESULTS.md]

Per page: requests/s, p50, p95, p99, SQL queries per request (a separate in-process pass with
CaptureQueriesContext), throughput as a ratio to the floor and p95 against the floor's p95.
Then the national annual report's figures and its PDF, timed in-process. Nothing is asserted.
"""

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/op_national"
TARGET_RATIO, TARGET_P95 = 0.5, 3.0
SIGNED_IN_FLOOR = "framework floor, signed in"
FIGURES_TIMEOUT = int(os.environ.get("BENCH_FIGURES_TIMEOUT", "300"))
LOG = Path(os.environ.get("BENCH_LOG", Path(tempfile.gettempdir()) / "op-bench-gunicorn.log"))


def server_env(args) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": args.db,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_FLOOR": "1",
        # the anonymous API throttle would answer 429 to a benchmark from one address
        "API_RATE": "1000000/min",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    if args.redis:
        env["REDIS_URL"] = args.redis
    if args.no_page_cache:  # every page rendered for every request: the cost of a cache miss
        env["PAGE_CACHE_SECONDS"] = "0"
    return env


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - http only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> str:
    """A signed-in session for `user`, second factor already checked (as after a real login)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from platforms.mfa import SESSION_KEY as MFA_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[MFA_KEY] = user.pk
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def query_counts(pages) -> dict:
    from django.test.utils import override_settings

    from bench.pages import query_count

    clients: dict = {}
    counts = {}
    for page in pages:
        started = time.perf_counter()
        # the queries of rendering the page, not of serving it from the page cache
        with override_settings(PAGE_CACHE_SECONDS=0):
            status, queries, size = query_count(page, clients)
        counts[page.name] = (queries, status, size, time.perf_counter() - started)
        print(f"  in-process {page.name:28} {counts[page.name][3]:7.2f} s, {queries} queries",
              file=sys.stderr)  # fmt: skip
    return counts


def report_timings() -> dict:
    """The national annual report: its figures computed, and its PDF rendered (Russian)."""
    from django.db import OperationalError, connection

    from platforms.models import Platform
    from reporting.models import ReportVersion
    from reporting.pdf import version_pdf_bytes
    from reporting.selectors import report_figures

    national = Platform.objects.get(level="national")
    version = (
        ReportVersion.objects.filter(report__platform=national).order_by("-report__year").first()
    )
    out = {}
    if version is None:
        return out
    year = version.report.year
    out["year"] = year
    runs = []
    with connection.cursor() as cursor:  # default work_mem; a runaway plan is cut, not waited for
        cursor.execute(f"SET statement_timeout = '{FIGURES_TIMEOUT}s'")
    try:
        for _ in range(3):
            started = time.perf_counter()
            report_figures(national, year)
            runs.append(time.perf_counter() - started)
        out["figures"] = f"{statistics.median(runs):.2f} s"
    except OperationalError:
        connection.close()
        out["figures"] = f"not finished in {FIGURES_TIMEOUT} s (a query was cancelled)"
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        pdf = version_pdf_bytes(version, "ru")
        runs.append(time.perf_counter() - started)
    out["pdf"] = statistics.median(runs)
    out["pdf_bytes"] = len(pdf)
    return out


def measure_config(args, env, pages, cookie, workers: int, rounds: int) -> dict:
    from bench.load import drive

    port = free_port()
    log = open(LOG, "a")  # noqa: SIM115 - closed with the server below
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    results: dict = {}
    try:
        wait_for(port)
        floor = ("framework floor", "/bench/floor/", "", None)
        # the same bare page for a signed-in person: the session, the user and the second-factor
        # check that every signed-in page pays too; signed-in pages are compared with this one
        floor_in = (SIGNED_IN_FLOOR, "/bench/floor/", "liaison", None)
        targets = [floor, floor_in, *[(p.name, p.url, p.user, p.concurrency) for p in pages]]
        for _name, url, user, _c in targets:  # warm up: templates, connections, caches
            drive(url, host="127.0.0.1", port=port, headers=headers(user, cookie),
                  clients=1, duration=0)  # fmt: skip
        for r in range(rounds):
            for name, url, user, concurrency in targets:
                stats = drive(
                    url, host="127.0.0.1", port=port, headers=headers(user, cookie),
                    clients=concurrency or args.clients, duration=args.duration,
                )  # fmt: skip
                results.setdefault(name, []).append(stats)
                print(
                    f"  [{workers}w r{r + 1}] {name:28} {stats['rps']:8.1f} req/s "
                    f"p95 {stats['p95'] * 1000:8.0f} ms  statuses {stats['statuses']}",
                    file=sys.stderr,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return results


def headers(user: str, cookie: str) -> dict:
    h = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "ru"}
    if user:
        h["Cookie"] = cookie
    return h


def summarise(results: dict, signed_in: set[str]) -> dict:
    """Medians over rounds per page, with ratios to the floor (for the pages in `signed_in`,
    to the signed-in floor)."""
    summary = {}
    for name, runs in results.items():
        summary[name] = {
            key: statistics.median(r[key] for r in runs) for key in ("rps", "p50", "p95", "p99")
        }
        summary[name]["statuses"] = sorted({s for r in runs for s in r["statuses"]})
        summary[name]["requests"] = sum(r["requests"] for r in runs)
    for name, s in summary.items():
        floor = summary[SIGNED_IN_FLOOR if name in signed_in else "framework floor"]
        s["floor"] = "signed in" if name in signed_in else "anonymous"
        s["ratio"] = s["rps"] / floor["rps"] if floor["rps"] else 0
        s["p95_ratio"] = s["p95"] / floor["p95"] if floor["p95"] else 0
    return summary


def table(summary: dict, counts: dict) -> list[str]:
    lines = [
        "| page | floor | req/s | vs floor | p50 ms | p95 ms | p99 ms | p95 / floor p95 | SQL "
        "| meets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, s in summary.items():
        is_floor = name in ("framework floor", SIGNED_IN_FLOOR)
        queries = counts.get(name, (1, 200, 0))[0] if not is_floor else 1
        ok = s["statuses"] == [200]
        meets = s["ratio"] >= TARGET_RATIO and s["p95_ratio"] <= TARGET_P95 and ok
        flag = "yes" if meets else ("no" if ok else f"no (HTTP {s['statuses']})")
        if is_floor:
            flag = ""
        lines.append(
            f"| {name} | {s['floor']} | {s['rps']:.1f} | {s['ratio']:.3f} | {s['p50'] * 1000:.0f} | "
            f"{s['p95'] * 1000:.0f} | {s['p99'] * 1000:.0f} | {s['p95_ratio']:.1f} | "
            f"{queries} | {flag} |"
        )
    return lines


def dataset() -> str:
    from accounts.models import Notification, User
    from forums.models import PoliceResponse, Proposal, ProposalEvent
    from platforms.models import Membership, Platform

    counts = {
        "platforms": Platform.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "proposals": Proposal.objects.count(),
        "timeline events": ProposalEvent.objects.count(),
        "police responses": PoliceResponse.objects.count(),
        "notifications": Notification.objects.count(),
    }
    return ", ".join(f"{v:,} {k}" for k, v in counts.items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--workers", default="2,1", help="gunicorn worker counts, in order")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--extra-rounds", type=int, default=1, help="rounds after the first config")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per page per round")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--only", default="", help="page names separated by ;")
    parser.add_argument("--skip", default="", help="page names separated by ;")
    parser.add_argument(
        "--no-load",
        default="CSV export, whole tracker;CSV export, busiest forum",
        help="pages (;) timed in-process only, one request, not loaded (the big downloads)",
    )
    parser.add_argument(
        "--no-page-cache", action="store_true", help="anonymous pages rendered every time"
    )
    parser.add_argument("--label", default="", help="a title for this run in RESULTS.md")
    parser.add_argument("--write", default=str(ROOT / "bench/RESULTS.md"), help="'' to skip")
    args = parser.parse_args()

    env = server_env(args)
    os.environ.update({k: v for k, v in env.items() if k not in ("BENCH_FLOOR",)})
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # production settings serve fingerprinted static files from the collected manifest
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"server errors go to {LOG}", file=sys.stderr)
    from bench.pages import liaison_user, page_list

    pages = page_list()
    if args.only:
        wanted = {n.strip() for n in args.only.split(";")}
        pages = [p for p in pages if p.name in wanted]
    if args.skip:
        unwanted = {n.strip() for n in args.skip.split(";")}
        pages = [p for p in pages if p.name not in unwanted]
    cookie = session_cookie(liaison_user())
    print(f"dataset: {dataset()}", file=sys.stderr)
    counts = query_counts(pages)
    connection.close()  # the load clients fork; none of them uses the database

    configs = []
    unloaded = {n.strip() for n in args.no_load.split(";") if n.strip()}
    loaded = [p for p in pages if p.name not in unloaded]
    for i, workers in enumerate(int(w) for w in args.workers.split(",") if w):
        rounds = args.rounds if i == 0 else args.extra_rounds
        results = measure_config(args, env, loaded, cookie, workers, rounds)
        signed_in = {SIGNED_IN_FLOOR, *(p.name for p in loaded if p.user)}
        configs.append((workers, rounds, summarise(results, signed_in)))
    timings = report_timings()

    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603,S607
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {args.label or 'Run'}: {now}, commit {commit}",
        "",
        f"Machine: {os.cpu_count()} cores shared with other users' jobs (load average at start "
        f"{os.getloadavg()[0]:.1f}), {platform.python_implementation()} {platform.python_version()}, "
        f"gunicorn sync workers, DEBUG=0, Redis cache, page cache "
        f"{'off' if args.no_page_cache else 'on'}. Data: {dataset()}.",
        f"{args.clients} concurrent clients ({args.duration:g} s per page per round), "
        "whole-tracker export by one client at a time.",
        "",
    ]
    for workers, rounds, summary in configs:
        lines += [f"### {workers} gunicorn worker(s), {rounds} round(s), medians", ""]
        lines += table(summary, counts)
        lines.append("")
        misses = [
            row.split(" | ")[0].lstrip("| ")
            for row in table(summary, counts)[2:]
            if row.rstrip(" |").split("| ")[-1].startswith("no")
        ]
        lines += [
            f"Pages missing the targets ({workers} workers): {', '.join(misses) or 'none'}.",
            "",
        ]
    if len(configs) > 1:
        (w1, _r, a), (w2, _r2, b) = configs[0], configs[1]
        lines.append(
            f"Scaling: floor {a['framework floor']['rps']:.0f} req/s with {w1} workers, "
            f"{b['framework floor']['rps']:.0f} with {w2}."
        )
        lines.append("")
    one = [f"{n} {c[3]:.1f} s" for n, c in counts.items() if n in unloaded]
    if one:
        lines += [f"Timed in-process only (one request, body read through): {', '.join(one)}.", ""]
    if timings:
        lines.append(
            f"National annual report {timings['year']}: figures {timings['figures']} "
            f"(target < 2 s), PDF {timings['pdf']:.2f} s, {timings['pdf_bytes']:,} bytes "
            "(target < 10 s)."
        )
        lines.append("")
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = Path(args.write)
        head = path.read_text() if path.exists() else "# Benchmark results\n\n"
        path.write_text(head.rstrip("\n") + "\n\n" + text + "\n")


if __name__ == "__main__":
    main()
