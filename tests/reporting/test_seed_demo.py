import io

import pytest
from django.core.management import call_command

from accounts.models import User
from forums.models import Proposal
from platforms.models import Membership, Platform, PoliceUnit, Territory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Platform.objects.count(),
        Membership.objects.count(),
        PoliceUnit.objects.count(),
        User.objects.count(),
        Proposal.objects.count(),
    )


def test_seed_demo_builds_the_structure_and_is_idempotent(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    assert Platform.objects.filter(level="national").count() == 1
    councils = Territory.objects.filter(kind__in=Territory.COUNCIL_KINDS).count()
    assert Platform.objects.filter(level="district").count() == councils == 71
    assert Platform.objects.filter(level="community").count() > 250
    assert Platform.objects.filter(kind="lcpc").count() > 150
    parties = set(Membership.objects.values_list("party", flat=True))
    assert {
        "citizen",
        "ngo",
        "lsg",
        "police",
        "lcpc",
        "authority",
        "national_ngo",
        "delegate",
    } <= parties
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert client.login(username="liaison@demo.openplatforms.kg", password="open-platforms-demo")
