"""Answer templates work without JavaScript, heads manage them in the portal, and templates of
the units above are offered to officers of the units below."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from forums import services
from forums.models import ResponseTemplate
from platforms.models import LiaisonOfficer
from platforms.services import liaison_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(district_unit):
    user = UserFactory()
    liaison_assign(user=user, unit=district_unit, position=LiaisonOfficer.Position.HEAD)
    return user


@pytest.fixture
def district_template(district_unit):
    return ResponseTemplate.objects.create(
        unit=district_unit,
        title="Принято, патруль усилен",
        status="accepted",
        text="Спасибо за обращение. Патрулирование усилено на две недели.",
    )


def test_a_template_of_the_unit_above_fills_the_answer_without_javascript(
    client, proposal, leo, district_template
):
    client.force_login(leo)
    url = reverse("forums:respond", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="template-choice"' in page and district_template.title in page
    filled = client.get(url, {"template": district_template.pk})
    assert filled.context["form"].initial["text"] == district_template.text
    # saving needs no template field at all
    response = client.post(
        url, {"status": "accepted", "text": district_template.text, "publish": "on"}
    )
    assert response.status_code == 302
    assert proposal.responses.get().text == district_template.text


def test_a_head_manages_templates_and_an_officer_may_not(
    client, head, leo, district_unit, local_unit
):
    url = reverse("forums:answer_templates")
    client.force_login(leo)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.response_template_save(
            actor=leo, unit=local_unit, title="x", status="accepted", text="y"
        )
    client.force_login(head)
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "action": "save",
            "unit": local_unit.pk,
            "title": "Передано участковому",
            "status": "in_progress",
            "text": "Обращение передано участковому инспектору.",
        },
    )
    template = ResponseTemplate.objects.get(title="Передано участковому")
    assert template.unit == local_unit
    client.post(
        url + f"?edit={template.pk}",
        {
            "action": "save",
            "unit": local_unit.pk,
            "title": "Передано инспектору",
            "status": "in_progress",
            "text": "Передано.",
        },
    )
    template.refresh_from_db()
    assert template.title == "Передано инспектору"
    client.post(url, {"action": "delete", "template": template.pk})
    assert not ResponseTemplate.objects.filter(pk=template.pk).exists()


def test_a_head_cannot_write_templates_for_a_unit_elsewhere(head, lena):
    other_unit = lena.liaison_posts.get().unit
    with pytest.raises(PermissionDenied):
        services.response_template_save(
            actor=head, unit=other_unit, title="x", status="accepted", text="y"
        )
