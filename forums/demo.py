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
        "Освещение дороги к школе №3",
        "school",
        "После второй смены к девочкам пристают на неосвещённой дороге. Просим поставить шесть "
        "фонарей и направить патруль с 17:00 до 19:00.",
    ),
    (
        "Бош бала бакчанын ордуна жаштар борбору",
        "youth",
        "Өспүрүмдөрдүн кечинде бара турган жери жок. Бош турган бала бакчанын имаратында "
        "ыктыярчылар спорт жана музыка ийримдерин ача алышат.",
    ),
    (
        "Лежачие полицейские у базара",
        "road",
        "У базара, где дети переходят дорогу, машины ездят быстро. Нужны две искусственные "
        "неровности и пешеходный переход.",
    ),
    (
        "Үй-бүлөлүк чыр-чатактарда ортомчулук",
        "domestic",
        "Аксакалдар соту менен аялдар кеңеши участкалык инспектор менен бирге үй-бүлөлүк "
        "чыр-чатактарда ортомчу болууну сунушташат, кризистик борборго жөнөтүү менен.",
    ),
    (
        "Совместные патрули у арыка в сезон полива",
        "interethnic",
        "Споры за поливную воду между двумя сёлами: совместные патрули добровольцев обеих общин "
        "с милицией на время поливного сезона.",
    ),
    (
        "Мектепте окуучулардан акча чогултушат",
        "school",
        "Улуу окуучулар кичүүлөрдөн акча талашат. Балдар укугун коргоо инспекторунун мектепке "
        "келишин жана жашыруун кабарлоо жолун уюштурууну суранабыз.",
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
        title="Получено, рассматривается",
        defaults={
            "status": "evaluating",
            "text": "Ваше предложение получено районным отделом. Офицер по связям выедет на место "
            "и ответит в течение 14 дней.",
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
    services.comment_add(
        proposal=lighting,
        author=sec,
        body="Поддерживаем. Родители готовы дежурить на остановке, пока не поставят фонари.",
    )
    services.comment_add(
        proposal=youth,
        author=author,
        body="Айыл өкмөтү имаратты оңдоого жардам берем деди, бизге ыктыярчылар керек.",
    )
    # the lighting proposal goes all the way: adopted, escalated, registered, answered
    decision = services.proposal_open_vote(proposal=lighting, actor=sec)
    for m in members:
        vote_cast(decision=decision, user=m.user, choice="yes")
    services.proposal_decide(proposal=lighting, actor=sec)
    services.proposal_escalate(
        proposal=lighting, actor=sec, note="Фонари требуют средств районного бюджета."
    )
    services.proposal_register(proposal=lighting, actor=csec, platform=council)
    services.response_log(
        proposal=lighting,
        actor=liaison,
        status="accepted",
        text="С понедельника патрульная машина будет проезжать по дороге к школе с 17:00 до 19:00.",
        next_due=timezone.localdate() + timedelta(days=30),
    )
    services.response_log(
        proposal=bumps,
        actor=liaison,
        status="not_competent",
        text="Дорожные работы решает айыл окмоту.",
        referral="Айыл окмоту, отдел по дорогам",
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
        title="Форумдун чейректик жыйыны",
        starts_at=timezone.now() - timedelta(days=7),
        location="Айыл өкмөтүнүн жыйындар залы",
    )
    services.proposal_put_on_agenda(proposal=youth, actor=sec, meeting=meeting)
    services.agenda_item_add(
        meeting=meeting, actor=sec, title="Участкалык инспектордун чейректик отчету"
    )
    services.agenda_item_add(meeting=meeting, actor=sec, title="Разное: субботник у арыка")
    services.meeting_record(
        meeting=meeting,
        actor=sec,
        attendees=[m.user for m in members],
        minutes="Форум жаштар борборун колдойт жана айыл өкмөтүнөн имараттын ачкычтарын "
        "берүүнү суранат.",
        publish=True,
    )
    return {"proposals": Proposal.objects.count()}
