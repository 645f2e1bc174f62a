"""seed_demo prints an account for every role a journey needs, each really holding it."""

import io
import re

import pytest
from django.core.management import call_command

from accounts.models import User
from platforms import selectors
from platforms.models import LiaisonOfficer, Membership, Platform, Role

pytestmark = pytest.mark.django_db

JOURNEY_ROLES = {
    "citizen",
    "member",
    "secretariat",
    "council-secretariat",
    "national-secretariat",
    "platform-admin",
    "liaison",
    "unit-head",
    "inspector",
    "district-lsg",
    "aimak-lsg",
    "sysadmin",
}


def test_seed_demo_prints_every_journey_role_with_its_email_and_where_mail_goes():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    printed = dict(re.findall(r"^  ([a-z-]+) +(\S+@demo\.openplatforms\.kg)\b", text, re.M))
    assert JOURNEY_ROLES <= set(printed), text
    assert "make run" in text and "console" in text
    users = {role: User.objects.get(email=email) for role, email in printed.items()}

    def secretariat_of(platform):
        return Membership.objects.current().filter(platform=platform, role=Role.SECRETARIAT)

    national = Platform.objects.get(level=Platform.Level.NATIONAL)
    assert secretariat_of(national).filter(user=users["national-secretariat"]).exists()
    home_forum = Membership.objects.current().get(user=users["member"]).platform
    council = home_forum.parent
    assert secretariat_of(council).filter(user=users["council-secretariat"]).exists()
    assert LiaisonOfficer.objects.filter(
        user=users["unit-head"],
        position=LiaisonOfficer.Position.HEAD,
        unit__territory=council.territory,
    ).exists()
    # a forum registered in the home forum's territory is answered by these accounts
    lsg = set(selectors.lsg_people(home_forum.territory))
    assert {users["district-lsg"], users["aimak-lsg"]} <= lsg
    police = set(selectors.forum_police_contacts(home_forum))
    assert users["inspector"] in police
