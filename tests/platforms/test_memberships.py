"""Join requests, terms, delegates and thematic groups: allowed and refused per role."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from platforms import permissions, services
from platforms.models import Membership, Party, PlatformEvent, Role
from tests.factories import MembershipFactory, ThematicGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_request_then_approve_by_secretariat(forum, cyril, sam):
    m = services.membership_request(
        platform=forum, user=cyril, party=Party.CITIZEN, motivation="I live here"
    )
    assert m.status == Membership.Status.REQUESTED
    assert not permissions.can_participate(cyril, forum)
    assert Notification.objects.filter(user=sam, verb="membership.requested").exists()
    services.membership_approve(membership=m, actor=sam)
    assert permissions.can_participate(cyril, forum)


def test_request_twice_refused(forum, cyril):
    services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    with pytest.raises(ValidationError):
        services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    assert Membership.objects.filter(user=cyril).count() == 1


def test_concurrent_double_request_hits_the_constraint(forum, cyril):
    services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            platform=forum, user=cyril, party=Party.CITIZEN, status="requested"
        )


def test_official_party_cannot_be_requested(forum, cyril):
    with pytest.raises(ValidationError) as exc:
        services.membership_request(platform=forum, user=cyril, party=Party.POLICE)
    assert "party" in exc.value.message_dict


def test_refuse_needs_a_reason_and_is_public_history(forum, cyril, paula):
    m = services.membership_request(platform=forum, user=cyril, party=Party.NGO)
    with pytest.raises(ValidationError):
        services.membership_refuse(membership=m, actor=paula, reason=" ")
    services.membership_refuse(membership=m, actor=paula, reason="Not resident")
    m.refresh_from_db()
    assert m.status == Membership.Status.REFUSED and m.refusal_reason == "Not resident"
    assert PlatformEvent.objects.filter(membership=m, new="refused").exists()


def test_members_and_outsiders_cannot_decide_requests(forum, cyril, alice, leo):
    m = services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    for actor in (alice, leo):
        with pytest.raises(PermissionDenied):
            services.membership_approve(membership=m, actor=actor)


def test_nobody_approves_their_own_request(forum, paula):
    m = MembershipFactory(
        platform=forum,
        user=paula,
        party=Party.NGO,
        role=Role.MODERATOR,
        status=Membership.Status.REQUESTED,
    )
    with pytest.raises(ValidationError):
        services.membership_approve(membership=m, actor=paula)


def test_expired_secretariat_cannot_approve(forum, cyril, sam):
    m = services.membership_request(platform=forum, user=cyril, party=Party.CITIZEN)
    Membership.objects.filter(user=sam, role=Role.SECRETARIAT).update(
        term_end=timezone.localdate() - timedelta(days=1),
        term_start=timezone.localdate() - timedelta(days=30),
    )
    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=m, actor=sam)


def test_terms_remind_once_then_end(forum, sam):
    m = Membership.objects.get(user=sam, role=Role.SECRETARIAT)
    today = timezone.localdate()
    Membership.objects.filter(pk=m.pk).update(term_end=today + timedelta(days=20))
    assert services.terms_check(today=today) == {"reminded": 1, "ended": 0}
    assert services.terms_check(today=today) == {"reminded": 0, "ended": 0}
    assert Notification.objects.filter(user=sam, verb="membership.term_ending").count() == 1
    assert services.terms_check(today=today + timedelta(days=21))["ended"] == 1
    m.refresh_from_db()
    assert m.status == Membership.Status.ENDED
    assert not permissions.can_act_as_secretariat(sam, forum)


def test_secretariat_names_a_delegate_to_the_council(forum, council, sam, alice):
    today = timezone.localdate()
    d = services.delegate_name(
        platform=forum,
        user=alice,
        actor=sam,
        term_start=today,
        term_end=today + timedelta(days=365),
    )
    assert d.platform == council and d.party == Party.DELEGATE and d.delegated_from == forum
    assert permissions.can_participate(alice, council)
    # the lower secretariat may recall its delegate
    services.membership_end(membership=d, actor=sam, reason="recalled")
    assert not permissions.can_participate(alice, council)


def test_delegate_refused_for_members_and_non_members(forum, sam, alice, cyril):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.delegate_name(
            platform=forum,
            user=alice,
            actor=alice,
            term_start=today,
            term_end=today + timedelta(days=5),
        )
    with pytest.raises(ValidationError):
        services.delegate_name(
            platform=forum,
            user=cyril,
            actor=sam,
            term_start=today,
            term_end=today + timedelta(days=5),
        )


def test_groups_join_leave_and_missing_parties(forum, sam, alice, cyril):
    group = services.group_create(platform=forum, actor=sam, name="Youth")
    with pytest.raises(PermissionDenied):
        services.group_create(platform=forum, actor=alice, name="Not allowed")
    services.group_join(group=group, user=alice)
    with pytest.raises(ValidationError):
        services.group_join(group=group, user=alice)
    with pytest.raises(PermissionDenied):
        services.group_join(group=group, user=cyril)
    parties = set(group.members.values_list("party", flat=True))
    assert services.group_missing_parties(parties) == [Party.NGO, Party.LSG, Party.POLICE]
    services.group_join(group=group, user=sam)  # NGO
    parties = set(group.members.values_list("party", flat=True))
    assert services.group_missing_parties(parties) == [Party.LSG, Party.POLICE]
    services.group_set_coordinator(group=group, actor=sam, user=alice)
    with pytest.raises(PermissionDenied):
        services.group_set_coordinator(group=group, actor=alice, user=alice)
    with pytest.raises(ValidationError):
        services.group_set_coordinator(group=group, actor=sam, user=cyril)
    services.group_leave(group=group, user=alice)
    group.refresh_from_db()
    assert group.coordinator is None


def test_group_page_warns_of_missing_parties(client, forum, alice):
    group = ThematicGroupFactory(platform=forum)
    response = client.get(reverse("platforms:group", args=[forum.slug, group.pk]))
    assert len(response.context["missing"]) == 3
    assert str(Party.POLICE.label) in response.content.decode()


def test_join_and_requests_pages(client, forum, cyril, sam, alice):
    client.force_login(cyril)
    response = client.post(
        reverse("platforms:join", args=[forum.slug]), {"party": "police", "motivation": "keep me"}
    )
    assert response.status_code == 200 and "keep me" in response.content.decode()
    response = client.post(reverse("platforms:join", args=[forum.slug]), {"party": "citizen"})
    assert response.status_code == 302
    assert client.get(reverse("platforms:requests", args=[forum.slug])).status_code == 403
    client.force_login(alice)
    assert client.get(reverse("platforms:requests", args=[forum.slug])).status_code == 403
    client.force_login(sam)
    page = client.get(reverse("platforms:requests", args=[forum.slug]))
    assert page.status_code == 200 and cyril.public_name in page.content.decode()
    m = Membership.objects.get(user=cyril)
    client.post(
        reverse("platforms:requests", args=[forum.slug]), {"membership": m.pk, "action": "approve"}
    )
    m.refresh_from_db()
    assert m.status == Membership.Status.ACTIVE


def test_history_is_public_without_emails(client, forum, alice):
    body = client.get(reverse("platforms:history", args=[forum.slug])).content.decode()
    assert alice.public_name in body and alice.email not in body


@pytest.mark.parametrize("size", [5, 60])
def test_history_and_platform_pages_stay_flat(client, forum, size, django_assert_num_queries):
    for _ in range(size):
        services.membership_grant(
            platform=forum, user=UserFactory(), party=Party.CITIZEN, actor=None, check=False
        )
    # 1 platform, 1 page of events with memberships, users and represented platforms (keyset)
    with django_assert_num_queries(2):
        assert client.get(reverse("platforms:history", args=[forum.slug])).status_code == 200
    # the platform page: platform, members, term holders, groups, children, founders (the
    # counts per party are on the platform row)
    with django_assert_num_queries(6):
        assert client.get(forum.get_absolute_url()).status_code == 200
