"""Light pages for cheap phones on slow connections: every public page under 150 KB on a first
visit (HTML, CSS, scripts, images, compressed) and under 30 KB on a repeat visit, when the
static files, fingerprinted and cached for a year, are already there."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from forums import services

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:href|src)="(/static/[^"?#]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weights(client, url) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content
    assets = 0
    for path in set(ASSET.findall(html.decode())):
        found = finders.find(path.removeprefix("/static/"))
        assert found, path
        with open(found, "rb") as fh:
            assets += gz(fh.read())
    return gz(html) + assets, gz(html)


@pytest.fixture
def pages(forum, alice, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="Нет освещения у школы №3",
        body="Вечером темно. " * 200,
        category="road",
        police_unit=local_unit,
        submit=True,
    )
    return [
        "/",
        reverse("platforms:directory"),
        forum.get_absolute_url(),
        reverse("forums:tracker"),
        proposal.get_absolute_url(),
        reverse("forums:raise"),
        reverse("assessments:index"),
        reverse("forums:library"),
    ]  # not /api/docs/: Swagger UI (about 530 KB) is for developers, not a public page


def test_first_and_repeat_visits_stay_light(client, pages):
    for url in pages:
        first, repeat = weights(client, url)
        assert first < 150 * 1024, (url, first)
        assert repeat < 30 * 1024, (url, repeat)


def test_static_files_are_fingerprinted_in_production():
    """Production settings store static files under content-hashed names (whitenoise's manifest
    storage), which whitenoise serves with a one-year, immutable cache header."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": ""}
    out = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.STORAGES['staticfiles'])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CompressedManifestStaticFilesStorage" in out
