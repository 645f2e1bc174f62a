"""Public pages while citizens support proposals: how many anonymous requests the page cache
still answers, with supports counted as tallies (a generation a minute at most) and with every
support starting a generation (PAGE_CACHE_TALLY_SECONDS=0, how it was before).

    .venv/bin/python bench/tallies.py [--db postgres://…/op_national] [--rate 2] [--duration 30]

gunicorn (2 workers) against the national data and Redis; one process supports a random open
proposal `--rate` times a second through the service; `--clients` processes read a mix of
public pages (five lists and the pages of the `--proposals` newest proposals). Prints requests/s, p95 and the share of cache hits per setting. Nothing asserted.
"""

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time

from run import DEFAULT_DB, LOG, ROOT, free_port, headers, server_env, wait_for

PAGES = ("/", "/platforms/", "/proposals/", "/proposals/?state=submitted", "/reports/")


def _supporter(env: dict, rate: float, stop_at: float, counter) -> None:
    """Support random open proposals through the service, `rate` a second, until `stop_at`
    (with the server's settings: the tally window is decided where the support is saved)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.models import User
    from forums.models import Proposal
    from forums.services import proposal_support

    rng = random.Random(time.time_ns())  # noqa: S311 - new supports in every run
    proposals = list(
        Proposal.objects.exclude(state__in=Proposal.INACTIVE_STATES)
        .order_by("-pk")
        .values_list("pk", flat=True)[:500]
    )
    users = list(User.objects.order_by("-pk").values_list("pk", flat=True)[:5000])
    while time.time() < stop_at:
        proposal = Proposal.objects.get(pk=rng.choice(proposals))
        if proposal_support(proposal=proposal, user=User.objects.get(pk=rng.choice(users))):
            counter.value += 1
        time.sleep(1 / rate)


def _reader(port: int, stop_at: float, seed: int, pages) -> list[tuple[float, int, bool]]:
    import http.client

    rng = random.Random(seed)  # noqa: S311
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    rows = []
    while time.time() < stop_at:
        started = time.perf_counter()
        conn.request("GET", rng.choice(pages), headers=headers("", ""))
        response = conn.getresponse()
        response.read()
        rows.append(
            (
                time.perf_counter() - started,
                response.status,
                response.getheader("X-Page-Cache") == "hit",
            )
        )
    conn.close()
    return rows


def proposal_pages(db: str, n: int) -> list[str]:
    """The pages of the `n` newest proposals: visitors read many pages, not five."""
    import psycopg

    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "SELECT id FROM forums_proposal WHERE state NOT IN ('draft', 'screening', 'screened_out')"
            " ORDER BY id DESC LIMIT %s",
            [n],
        ).fetchall()
    return [f"/proposals/{pk}/" for (pk,) in rows]


def measure(args, tally_seconds: int) -> dict:
    env = server_env(args) | {"PAGE_CACHE_TALLY_SECONDS": str(tally_seconds)}
    port = free_port()
    with open(LOG, "a") as log:
        server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-w", "2",
             "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            wait_for(port)
            ctx = multiprocessing.get_context("fork")
            counter = ctx.Value("i", 0)
            stop_at = time.time() + args.duration
            writer = ctx.Process(
                target=_supporter,
                args=(env, args.rate, stop_at, counter),
            )
            writer.start()
            with ctx.Pool(args.clients) as pool:
                per_client = pool.starmap(
                    _reader, [(port, stop_at, seed, args.pages) for seed in range(args.clients)]
                )
            writer.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    rows = [row for rows in per_client for row in rows]
    latencies = sorted(row[0] for row in rows)
    return {
        "supports": counter.value,
        "requests": len(rows),
        "rps": len(rows) / args.duration,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "hits": sum(row[2] for row in rows) / len(rows),
        "errors": sum(row[1] != 200 for row in rows),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--rate", type=float, default=2.0, help="supports a second")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--proposals", type=int, default=200, help="proposal pages in the mix")
    args = parser.parse_args()
    args.no_page_cache = False
    args.pages = [*PAGES, *proposal_pages(args.db, args.proposals)]
    print(
        f"{args.clients} readers over {len(args.pages)} pages, {args.rate:g} supports/s, "
        f"{args.duration:g} s each"
    )
    for label, seconds in (("every support a generation", 0), ("tallies, 60 s window", 60)):
        r = measure(args, seconds)
        print(
            f"{label:28} {r['rps']:7.1f} req/s  p50 {r['p50'] * 1000:6.0f} ms  "
            f"p95 {r['p95'] * 1000:6.0f} ms  hits {r['hits']:6.1%}  "
            f"supports {r['supports']}  errors {r['errors']}"
        )


if __name__ == "__main__":
    main()
