"""What the admin does to roles, memberships, posts and statuses, through its real forms.

Every write path goes through a service: a member added in the admin can take part, an officer
posted there can answer, each change leaves an event, and guardian's cache follows the roles.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from forums import services as forum_services
from forums.models import PoliceResponse
from platforms import permissions
from platforms.models import (
    DecisionRule,
    LiaisonOfficer,
    Membership,
    Party,
    Platform,
    PlatformContact,
    PlatformEvent,
    PoliceUnit,
    Role,
    ThematicGroup,
)
from platforms.roles import (
    cached_platform_grants,
    cached_unit_grants,
    granted_platform_permissions,
)
from tests.factories import ThematicGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def _action(admin_client, model: str, action: str, pks):
    return admin_client.post(
        reverse(f"admin:platforms_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
    )


# -- memberships ----------------------------------------------------------------------------------


def test_a_member_added_in_the_admin_can_take_part(admin_client, client, forum, sysadmin):
    newcomer = UserFactory()
    response = admin_client.post(
        reverse("admin:platforms_membership_add"),
        {
            "user": newcomer.pk,
            "platform": forum.pk,
            "party": Party.CITIZEN,
            "role": Role.MEMBER,
            "organisation": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    m = Membership.objects.get(user=newcomer, platform=forum)
    assert m.status == Membership.Status.ACTIVE
    assert PlatformEvent.objects.filter(membership=m, new="active", actor=sysadmin).exists()
    assert granted_platform_permissions(user=newcomer, platform=forum) == {"participate_platform"}
    # and on the portal: the new-proposal page opens and a proposal goes in
    client.force_login(newcomer)
    assert client.get(reverse("forums:proposal_new", args=[forum.slug])).status_code == 200
    assert permissions.can_participate(newcomer, forum)


def test_a_secretariat_added_in_the_admin_needs_a_term(admin_client, forum):
    user = UserFactory()
    url = reverse("admin:platforms_membership_add")
    data = {"user": user.pk, "platform": forum.pk, "party": Party.NGO, "role": Role.SECRETARIAT}
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the term error
    assert not Membership.objects.filter(user=user).exists()
    today = timezone.localdate()
    data |= {"term_start": today, "term_end": today + timedelta(days=365)}
    assert admin_client.post(url, data).status_code == 302
    assert permissions.can_act_as_secretariat(user, forum)
    assert "secretariat_platform" in granted_platform_permissions(user=user, platform=forum)


def test_the_admin_cannot_add_the_same_role_twice(admin_client, forum, alice):
    response = admin_client.post(
        reverse("admin:platforms_membership_add"),
        {"user": alice.pk, "platform": forum.pk, "party": Party.CITIZEN, "role": Role.MEMBER},
    )
    assert response.status_code == 200
    assert Membership.objects.filter(user=alice, platform=forum).count() == 1


def test_ending_a_membership_in_the_admin_revokes_and_records(admin_client, forum, alice, sysadmin):
    m = Membership.objects.get(user=alice, platform=forum)
    response = _action(admin_client, "membership", "end_memberships", [m.pk])
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == Membership.Status.ENDED
    assert PlatformEvent.objects.filter(membership=m, new="ended", actor=sysadmin).exists()
    assert granted_platform_permissions(user=alice, platform=forum) == frozenset()
    assert not permissions.can_participate(alice, forum)


def test_a_membership_cannot_be_edited_in_the_admin(admin_client, forum, alice):
    m = Membership.objects.get(user=alice, platform=forum)
    url = reverse("admin:platforms_membership_change", args=[m.pk])
    response = admin_client.post(
        url, {"user": alice.pk, "platform": forum.pk, "party": "citizen", "role": "admin"}
    )
    assert response.status_code == 403
    delete = reverse("admin:platforms_membership_delete", args=[m.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    m.refresh_from_db()
    assert m.role == Role.MEMBER


def test_the_platform_page_of_the_admin_shows_memberships_but_adds_none(admin_client, forum, alice):
    inline = admin.site._registry[Platform].inlines[0]
    assert inline.model is Membership
    response = admin_client.get(reverse("admin:platforms_platform_change", args=[forum.pk]))
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.model is Membership
    )
    assert not formset.has_add_permission
    assert set(formset.formset.form.base_fields) == set()  # every column read-only


# -- liaison posts --------------------------------------------------------------------------------


def test_an_officer_posted_in_the_admin_can_answer(
    admin_client, client, forum, alice, local_unit, sysadmin
):
    proposal = forum_services.proposal_create(
        platform=forum,
        author=alice,
        title="Broken lights by the school",
        body="B",
        category="school",
        police_unit=local_unit,
        submit=True,
    )
    officer = UserFactory()
    response = admin_client.post(
        reverse("admin:platforms_liaisonofficer_add"),
        {"user": officer.pk, "unit": local_unit.pk, "position": LiaisonOfficer.Position.LIAISON},
    )
    assert response.status_code == 302, response.content[:2000]
    post = LiaisonOfficer.objects.get(user=officer, unit=local_unit, active=True)
    assert PlatformEvent.objects.filter(post=post, unit=local_unit, actor=sysadmin).exists()
    assert (officer.pk, local_unit.pk, "respond_policeunit") in cached_unit_grants()

    client.force_login(officer)
    dashboard = client.get(reverse("forums:liaison"))
    assert dashboard.status_code == 200
    assert "Broken lights by the school" in dashboard.content.decode()
    answered = client.post(
        reverse("forums:respond", args=[proposal.pk]),
        {"status": "in_progress", "text": "A patrol goes there tonight.", "publish": "on"},
    )
    assert answered.status_code == 302
    assert PoliceResponse.objects.filter(proposal=proposal, author=officer).exists()


def test_ending_a_post_in_the_admin_ends_the_answering(admin_client, client, leo, local_unit):
    post = LiaisonOfficer.objects.get(user=leo, active=True)
    assert _action(admin_client, "liaisonofficer", "end_posts", [post.pk]).status_code == 302
    post.refresh_from_db()
    assert not post.active
    assert PlatformEvent.objects.filter(post=post, new="ended").exists()
    assert (leo.pk, local_unit.pk, "respond_policeunit") not in cached_unit_grants()
    client.force_login(leo)
    assert client.get(reverse("forums:liaison")).status_code == 403


def test_a_post_cannot_be_edited_or_added_on_the_unit_page(admin_client, leo, local_unit):
    post = LiaisonOfficer.objects.get(user=leo)
    response = admin_client.post(
        reverse("admin:platforms_liaisonofficer_change", args=[post.pk]),
        {"user": leo.pk, "unit": local_unit.pk, "position": "head"},
    )
    assert response.status_code == 403
    response = admin_client.get(reverse("admin:platforms_policeunit_change", args=[local_unit.pk]))
    formset = response.context["inline_admin_formsets"][0]
    assert formset.formset.model is LiaisonOfficer
    assert not formset.has_add_permission


# -- platform statuses -----------------------------------------------------------------------------


def test_closing_a_platform_in_the_admin_records_it(admin_client, forum, sysadmin):
    assert _action(admin_client, "platform", "close_platforms", [forum.pk]).status_code == 302
    forum.refresh_from_db()
    assert forum.status == Platform.Status.CLOSED
    assert PlatformEvent.objects.filter(
        platform=forum, kind="status", old="active", new="closed", actor=sysadmin
    ).exists()
    assert _action(admin_client, "platform", "reopen_platforms", [forum.pk]).status_code == 302
    forum.refresh_from_db()
    assert forum.status == Platform.Status.ACTIVE
    assert PlatformEvent.objects.filter(platform=forum, old="closed", new="active").exists()


def test_the_status_is_not_a_field_of_the_platform_change_form(admin_client, forum):
    response = admin_client.get(reverse("admin:platforms_platform_change", args=[forum.pk]))
    assert "status" not in response.context["adminform"].form.fields
    data = {
        "name": forum.name,
        "slug": forum.slug,
        "level": forum.level,
        "parent": forum.parent_id,
        "territory": forum.territory_id,
        "kind": forum.kind,
        "status": "closed",
        "response_days": 30,
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    admin_client.post(reverse("admin:platforms_platform_change", args=[forum.pk]), data)
    forum.refresh_from_db()
    assert forum.status == Platform.Status.ACTIVE
    assert not PlatformEvent.objects.filter(platform=forum, new="closed").exists()


# -- decision rules --------------------------------------------------------------------------------


def test_a_decision_rule_set_in_the_admin_is_checked_and_recorded(admin_client, forum, sysadmin):
    rule_data = {"kind": "consensus", "quorum_percent": 60, "threshold_percent": 100}
    response = admin_client.post(
        reverse("admin:platforms_decisionrule_add"),
        {"platform": forum.pk, "matter": "proposal", **rule_data},
    )
    assert response.status_code == 302
    rule = DecisionRule.objects.get(platform=forum, matter="proposal")
    assert (rule.kind, rule.quorum_percent) == ("consensus", 60)
    change = reverse("admin:platforms_decisionrule_change", args=[rule.pk])
    # the platform and the matter are fixed once set; the rule changes, with its event
    admin_client.post(change, {**rule_data, "kind": "simple", "platform": 0, "matter": "plan"})
    rule.refresh_from_db()
    assert (rule.platform, rule.matter, rule.kind) == (forum, "proposal", "simple")
    events = PlatformEvent.objects.filter(platform=forum, kind="decision", actor=sysadmin)
    assert list(events.order_by("pk").values_list("old", "new")) == [
        ("consensus", "consensus"),
        ("consensus", "simple"),
    ]
    # never deleted: decisions taken under it name it
    delete = reverse("admin:platforms_decisionrule_delete", args=[rule.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert DecisionRule.objects.filter(pk=rule.pk).exists()


def test_staff_who_do_not_run_the_platform_cannot_set_its_rules_in_the_admin(client, forum):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_decisionrule"))
    client.force_login(staff)
    response = client.post(
        reverse("admin:platforms_decisionrule_add"),
        {
            "platform": forum.pk,
            "matter": "plan",
            "kind": "simple",
            "quorum_percent": 1,
            "threshold_percent": 50,
        },
    )
    assert response.status_code == 403
    assert not DecisionRule.objects.filter(platform=forum).exists()
    assert not PlatformEvent.objects.filter(platform=forum, kind="decision").exists()


def test_a_platform_added_in_the_admin_has_its_created_event(admin_client, council, sysadmin):
    response = admin_client.post(
        reverse("admin:platforms_platform_add"),
        {
            "name": "Admin-made forum",
            "slug": "admin-made-forum",
            "level": "community",
            "parent": council.pk,
            "territory": council.territory_id,
            "kind": "lcpc",
            "status": "active",
            "response_days": 30,
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content[:3000]
    made = Platform.objects.get(slug="admin-made-forum")
    assert PlatformEvent.objects.filter(platform=made, kind="created", actor=sysadmin).exists()


# -- nothing else writes roles ---------------------------------------------------------------------


def test_guardian_object_permission_pages_are_gone(admin_client, forum, local_unit):
    for name, obj in (("platform", forum), ("policeunit", local_unit)):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:platforms_{name}_permissions", args=[obj.pk])
        url = reverse(f"admin:platforms_{name}_change", args=[obj.pk]) + "permissions/"
        assert admin_client.get(url).status_code in (302, 404)  # the admin's "not found" redirect
    registered = {m._meta.app_label for m in admin.site._registry}
    assert "guardian" not in registered


def test_invitation_answers_and_accounts_are_read_only_in_the_admin(admin_client, forum, cyril):
    contact = PlatformContact.objects.create(
        platform=forum, name="Aida", email="aida@example.org", source="initiative"
    )
    response = admin_client.post(
        reverse("admin:platforms_platformcontact_change", args=[contact.pk]),
        {
            "platform": forum.pk,
            "name": "Aida K.",
            "email": "aida@example.org",
            "phone": "",
            "committee": "",
            "source": "initiative",
            "user": cyril.pk,
            "invitation": "accepted",
            "party": "citizen",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    contact.refresh_from_db()
    assert contact.name == "Aida K."
    assert contact.user is None and contact.invitation == ""


def test_a_group_coordinator_is_not_named_in_the_admin(admin_client, forum, alice):
    group = ThematicGroupFactory(platform=forum)
    admin_client.post(
        reverse("admin:platforms_thematicgroup_change", args=[group.pk]),
        {"platform": forum.pk, "name": group.name, "description": "", "coordinator": alice.pk},
    )
    group.refresh_from_db()
    assert group.coordinator is None
    assert ThematicGroup.objects.filter(pk=group.pk).exists()


def test_the_cache_rebuilt_equals_the_memberships_and_posts(forum, alice, sam, paula, leo, lena):
    """The grants are a cache: a full rebuild changes nothing, and matches the truth."""
    # drift on purpose: a stray grant and a lost one, as a raw write would leave them
    from guardian.shortcuts import assign_perm, remove_perm

    from platforms.roles import (
        expected_platform_grants,
        expected_unit_grants,
        roles_rebuild,
    )

    stranger = UserFactory()
    assign_perm("platforms.administer_platform", stranger, forum)
    remove_perm("platforms.participate_platform", alice, forum)
    assert cached_platform_grants() != expected_platform_grants()
    changed = roles_rebuild()
    assert changed == {"added": 1, "removed": 1}
    assert cached_platform_grants() == expected_platform_grants()
    assert cached_unit_grants() == expected_unit_grants()
    assert roles_rebuild() == {"added": 0, "removed": 0}
    assert PoliceUnit.objects.exists()
