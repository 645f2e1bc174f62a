"""Factories for every model; named personas are built on them in conftest.py."""

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from platforms.models import (
    LiaisonOfficer,
    Membership,
    Party,
    Platform,
    PoliceUnit,
    Role,
    Territory,
    ThematicGroup,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"T-{n}")
    kind = Territory.Kind.AYIL_AIMAK
    name_en = factory.Sequence(lambda n: f"Aimak {n}")
    name_ru = factory.LazyAttribute(lambda o: f"{o.name_en} (ru)")
    name_ky = factory.LazyAttribute(lambda o: f"{o.name_en} (ky)")
    parent = factory.LazyFunction(lambda: Territory.objects.get(code="KG-C-ALAMUDUN"))


def national_council() -> Platform:
    existing = Platform.objects.filter(level=Platform.Level.NATIONAL).first()
    return existing or PlatformFactory(
        level=Platform.Level.NATIONAL,
        parent=None,
        kind="",
        territory=Territory.objects.get(code="KG"),
        name="National council",
        slug="national",
    )


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    level = Platform.Level.COMMUNITY
    kind = Platform.Kind.INITIATIVE
    status = Platform.Status.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)
    territory = factory.SubFactory(TerritoryFactory)
    parent = factory.LazyAttribute(
        lambda o: council_for(o.territory) if o.level == "community" else None
    )
    aims = "Safer streets"


class CouncilFactory(PlatformFactory):
    name = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")
    level = Platform.Level.DISTRICT
    kind = ""
    territory = factory.LazyFunction(lambda: Territory.objects.get(code="KG-C-ALAMUDUN"))
    parent = factory.LazyFunction(national_council)


def council_for(territory: Territory) -> Platform:
    council_t = territory.council_territory()
    existing = Platform.objects.filter(level=Platform.Level.DISTRICT, territory=council_t).first()
    return existing or CouncilFactory(territory=council_t)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A raw membership row; use the membership services to also grant permissions."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    platform = factory.SubFactory(PlatformFactory)
    party = Party.CITIZEN
    role = Role.MEMBER
    status = Membership.Status.ACTIVE

    @factory.post_generation
    def counted(self, create, extracted, **kwargs):
        """The platform's member count follows, as the membership services keep it."""
        if create:
            from platforms.services import platform_member_count_refresh

            platform_member_count_refresh(platform_id=self.platform_id)


class ThematicGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicGroup

    platform = factory.SubFactory(PlatformFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class PoliceUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceUnit

    name = factory.Sequence(lambda n: f"Police unit {n}")
    kind = PoliceUnit.Kind.LOCAL
    territory = factory.LazyFunction(lambda: Territory.objects.get(code="KG-C-ALAMUDUN"))
    parent = None


class LiaisonOfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonOfficer

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(PoliceUnitFactory)
