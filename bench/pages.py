"""Time the public pages against the current database (run `make demo` first) and print
median milliseconds and SQL query counts. Numbers only; nothing is asserted.

    DEBUG=1 .venv/bin/python bench/pages.py [repeats]
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from platforms.models import Platform  # noqa: E402


def measure(client, url, repeats):
    timings = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(ctx.captured_queries), len(response.content)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    client = Client(HTTP_HOST="127.0.0.1")
    national = Platform.objects.get(level="national")
    council = Platform.objects.filter(level="district").order_by("-pk").first()
    forum = Platform.objects.filter(level="community").first()
    urls = [
        "/",
        "/platforms/",
        "/platforms/?level=community&territory=KG-O",
        "/platforms/?page=5",
        national.get_absolute_url(),
        council.get_absolute_url(),
        forum.get_absolute_url(),
    ]
    print(f"{Platform.objects.count()} platforms in the database; {repeats} requests per page")
    print(f"{'page':55} {'median ms':>9} {'queries':>7} {'bytes':>7}")
    for url in urls:
        ms, queries, size = measure(client, url, repeats)
        print(f"{url:55} {ms:9.1f} {queries:7d} {size:7d}")


if __name__ == "__main__":
    main()
