"""The open data API never shows private data: drafts, proposals awaiting screening, protected
authors, e-mail addresses, poll answers, members' own grades, unpublished rounds, reports,
plans, minutes and answers; not in JSON, not in CSV, not in a list and not in a detail."""

import re

import pytest

from tests.config.api_world import LISTS, PRIVATE, build

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def world(forum, leo, local_unit):
    return build(forum, leo, local_unit)


def _assert_private_data_absent(url: str, body: str):
    for marker in PRIVATE:
        assert marker not in body, f"{marker!r} leaked at {url}"
    assert not EMAIL.search(body), f"an e-mail address leaked at {url}"


def _every_page(client, url: str, params: dict) -> list[str]:
    """The bodies of every page of a list, following the cursor."""
    bodies = []
    while url:
        response = client.get(url, params)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
        url, params = response.json()["next"], {}
    return bodies


@pytest.mark.parametrize("name", LISTS)
def test_no_list_leaks_in_json_or_csv(client, world, name):
    url = f"/api/v1/{name}/"
    for body in _every_page(client, url, {"page_size": 200}):
        _assert_private_data_absent(url, body)
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _assert_private_data_absent(url, b"".join(response.streaming_content).decode())


def _detail_urls(world) -> list[str]:
    return [
        f"/api/v1/proposals/{world.public_proposal.pk}/",
        f"/api/v1/proposals/{world.protected.pk}/",
        f"/api/v1/assessment-results/{world.published_subject.pk}/",
        f"/api/v1/reports/{world.report.pk}/",
        f"/api/v1/unit-profiles/{world.public_proposal.police_unit_id}/",
    ]


def test_no_detail_leaks_in_json_or_csv(client, world):
    for url in _detail_urls(world):
        for params in ({}, {"format": "csv"}):
            response = client.get(url, params)
            assert response.status_code == 200, url
            _assert_private_data_absent(url, response.content.decode())


def test_private_rows_are_not_found(client, world):
    for url in (
        f"/api/v1/proposals/{world.draft.pk}/",
        f"/api/v1/proposals/{world.screening.pk}/",
        f"/api/v1/platforms/{world.draft_platform.slug}/",
        f"/api/v1/assessment-results/{world.draft_subject.pk}/",
        f"/api/v1/reports/{world.draft_report.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_public_data_is_there(client, world):
    """The privacy checks above pass on real data: each list holds its public row."""
    data = client.get(f"/api/v1/proposals/{world.protected.pk}/").json()
    assert data["title"] == "Protected case" and data["author"] == ""
    public = client.get(f"/api/v1/proposals/{world.public_proposal.pk}/").json()
    assert public["author"] == "Asel Public" and len(public["responses"]) == 1
    result = client.get(f"/api/v1/assessment-results/{world.published_subject.pk}/").json()
    assert result["overall"] == 4 and result["criteria"][0]["narrative"] == "Agreed"
    assert result["reply"] == "Our reply"
    report = client.get(f"/api/v1/reports/{world.report.pk}/").json()
    assert report["sections"] == {"summary": "Done"} and report["version"] == 1
    profile = client.get(f"/api/v1/unit-profiles/{world.public_proposal.police_unit_id}/").json()
    assert [f["label"] for f in profile["figures"]] == ["Inspectors"]
    assert [r["overall"] for r in profile["results"]] == [4]
    for name in ("responses", "meetings", "problems", "plans"):
        assert client.get(f"/api/v1/{name}/").json()["results"], name
