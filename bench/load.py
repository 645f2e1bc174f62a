"""A small multi-process HTTP load driver: N client processes with keep-alive connections hit one
URL for a fixed time; returns every request's latency and status. (locust would add gevent and
a web UI for what is here ~80 lines; wrk cannot send a different cookie per page or report
per-request statuses of streamed bodies as simply.)"""

import http.client
import multiprocessing
import time


def _client(args):
    host, port, url, headers, deadline, timeout, start_at = args
    while time.time() < start_at:  # every client starts together
        time.sleep(0.001)
    results = []
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    while True:
        started = time.perf_counter()
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            size = len(response.read())
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            size, status = 0, 0
        ended = time.perf_counter()
        results.append((ended - started, status, size, time.time()))
        if time.time() >= deadline:
            break
    conn.close()
    return results


def drive(
    url: str,
    *,
    host: str,
    port: int,
    headers: dict,
    clients: int,
    duration: float,
    timeout: float = 120,
) -> dict:
    """Hit `url` with `clients` concurrent processes for `duration` seconds (each finishes its
    last request); requests/s counts completed requests over the wall time."""
    start_at = time.time() + 0.2
    deadline = start_at + duration
    args = [(host, port, url, headers, deadline, timeout, start_at)] * clients
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(clients) as pool:
        per_client = pool.map(_client, args)
    rows = [r for rs in per_client for r in rs]
    wall = max(r[3] for r in rows) - start_at
    latencies = sorted(r[0] for r in rows)
    ok = [r for r in rows if r[1] == 200]
    return {
        "requests": len(rows),
        "ok": len(ok),
        "statuses": sorted({r[1] for r in rows}),
        "rps": len(ok) / wall if wall > 0 else 0.0,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "bytes": max((r[2] for r in ok), default=0),
    }


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]
