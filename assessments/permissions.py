"""One check per action, each paired with the queryset it implies (assessments).

Built on platforms.permissions: the secretariat manages rounds, current members take part,
a unit's liaison officers (and those above them) answer for it.
"""

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from assessments import transitions as T
from assessments.models import Poll, Recommendation, Residence, Round, Subject, TargetKind
from platforms import permissions as pp
from platforms.models import LiaisonOfficer, Membership, Party, Platform, PoliceUnit

# Which target kinds a platform of each level assesses (the brief's "Levels").
TARGETS_BY_LEVEL = {
    Platform.Level.NATIONAL: (TargetKind.MINISTRY,),
    Platform.Level.DISTRICT: (TargetKind.TERRITORIAL,),
    Platform.Level.COMMUNITY: (TargetKind.LOCAL, TargetKind.NEIGHBOURHOOD, TargetKind.JUVENILE),
}
UNIT_KINDS_BY_TARGET = {
    TargetKind.MINISTRY: (PoliceUnit.Kind.MINISTRY,),
    TargetKind.TERRITORIAL: (PoliceUnit.Kind.DIRECTORATE, PoliceUnit.Kind.DISTRICT),
    TargetKind.LOCAL: (PoliceUnit.Kind.LOCAL,),
    TargetKind.NEIGHBOURHOOD: (PoliceUnit.Kind.LOCAL,),
    TargetKind.JUVENILE: (PoliceUnit.Kind.LOCAL,),
}
OFFICER_POSITION_BY_TARGET = {
    TargetKind.NEIGHBOURHOOD: LiaisonOfficer.Position.NEIGHBOURHOOD,
    TargetKind.JUVENILE: LiaisonOfficer.Position.JUVENILE,
}


# Scope ---------------------------------------------------------------------------------------


def units_in_scope(platform: Platform, target_kind: str) -> QuerySet[PoliceUnit]:
    """The units a platform may assess for a target kind: its level's kinds, in its territory."""
    if target_kind not in TARGETS_BY_LEVEL.get(platform.level, ()):
        return PoliceUnit.objects.none()
    qs = PoliceUnit.objects.filter(kind__in=UNIT_KINDS_BY_TARGET[target_kind])
    if platform.level != Platform.Level.NATIONAL:
        qs = qs.filter(territory__path__startswith=platform.territory.path)
    return qs


def officers_in_scope(platform: Platform, target_kind: str) -> QuerySet[LiaisonOfficer]:
    position = OFFICER_POSITION_BY_TARGET.get(target_kind)
    if position is None:
        return LiaisonOfficer.objects.none()
    return LiaisonOfficer.objects.filter(
        active=True, position=position, unit__in=units_in_scope(platform, target_kind)
    )


# Rounds --------------------------------------------------------------------------------------


def can_manage_round(user, platform: Platform) -> bool:
    """The platform's secretariat (within term) opens rounds and moves them on."""
    return platform.is_public and pp.can_act_as_secretariat(user, platform)


def can_view_round(user, round_: Round) -> bool:
    """Published rounds are public; until then the platform's members and secretariat see them,
    and the assessed units' officers from the reply stage on."""
    if round_.is_published:
        return True
    if not user.is_authenticated:
        return False
    platform = round_.platform
    if pp.can_participate(user, platform) or pp.can_act_as_secretariat(user, platform):
        return True
    return round_.state == Round.State.REPLY and any(
        pp.can_respond_for_unit(user, s.unit) for s in round_.subjects.select_related("unit")
    )


def rounds_visible_to(user) -> QuerySet[Round]:
    published = Q(state=Round.State.PUBLISHED)
    if not user.is_authenticated:
        return Round.objects.filter(published)
    if user.is_superuser:
        return Round.objects.all()
    mine = Membership.objects.current().filter(user=user).values("platform")
    return Round.objects.filter(published | Q(platform__in=mine))


def can_add_evidence(user, round_: Round) -> bool:
    """Members attach evidence while evidence is gathered and scored."""
    return round_.state in T.EVIDENCE_STATES and (
        pp.can_participate(user, round_.platform)
        or pp.can_act_as_secretariat(user, round_.platform)
    )


def _is_police_member(user, platform: Platform) -> bool:
    return (
        Membership.objects.current()
        .filter(user=user, platform=platform, party=Party.POLICE)
        .exists()
    )


def can_score(user, subject: Subject) -> bool:
    """Current members grade in the scoring stage; police members and the unit's officers do not
    grade (a unit never grades itself)."""
    round_ = subject.round
    if round_.state not in T.SCORING_STATES or not user.is_authenticated:
        return False
    if not pp.can_participate(user, round_.platform):
        return False
    if _is_police_member(user, round_.platform):
        return False
    return not LiaisonOfficer.objects.filter(
        user=user, active=True, unit_id__in=[*subject.unit.ancestor_ids(), subject.unit_id]
    ).exists()


def can_moderate(user, subject: Subject) -> bool:
    """The secretariat sets the moderated grade and narrative while scoring."""
    return subject.round.state in T.MODERATION_STATES and can_manage_round(
        user, subject.round.platform
    )


def can_add_finding(user, subject: Subject) -> bool:
    return subject.round.state in T.FINDING_STATES and can_manage_round(
        user, subject.round.platform
    )


def can_reply(user, subject: Subject) -> bool:
    """The unit's liaison officers (or those above) write its reply in the reply stage."""
    return subject.round.state in T.REPLY_STATES and pp.can_respond_for_unit(user, subject.unit)


def subjects_user_may_reply(user) -> QuerySet[Subject]:
    return Subject.objects.filter(
        round__state__in=T.REPLY_STATES, unit__in=pp.units_user_responds_for(user)
    )


def can_respond_recommendation(user, recommendation: Recommendation) -> bool:
    """The unit answers a recommendation once the round is published (or in the reply stage)."""
    subject = recommendation.subject
    return subject.round.state in (Round.State.REPLY, Round.State.PUBLISHED) and (
        pp.can_respond_for_unit(user, subject.unit)
    )


def can_follow_up(user, recommendation: Recommendation) -> bool:
    """The secretariat records the follow-up (status red/amber/green) after publication."""
    round_ = recommendation.subject.round
    return round_.is_published and can_manage_round(user, round_.platform)


def can_export(user, round_: Round) -> bool:
    return round_.is_published or can_manage_round(user, round_.platform)


# Polls ---------------------------------------------------------------------------------------


def is_verified(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def is_resident(user, platform: Platform) -> bool:
    """The user's declared residence lies in the platform's territory."""
    return Residence.objects.filter(
        user=user, territory__path__startswith=platform.territory.path
    ).exists()


def poll_open(poll: Poll) -> bool:
    return poll.round.state in T.POLL_STATES and poll.method == Poll.Method.PORTAL


def can_answer_poll(user, poll: Poll) -> bool:
    """Signed-in, e-mail-verified residents of the territory, once, while the poll is open."""
    return (
        poll_open(poll)
        and is_verified(user)
        and is_resident(user, poll.round.platform)
        and not poll.participations.filter(user=user).exists()
    )


def can_enter_paper(user, poll: Poll) -> bool:
    """The secretariat enters paper questionnaires while the poll runs."""
    return poll.round.state in T.POLL_STATES and can_manage_round(user, poll.round.platform)


def can_read_concerns(user, poll: Poll) -> bool:
    """The open answers go to the secretariat only (they may name people or places)."""
    return can_manage_round(user, poll.round.platform)


# Profiles ------------------------------------------------------------------------------------


def can_edit_profile(user, unit: PoliceUnit) -> bool:
    """The unit's liaison officers (or those above) and system administrators."""
    return pp.can_respond_for_unit(user, unit)


def units_user_may_edit(user) -> QuerySet[PoliceUnit]:
    return pp.units_user_responds_for(user)
