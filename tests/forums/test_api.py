"""The open data API: public data only, protected authors unnamed, cursor paging with flat query
counts, an OpenAPI schema and offline docs."""

import pytest
from django.urls import reverse

from forums import services

pytestmark = pytest.mark.django_db


def test_proposals_are_public_only_and_protected_authors_unnamed(client, forum, alice, local_unit):
    services.proposal_create(
        platform=forum, author=alice, title="Черновик", body="b", category="youth"
    )
    protected = services.proposal_create(
        platform=forum,
        author=alice,
        title="Свидетель",
        body="b",
        category="youth",
        police_unit=local_unit,
        protect_author=True,
        submit=True,
    )
    data = client.get("/api/v1/proposals/").json()
    titles = [p["title"] for p in data["results"]]
    assert titles == ["Свидетель"]
    assert data["results"][0]["author"] == ""
    assert (
        alice.public_name not in client.get(f"/api/v1/proposals/{protected.pk}/").content.decode()
    )
    assert "next" in data and "count" not in data  # cursor paging: no COUNT


def test_proposal_detail_has_answers_and_timeline(client, proposal, leo):
    services.response_log(proposal=proposal, actor=leo, status="accepted", text="Патруль.")
    data = client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert data["responses"][0]["text"] == "Патруль."
    assert [e["kind"] for e in data["timeline"]][:2] == ["created", "submitted"]


def test_filters_and_hostile_values(client, proposal, forum):
    assert client.get("/api/v1/proposals/", {"platform": forum.slug}).json()["results"]
    assert client.get("/api/v1/proposals/", {"state": "resolved"}).json()["results"] == []
    for bad in (
        {"police_unit": "abc"},
        {"state": "\x00"},
        {"territory": "\x00"},
        {"cursor": "junk"},
        {"submitted_after": "yesterday"},
    ):
        assert client.get("/api/v1/proposals/", bad).status_code in (200, 400, 404)


def test_platforms_territories_units_and_drafts_hidden(client, forum):
    from tests.factories import PlatformFactory

    draft = PlatformFactory(status="draft")
    slugs = {
        p["slug"] for p in client.get("/api/v1/platforms/", {"page_size": 200}).json()["results"]
    }
    assert forum.slug in slugs and draft.slug not in slugs
    assert client.get(f"/api/v1/platforms/{draft.slug}/").status_code == 404
    assert client.get("/api/v1/territories/KG/").json()["name_ru"]
    assert client.get("/api/v1/police-units/").status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_proposal_list_query_count_is_flat(client, forum, alice, size, django_assert_num_queries):
    for i in range(size):
        services.proposal_create(
            platform=forum, author=alice, title=f"P{i}", body="b", category="youth", submit=True
        )
    # one query: the page of proposals with platforms, origin, territory and author joined
    with django_assert_num_queries(1):
        assert client.get("/api/v1/proposals/").status_code == 200


def test_schema_and_offline_docs(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200 and b"/api/v1/proposals/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower()


def test_pages_send_a_content_security_policy_without_inline_scripts(client, proposal):
    for url in ("/", proposal.get_absolute_url(), reverse("api-docs")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        )
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        if response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            # every script is a file of this site: none inline
            assert "<script>" not in body
