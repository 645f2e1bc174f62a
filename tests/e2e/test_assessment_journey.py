"""E2E: an assessment round from opening to the public scorecard (issue 10), on a phone.

A secretariat drafts and opens a round, three members grade with evidence, residents answer
the poll, the unit's head replies, the round is published, and an anonymous visitor reads the
scorecard with its chart and data table; axe-core checks every page on the way.
"""

import pytest

from assessments import services
from assessments.defaults import frameworks_load
from assessments.models import Residence, Round, Score, Track
from platforms.models import LiaisonOfficer, Party, PoliceUnit, Role
from platforms.services import liaison_assign, membership_grant
from tests.e2e.test_journeys import axe, click_and_wait, login, logout, new_page
from tests.factories import PlatformFactory, PoliceUnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member(platform, role=Role.MEMBER, party=Party.CITIZEN, **kwargs):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    if role == Role.SECRETARIAT:
        today = timezone.localdate()
        kwargs.update(term_start=today - timedelta(days=5), term_end=today + timedelta(days=300))
    membership_grant(
        platform=platform, user=user, party=party, role=role, actor=None, check=False, **kwargs
    )
    return user


def test_round_from_opening_to_the_public_scorecard(live_server, browser, axe_check, tmp_path):
    frameworks_load()
    forum = PlatformFactory(name="Форум Лебединовки")
    unit = PoliceUnitFactory(
        name="Лебединовский участок", kind=PoliceUnit.Kind.LOCAL, territory=forum.territory
    )
    secretariat = _member(forum, role=Role.SECRETARIAT, party=Party.NGO)
    raters = [_member(forum) for _ in range(3)]
    head = UserFactory(display_name="Майор Асанов")
    liaison_assign(user=head, unit=unit, position=LiaisonOfficer.Position.HEAD)
    resident = UserFactory()
    Residence.objects.create(user=resident, territory=forum.territory)

    # the secretariat drafts the round and opens it
    page = new_page(browser)
    login(page, live_server, secretariat.email)
    page.goto(f"{live_server.url}/assessments/platform/{forum.slug}/new/")
    axe(page, axe_check)
    page.select_option("select[name=framework]", label="Assessment of a local police department v1")
    page.fill("input[name=title]", "Оценка участка 2026")
    page.fill("input[name=period_start]", "2026-01-01")
    page.fill("input[name=period_end]", "2026-06-30")
    page.check(f"input[name=units][value='{unit.pk}']")
    click_and_wait(page, "main form button[type=submit]")
    assert Round.objects.exists(), page.locator("main").inner_text()[:2000]
    round_ = Round.objects.get()
    assert page.url.endswith(round_.get_absolute_url())
    click_and_wait(page, "button[data-action=open]")
    assert page.locator("[data-testid=round-state]").inner_text() == "evidence"
    axe(page, axe_check)

    # the first member adds evidence with a file (a PDF, metadata stripped)
    logout(page)
    login(page, live_server, raters[0].email)
    page.goto(live_server.url + round_.get_absolute_url())
    page.click("summary:has-text('Add evidence')")
    page.select_option("select[name=kind]", "meeting_notes")
    page.fill("input[name=title]", "Протокол встречи с участковым")
    page.fill("textarea[name=text]", "Участковый пришёл, ответил на 8 вопросов.")
    pdf = tmp_path / "notes.pdf"
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page()
    doc.docinfo["/Author"] = "Марат"
    doc.save(pdf)
    page.set_input_files("input[name=upload]", str(pdf))
    click_and_wait(page, "form:has(input[value=evidence]) button[type=submit]")
    assert round_.evidence.get().file.name.endswith(".pdf")
    assert b"Marat" not in round_.evidence.get().file.read()

    # a resident answers the poll; nine more answer through the service
    logout(page)
    login(page, live_server, resident.email)
    page.goto(f"{live_server.url}/assessments/rounds/{round_.pk}/poll/")
    axe(page, axe_check)
    page.check("input[name=job][value='4']")
    page.check("input[name=confidence][value='5']")
    page.check("input[name=safe_dark][value='3']")
    page.check("input[name=knows_inspector][value='yes']")
    page.fill("textarea[name=top_concern]", "Темно у школы")
    click_and_wait(page, "form:has(input[value=answer]) button[type=submit]")
    assert page.locator("[data-testid=answered]").count() == 1
    for _ in range(9):
        u = UserFactory()
        Residence.objects.create(user=u, territory=forum.territory)
        services.poll_respond(poll=round_.poll, user=u, answers={"job": "3", "confidence": "4"})
    logout(page)

    # scoring: each of three members grades the first criterion in the browser
    round_ = services.round_start_scoring(round_=round_, actor=secretariat)
    subject = round_.subjects.get()
    first = round_.framework.criteria.filter(track=Track.EXTERNAL).first()
    for i, rater in enumerate(raters):
        login(page, live_server, rater.email)
        page.goto(live_server.url + subject.get_absolute_url())
        if i == 0:
            axe(page, axe_check)
        page.click(f"#c{first.pk} summary:has-text('Grade this criterion')")
        page.select_option(f"select[name=s{first.pk}-grade]", "4")
        page.fill(f"textarea[name=s{first.pk}-rationale]", "Видел протокол и ответы")
        click_and_wait(
            page, f"#c{first.pk} form:has(input[value=score-{first.pk}]) button[type=submit]"
        )
        logout(page)
    assert Score.objects.filter(criterion=first).count() == 3
    # the rest of the criteria through the services; moderation of the first in the browser
    for c in round_.framework.criteria.all():
        if c.track == Track.EXTERNAL:
            if c != first:
                for r in raters:
                    services.score_set(
                        subject=subject, criterion=c, rater=r, grade=3, rationale="ок"
                    )
                services.moderation_set(
                    subject=subject,
                    criterion=c,
                    actor=secretariat,
                    grade=3,
                    narrative="согласовано",
                )
        else:
            services.moderation_set(
                subject=subject,
                criterion=c,
                actor=secretariat,
                grade=3,
                narrative="данные",
                source="ОВД",
            )
    login(page, live_server, secretariat.email)
    page.goto(live_server.url + subject.get_absolute_url())
    page.click(f"#c{first.pk} summary:has-text('Moderate')")
    page.select_option(f"select[name=m{first.pk}-grade]", "4")
    page.fill(f"textarea[name=m{first.pk}-narrative]", "Три члена совета оценили как «хорошо».")
    click_and_wait(
        page, f"#c{first.pk} form:has(input[value=moderate-{first.pk}]) button[type=submit]"
    )
    page.goto(live_server.url + round_.get_absolute_url())
    click_and_wait(page, "button[data-action=reply]")
    assert page.locator("[data-testid=round-state]").inner_text() == "right of reply"
    logout(page)

    # the unit's head replies
    login(page, live_server, head.email)
    page.goto(live_server.url + subject.get_absolute_url())
    axe(page, axe_check)
    page.fill("textarea[name=text]", "Согласны; приём граждан будет по субботам.")
    click_and_wait(page, "form:has(input[value=reply]) button[type=submit]")
    logout(page)

    # the secretariat publishes
    login(page, live_server, secretariat.email)
    page.goto(live_server.url + round_.get_absolute_url())
    click_and_wait(page, "button[data-action=publish]")
    assert page.locator("[data-testid=round-state]").inner_text() == "published"
    logout(page)

    # an anonymous visitor reads the scorecard, its chart and the poll's results
    visitor = new_page(browser)
    visitor.goto(f"{live_server.url}/assessments/units/{unit.pk}/")
    axe(visitor, axe_check)
    assert "Согласны; приём граждан" in visitor.content()
    chart = visitor.locator("img[src^='data:image/svg+xml']")
    assert chart.count() == 1 and chart.evaluate("img => img.naturalWidth") > 0
    assert visitor.locator("[data-testid=trend-table] tbody tr").count() == 1
    assert visitor.locator("[data-testid=poll-count]").first.inner_text().startswith("10 responses")
    assert visitor.locator("[data-testid=poll-table]").count() == 1
    visitor.goto(f"{live_server.url}/assessments/compare/?kind=local")
    axe(visitor, axe_check)
    assert visitor.locator("[data-testid=compare-table] tbody tr").count() > 0
    visitor.goto(f"{live_server.url}/assessments/rounds/{round_.pk}/")
    axe(visitor, axe_check)
