"""Demo proposals, answers, an escalation and a meeting on top of the platform demo."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from forums import services
from forums.models import Proposal, ResponseTemplate
from platforms.decisions import vote_cast
from platforms.models import Membership, PoliceUnit, Role

PROPOSALS = [
    (
        "Street lighting on the road to school no. 3",
        "school",
        "Girls are harassed on the unlit road after the second shift. We ask for six street lamps "
        "and a patrol between 17:00 and 19:00.",
    ),
    (
        "Youth centre instead of the empty kindergarten",
        "youth",
        "Teenagers have nowhere to go in the evenings. The empty kindergarten building could host "
        "sport and music clubs run by volunteers.",
    ),
    (
        "Speed bumps near the bazaar",
        "road",
        "Cars drive fast past the bazaar where children cross. Two speed bumps and a zebra crossing.",
    ),
    (
        "Mediation for family conflicts",
        "domestic",
        "The aksakal court and the women's council offer to mediate family conflicts together "
        "with the neighbourhood inspector, with a referral to the crisis centre.",
    ),
    (
        "Joint patrols at the water channel",
        "interethnic",
        "Disputes over irrigation water between two villages: joint patrols of both communities' "
        "volunteers with the police during the irrigation season.",
    ),
    (
        "Money collected from pupils at school",
        "school",
        "Older pupils collect money from younger ones. We ask the juvenile inspector to visit "
        "the school and to set up a confidential way to report.",
    ),
]


@transaction.atomic
def seed(*, forum, council) -> dict:
    if Proposal.objects.filter(origin=forum).exists():
        return {"proposals": Proposal.objects.count()}
    members = list(Membership.objects.current().filter(platform=forum).select_related("user"))
    author = next(m.user for m in members if m.user.email.startswith("member@"))
    sec = next(m.user for m in members if m.user.email.startswith("secretariat@"))
    csec = Membership.objects.current().filter(platform=council, role=Role.SECRETARIAT).first().user
    unit = PoliceUnit.objects.filter(
        territory=council.territory, kind=PoliceUnit.Kind.DISTRICT
    ).first()
    liaison = unit.officers.filter(active=True, position="liaison").first().user
    ResponseTemplate.objects.get_or_create(
        unit=unit,
        title="Received, under review",
        defaults={
            "status": "evaluating",
            "text": "Your proposal was received by the district "
            "department. The liaison officer will visit the site and answer within 14 days.",
        },
    )
    created = []
    for i, (title, category, body) in enumerate(PROPOSALS):
        created.append(
            services.proposal_create(
                platform=forum,
                author=author,
                title=title,
                body=body,
                category=category,
                police_unit=unit,
                lsg_territory=forum.territory if i % 2 else None,
                protect_author=(i == 5),
                submit=True,
            )
        )
    lighting, youth, bumps, mediation, patrols, extortion = created
    # the lighting proposal goes all the way: adopted, escalated, registered, answered
    decision = services.proposal_open_vote(proposal=lighting, actor=sec)
    for m in members:
        vote_cast(decision=decision, user=m.user, choice="yes")
    services.proposal_decide(proposal=lighting, actor=sec)
    services.proposal_escalate(proposal=lighting, actor=sec, note="Lamps need the district budget.")
    services.proposal_register(proposal=lighting, actor=csec, platform=council)
    services.response_log(
        proposal=lighting,
        actor=liaison,
        status="accepted",
        text="A patrol car will pass the school road at 17:00-19:00 from Monday.",
        next_due=timezone.localdate() + timedelta(days=30),
    )
    services.response_log(
        proposal=bumps,
        actor=liaison,
        status="not_competent",
        text="Road works are decided by the ayil okmotu.",
        referral="Ayil okmotu, road department",
    )
    # one proposal past its deadline without an answer
    Proposal.objects.filter(pk=patrols.pk).update(
        response_due=timezone.localdate() - timedelta(days=3)
    )
    services.response_deadlines_check()
    meeting = services.meeting_create(
        platform=forum,
        actor=sec,
        kind="general",
        title="Quarterly forum meeting",
        starts_at=timezone.now() - timedelta(days=7),
        location="Ayil okmotu hall",
    )
    services.proposal_put_on_agenda(proposal=youth, actor=sec, meeting=meeting)
    services.meeting_record(
        meeting=meeting,
        actor=sec,
        attendees=[m.user for m in members],
        minutes="The forum supports the youth centre and asks the ayil okmotu "
        "for the keys of the building.",
        publish=True,
    )
    return {"proposals": Proposal.objects.count()}
