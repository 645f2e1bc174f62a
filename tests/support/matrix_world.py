"""The world the permissions matrix and the hostile-input tests act in, and how each table row
is exercised in it (its URL, valid posted data, and a probe of the data it changes).

One community forum (with its district council above), another forum in another district, the
forum's local police unit and an unrelated unit, and one object of each kind in the state the
action needs. Actors are built with tests/factories.py and the role services.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Notification,
    NotificationCategory,
    NotificationFrequency,
    NotificationPreference,
    User,
)
from platforms import decisions, registration
from platforms.models import (
    Decision,
    DecisionRule,
    LiaisonOfficer,
    Membership,
    Party,
    Platform,
    PlatformContact,
    PoliceUnit,
    Role,
    Territory,
    ThematicGroup,
)
from platforms.services import (
    group_create,
    group_join,
    group_set_coordinator,
    liaison_assign,
    membership_grant,
    membership_request,
)
from tests.factories import PlatformFactory, PoliceUnitFactory, TerritoryFactory, UserFactory


@dataclass
class Case:
    url: Any  # world -> str
    data: Any  # world -> dict
    probe: Any  # world -> a comparable snapshot of what the action changes
    get: bool = False  # the URL is also a page showing the form: GET it too


def grant(platform, user=None, role=Role.MEMBER, party=Party.CITIZEN, **kwargs) -> Any:
    user = user or UserFactory()
    membership_grant(
        platform=platform, user=user, party=party, role=role, actor=None, check=False, **kwargs
    )
    return user


@dataclass
class World:
    actors: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def officials(self):
        keys = ("secretariat", "liaison", "liaison_other", "unit_head", "admin", "admin_other")
        return [self.actors[k] for k in (*keys, "sysadmin")]


def build() -> World:
    w = World()
    o = w.objects
    today = timezone.localdate()
    forum = PlatformFactory(name="Lebedinovka forum")
    council = forum.parent
    batken = Territory.objects.get(code="KG-B-BATKEN")
    other = PlatformFactory(name="Batken forum", territory=TerritoryFactory(parent=batken))
    district_unit = PoliceUnitFactory(name="Alamudun police", kind=PoliceUnit.Kind.DISTRICT)
    # the local department serving the forum's own aimak (so assessment rounds may cover it)
    unit = PoliceUnitFactory(
        name="Lebedinovka police", parent=district_unit, territory=forum.territory
    )
    other_unit = PoliceUnitFactory(name="Batken police", territory=batken)
    o.update(forum=forum, council=council, other=other, unit=unit, other_unit=other_unit)

    a = w.actors
    a["anonymous"] = None
    a["citizen"] = UserFactory(display_name="Citizen")
    a["member"] = grant(forum)
    term = {"term_start": today - timedelta(days=10), "term_end": today + timedelta(days=300)}
    a["secretariat"] = grant(forum, role=Role.SECRETARIAT, party=Party.NGO, **term)
    past = grant(forum)
    grant(
        forum,
        past,
        role=Role.SECRETARIAT,
        party=Party.NGO,
        term_start=today - timedelta(days=400),
        term_end=today - timedelta(days=5),
    )
    a["secretariat_past"] = past
    a["coordinator"] = grant(forum)
    a["liaison"] = UserFactory()
    liaison_assign(user=a["liaison"], unit=unit)
    a["liaison_other"] = UserFactory()
    liaison_assign(user=a["liaison_other"], unit=other_unit)
    a["unit_head"] = UserFactory()
    liaison_assign(user=a["unit_head"], unit=unit, position=LiaisonOfficer.Position.HEAD)
    a["admin"] = grant(forum, role=Role.ADMIN, party=Party.LSG)
    a["admin_other"] = grant(other, role=Role.ADMIN, party=Party.LSG)
    a["sysadmin"] = UserFactory(is_superuser=True, is_staff=True)
    sam = a["secretariat"]
    for user in a.values():
        if user is not None:
            Notification.objects.create(user=user, verb="test", title="Hello")

    # platforms
    group = group_create(platform=forum, actor=sam, name="Schools", description="")
    group_join(group=group, user=a["coordinator"])
    group_set_coordinator(group=group, actor=sam, user=a["coordinator"])
    o["group"] = group
    o["applicant"] = UserFactory()
    o["request"] = membership_request(
        platform=forum, user=o["applicant"], party=Party.CITIZEN, motivation="I live here"
    )
    o["decision"] = decisions.decision_open(
        platform=forum, actor=sam, matter="other", title="Street lights"
    )
    village = TerritoryFactory(parent=council.territory, name_en="Kok-Jar")
    draft = registration.registration_start(user=a["citizen"], name="Kok-Jar", territory=village)
    registration.registration_update(platform=draft, user=a["citizen"], aims="Safe roads")
    o["contact"] = registration.initiative_add(
        platform=draft, user=a["citizen"], name="Aibek", email=""
    )
    o["draft_platform"] = draft
    # a registration waiting for the answers of local self-government and police
    founder = UserFactory()
    submitted = registration.registration_start(
        user=founder, name="Kyzyl-Suu", territory=forum.territory
    )
    registration.registration_update(platform=submitted, user=founder, aims="Safe roads")
    for name in ("Aida", "Bakyt"):
        registration.initiative_add(platform=submitted, user=founder, name=name, email="")
    # the invitation: the other unit's liaison holds the invited address
    invited = registration.initiative_add(
        platform=submitted, user=founder, name="Lena", email=a["liaison_other"].email
    )
    invited.token_hash = registration.invitation_token_hash("matrix-token")
    invited.save(update_fields=["token_hash"])
    o["invited"] = invited
    registration.registration_submit(platform=submitted, user=founder)
    o["submitted_platform"] = submitted

    from tests.support import matrix_forums, matrix_more

    matrix_forums.build(w)
    matrix_more.build(w)
    return w


def all_cases() -> dict:
    """Every row's case: the app modules add theirs when imported."""
    from tests.support import matrix_forums, matrix_more  # noqa: F401

    return CASES


def _count(qs):
    return qs.count()


CASES: dict[str, Case] = {}


def case(key, **kwargs):
    CASES[key] = Case(**kwargs)


# accounts
case(
    "profile",
    url=lambda w: reverse("accounts:profile"),
    data=lambda w: {"display_name": "New name", "language": "ru"},
    probe=lambda w: _count(User.objects.filter(display_name="New name")),
    get=True,
)
case(
    "notification_settings",
    url=lambda w: reverse("accounts:notification_settings"),
    data=lambda w: {c: NotificationFrequency.WEEKLY for c in NotificationCategory.values},
    probe=lambda w: _count(NotificationPreference.objects.filter(frequency="weekly")),
    get=True,
)
case(
    "notifications_read",
    url=lambda w: reverse("accounts:notifications_read"),
    data=lambda w: {},
    probe=lambda w: _count(Notification.objects.filter(read_at__isnull=True)),
)
case(
    "account_delete",
    url=lambda w: reverse("accounts:privacy"),
    data=lambda w: {"password": "pass-word-123", "confirm": "on"},
    probe=lambda w: list(User.objects.order_by("pk").values_list("pk", "email", "is_active")),
    get=True,
)

# platforms
case(
    "forum_register",
    url=lambda w: reverse("platforms:register"),
    data=lambda w: {"name": "A new forum", "territory": w.forum.territory_id},
    probe=lambda w: _count(Platform.objects.filter(name="A new forum")),
    get=True,
)
case(
    "forum_register_step",
    url=lambda w: reverse(
        "platforms:register_step", kwargs={"slug": w.draft_platform.slug, "step": "aims"}
    ),
    data=lambda w: {"aims": "Changed aims", "problems": "Dark streets"},
    probe=lambda w: Platform.objects.get(pk=w.draft_platform.pk).aims,
    get=True,
)
case(
    "forum_register_remove_contact",
    url=lambda w: reverse(
        "platforms:register_remove_contact",
        kwargs={"slug": w.draft_platform.slug, "pk": w.contact.pk},
    ),
    data=lambda w: {},
    probe=lambda w: _count(PlatformContact.objects.filter(pk=w.contact.pk)),
)
case(
    "forum_invitation",
    url=lambda w: reverse(
        "platforms:invitation",
        kwargs={"slug": w.submitted_platform.slug, "token": "matrix-token"},
    ),
    data=lambda w: {"answer": "accept", "party": "police"},
    probe=lambda w: PlatformContact.objects.filter(pk=w.invited.pk).values_list(
        "invitation", "answered_at", "user"
    )[0],
    get=True,
)
case(
    "forum_answer",
    url=lambda w: reverse("platforms:answer", kwargs={"slug": w.submitted_platform.slug}),
    data=lambda w: {"answer": "acknowledged", "comment": "Noted"},
    probe=lambda w: _count(w.submitted_platform.acknowledgements.all()),
    get=True,
)
case(
    "join",
    url=lambda w: reverse("platforms:join", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"party": Party.CITIZEN, "motivation": "I live here"},
    probe=lambda w: _count(
        Membership.objects.filter(platform=w.forum, status=Membership.Status.REQUESTED)
    ),
    get=True,
)
case(
    "leave",
    url=lambda w: reverse("platforms:leave", kwargs={"slug": w.forum.slug}),
    data=lambda w: {},
    probe=lambda w: _count(Membership.objects.filter(platform=w.forum, status="active")),
)
case(
    "request_approve",
    url=lambda w: reverse("platforms:requests", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"membership": w.request.pk, "action": "approve"},
    probe=lambda w: Membership.objects.get(pk=w.request.pk).status,
    get=True,
)
case(
    "delegate_name",
    url=lambda w: reverse("platforms:delegates", kwargs={"slug": w.forum.slug}),
    data=lambda w: {
        "member": Membership.objects.get(platform=w.forum, user=w.actors["member"]).pk,
        "term_start": timezone.localdate().isoformat(),
        "term_end": (timezone.localdate() + timedelta(days=365)).isoformat(),
    },
    probe=lambda w: _count(Membership.objects.filter(delegated_from=w.forum)),
    get=True,
)
case(
    "group_new",
    url=lambda w: reverse("platforms:group_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"name": "Roads", "description": "Road safety"},
    probe=lambda w: _count(ThematicGroup.objects.filter(platform=w.forum)),
    get=True,
)
case(
    "group_join",
    url=lambda w: reverse("platforms:group", kwargs={"slug": w.forum.slug, "pk": w.group.pk}),
    data=lambda w: {"action": "join"},
    probe=lambda w: _count(ThematicGroup.objects.get(pk=w.group.pk).members.all()),
)
case(
    "group_coordinator",
    url=lambda w: reverse("platforms:group", kwargs={"slug": w.forum.slug, "pk": w.group.pk}),
    data=lambda w: {"action": "coordinator", "coordinator": ""},
    probe=lambda w: ThematicGroup.objects.get(pk=w.group.pk).coordinator_id,
)
case(
    "rules_set",
    url=lambda w: reverse("platforms:rules", kwargs={"slug": w.forum.slug}),
    data=lambda w: {
        "matter": "other",
        "other-kind": "qualified",
        "other-quorum_percent": 60,
        "other-threshold_percent": 67,
    },
    probe=lambda w: list(DecisionRule.objects.filter(platform=w.forum).values_list("kind")),
)
case(
    "decision_new",
    url=lambda w: reverse("platforms:decision_new", kwargs={"slug": w.forum.slug}),
    data=lambda w: {"matter": "other", "title": "Bus stop"},
    probe=lambda w: _count(Decision.objects.filter(platform=w.forum)),
)
case(
    "decision_vote",
    url=lambda w: w.decision.get_absolute_url(),
    data=lambda w: {"choice": "yes"},
    probe=lambda w: _count(w.decision.votes.all()),
)
case(
    "decision_close",
    url=lambda w: w.decision.get_absolute_url(),
    data=lambda w: {"action": "close"},
    probe=lambda w: Decision.objects.get(pk=w.decision.pk).status,
)
