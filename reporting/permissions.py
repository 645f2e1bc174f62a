"""One check per action of plans and reports, each paired with the queryset it implies."""

from django.db.models import Q, QuerySet

from platforms import permissions as platform_permissions
from platforms.models import Membership, Party, Platform
from reporting.models import AnnualReport, StrategicPlan

# Parties whose current members endorse a plan for local self-government.
LSG_PARTIES = (Party.LSG, Party.LOCAL_ADMIN)


def can_manage_reporting(user, platform: Platform) -> bool:
    """The secretariat, within its term, drafts and publishes the platform's plans and reports."""
    return platform.is_public and platform_permissions.can_act_as_secretariat(user, platform)


def reports_managed_by(user) -> QuerySet[AnnualReport]:
    """Reports whose drafts the user may see and change: those of their secretariats."""
    if not user.is_authenticated:
        return AnnualReport.objects.none()
    if user.is_superuser:
        return AnnualReport.objects.all()
    platforms = Membership.objects.current().filter(user=user, role="secretariat")
    return AnnualReport.objects.filter(platform__in=platforms.values("platform"))


def can_view_report(user, report: AnnualReport) -> bool:
    """A published report is public; a draft only to the secretariat that writes it."""
    return report.is_public or can_manage_reporting(user, report.platform)


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    public = Q(status__in=AnnualReport.PUBLIC_STATUSES)
    return AnnualReport.objects.filter(public | Q(pk__in=reports_managed_by(user).values("pk")))


def can_view_plan(user, plan: StrategicPlan) -> bool:
    """An adopted plan is public; before adoption the platform's members read it too."""
    if plan.is_public:
        return True
    return can_manage_reporting(user, plan.platform) or platform_permissions.can_participate(
        user, plan.platform
    )


def plans_visible_to(user) -> QuerySet[StrategicPlan]:
    public = Q(status=StrategicPlan.Status.ADOPTED)
    if not user.is_authenticated:
        return StrategicPlan.objects.filter(public)
    mine = Membership.objects.current().filter(user=user).values("platform")
    return StrategicPlan.objects.filter(public | Q(platform__in=mine))


def endorsing_party(user, plan: StrategicPlan) -> str | None:
    """The party (police or LSG) for which the user may endorse this adopted plan, if any.

    Police: a liaison officer answering for a unit of a plan action or of the platform's
    territory. Local self-government: a current LSG or local-administration member of the platform.
    """
    if not user.is_authenticated or plan.status != StrategicPlan.Status.ADOPTED:
        return None
    unit = endorsing_unit(user, plan)
    if unit is not None:
        return Party.POLICE
    if (
        Membership.objects.current()
        .filter(user=user, platform=plan.platform, party__in=LSG_PARTIES)
        .exists()
    ):
        return Party.LSG
    return None


def endorsing_unit(user, plan: StrategicPlan):
    """The police unit the user endorses the plan for, or None."""
    units = platform_permissions.units_user_responds_for(user)
    territory = plan.platform.territory
    return (
        units.filter(Q(plan_actions__plan=plan) | Q(territory=territory)).order_by("path").first()
    )
