"""Hostile query strings on every public list page and the API: never a 500, never script
reflected unescaped. (Part of issue 14's hostile-input corpus: the query-string half.)"""

import pytest
from django.urls import reverse

from forums import services

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eevil",
    "\u200b",
    "😀" * 50,
    "x" * 5000,
    "\x00",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "²",
    "[]",
]
PARAMS = [
    "q",
    "page",
    "state",
    "category",
    "territory",
    "district",
    "level",
    "unit",
    "since",
    "until",
    "overdue",
    "show",
    "template",
    "edit",
    "cursor",
    "platform",
    "oblast",
    "kind",
]


@pytest.fixture
def urls(forum, alice, leo, local_unit):
    proposal = services.proposal_create(
        platform=forum,
        author=alice,
        title="T",
        body="B",
        category="youth",
        police_unit=local_unit,
        submit=True,
    )
    return [
        "/",
        reverse("platforms:directory"),
        forum.get_absolute_url(),
        reverse("platforms:history", args=[forum.slug]),
        reverse("forums:tracker"),
        reverse("forums:export"),
        reverse("forums:raise"),
        reverse("forums:library"),
        reverse("forums:hotspots"),
        reverse("assessments:index"),
        "/reports/statistics/",
        proposal.get_absolute_url(),
        "/api/v1/proposals/",
        "/api/v1/platforms/",
        "/api/v1/territories/",
    ]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_strings_never_500_nor_reflect_script(client, urls, value):
    for url in urls:
        response = client.get(url, {p: value for p in PARAMS})
        assert response.status_code < 500, (url, value, response.status_code)
        if response.get("Content-Type", "").startswith("text/html"):
            assert "<script>alert(1)</script>" not in response.content.decode(), url


def test_signed_in_pages_with_hostile_query_strings(client, urls, leo, alice):
    for user, url in ((leo, reverse("forums:liaison")), (alice, reverse("forums:my"))):
        client.force_login(user)
        for value in HOSTILE:
            response = client.get(url, {p: value for p in PARAMS})
            assert response.status_code < 500, (url, value)
