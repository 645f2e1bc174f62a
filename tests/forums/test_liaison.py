"""The liaison dashboard works on a phone: counters are filter links, "assigned to me" exists,
and a head assigning sees each officer's unit."""

import pytest
from django.urls import reverse

from forums import services
from platforms.models import LiaisonOfficer
from platforms.services import liaison_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(forum, alice, local_unit):
    return [
        services.proposal_create(
            platform=forum,
            author=alice,
            title=f"Проблема {i}",
            body="b",
            category="youth",
            police_unit=local_unit,
            submit=True,
        )
        for i in range(2)
    ]


def test_counters_are_links_that_filter_the_queue(client, two, leo, district_unit, local_unit):
    head = UserFactory()
    liaison_assign(user=head, unit=district_unit, position=LiaisonOfficer.Position.HEAD)
    services.proposal_assign(proposal=two[0], actor=head, officer=leo)
    client.force_login(leo)
    page = client.get(reverse("forums:liaison")).content.decode()
    for show in ("all", "unanswered", "overdue", "mine"):
        assert f'href="?show={show}"' in page
    mine = client.get(reverse("forums:liaison"), {"show": "mine"})
    assert [p.pk for p in mine.context["rows"]] == [two[0].pk]
    assert mine.context["counts"]["mine"] == 1 and mine.context["counts"]["total"] == 2
    overdue = client.get(reverse("forums:liaison"), {"show": "overdue"})
    assert overdue.context["rows"] == []
    junk = client.get(reverse("forums:liaison"), {"show": "\x00<script>"})
    assert junk.status_code == 200 and len(junk.context["rows"]) == 2


def test_the_assign_list_names_each_officers_unit(client, two, leo, district_unit, local_unit):
    head = UserFactory()
    liaison_assign(user=head, unit=district_unit, position=LiaisonOfficer.Position.HEAD)
    client.force_login(head)
    page = client.get(two[0].get_absolute_url()).content.decode()
    assert f"{leo.public_name} — {local_unit.name}" in page
