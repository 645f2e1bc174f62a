"""The demo reads as Kyrgyzstan writes: names and titles in Russian, Kyrgyz or Uzbek (Latin
script in the south), Uzbek names for every territory where Uzbek is spoken, and seed_demo run
twice adds nothing."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from assessments.models import Criterion, Framework, Round
from forums.models import AgendaItem, Comment, Meeting, Proposal
from forums.problems.models import Practice, Problem
from platforms.demo import FIRST_UZ
from platforms.models import Membership, Platform, PoliceUnit, Territory, ThematicGroup
from platforms.services import DATA_DIR, territories_load
from reporting.models import AnnualReport, StrategicPlan

pytestmark = pytest.mark.django_db

SOUTH = ("KG-B", "KG-J", "KG-O", "KG-GO")
# Cyrillic (Kyrgyz letters included), or Uzbek Latin: o‘/g‘ (any of the apostrophes people
# type) or the words an Uzbek name of a forum or council is made of.
LOCAL = re.compile(
    r"[\u0400-\u04ff]|[oOgG][‘ʻ'’]|\b(jamoat|xavfsizligi|kengashi|forumi|tumani|shahri)\b"
)


def _not_local(texts) -> list[str]:
    return [t for t in texts if not LOCAL.search(t)]


def _counts() -> dict:
    models = (
        Territory,
        Platform,
        PoliceUnit,
        Membership,
        User,
        ThematicGroup,
        Proposal,
        Meeting,
        AgendaItem,
        Comment,
        Problem,
        Practice,
        Round,
        StrategicPlan,
        AnnualReport,
    )
    return {m.__name__: m.objects.count() for m in models}


def _south():
    regions = Territory.objects.filter(code__in=SOUTH)
    paths = [r.path for r in regions]
    assert len(paths) == len(SOUTH)
    return [t for t in Territory.objects.all() if any(t.path.startswith(p) for p in paths)]


def test_southern_territories_have_uzbek_names_from_the_migration_and_the_data_files():
    """The migration names the regions, districts and towns; the aimak file the aimaks."""
    assert Territory.objects.get(code="KG-GO").name_uz == "O‘sh"
    assert Territory.objects.get(code="KG-O-ARAVAN").name_uz == "Aravon tumani"
    assert Territory.objects.get(code="KG-J-JALAL-ABAD-CITY").name_uz == "Jalol-Obod"
    assert Territory.objects.get(code="KG-O-UZGEN-CITY").name_uz == "O‘zgan"
    territories_load(path=DATA_DIR / "ayil_aimaks.csv")
    south = _south()
    assert len(south) > 120
    assert [t.code for t in south if not t.name_uz] == []
    assert [t.code for t in Territory.objects.all() if not (t.name_ru and t.name_ky)] == []
    # the Uzbek page shows the Uzbek name, the Kyrgyz page the Kyrgyz one
    kara_suu = Territory.objects.get(code="KG-O-KARA-SUU")
    with translation.override("uz"):
        assert kara_suu.name == "Qorasuv tumani"
    with translation.override("ky"):
        assert kara_suu.name == "Кара-Суу району"


def test_shipped_frameworks_read_in_each_language():
    framework = Framework.objects.get(target_kind="local", version=1)
    criterion = Criterion.objects.get(framework=framework, code="openness")
    with translation.override("ru"):
        assert str(framework) == "Оценка участкового пункта милиции v1"
        assert criterion.local_question == "Насколько подразделение открыто для жителей?"
    with translation.override("ky"):
        assert framework.local_title == "Милициянын участкалык пунктун баалоо"
    with translation.override("uz"):
        assert criterion.local_guidance.startswith("Boshliq va xodimlar")
    with translation.override("en"):
        assert framework.local_title == "Assessment of a local police department"
    texts = Criterion.objects.values_list(
        "question_ru", "question_ky", "question_uz", "guidance_uz", "evidence_expected_ky"
    )
    assert texts and all(all(row) for row in texts)


def test_the_framework_admin_edits_each_language(admin_client):
    framework = Framework.objects.get(target_kind="local", version=1)
    response = admin_client.get(reverse("admin:assessments_framework_change", args=[framework.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bo‘linma aholi uchun qanchalik ochiq?" in page
    assert "Милициянын участкалык пунктун баалоо" in page


def test_seed_demo_names_everything_in_local_languages_and_runs_twice_the_same(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()

    assert _not_local(Platform.objects.values_list("name", flat=True)) == []
    assert _not_local(PoliceUnit.objects.values_list("name", flat=True)) == []
    assert _not_local(ThematicGroup.objects.values_list("name", flat=True)) == []
    assert _not_local(Proposal.objects.values_list("title", flat=True)) == []
    assert _not_local(Proposal.objects.values_list("body", flat=True)) == []
    assert _not_local(Meeting.objects.values_list("title", flat=True)) == []
    assert _not_local(Meeting.objects.exclude(minutes="").values_list("minutes", flat=True)) == []
    assert _not_local(AgendaItem.objects.exclude(title="").values_list("title", flat=True)) == []
    assert _not_local(Comment.objects.values_list("body", flat=True)) == []
    assert _not_local(Problem.objects.values_list("title", flat=True)) == []
    assert _not_local(Round.objects.values_list("title", flat=True)) == []
    assert _not_local(StrategicPlan.objects.values_list("title", flat=True)) == []
    # people have Kyrgyz or Russian names in Cyrillic, or Uzbek names in Latin (proper names)
    uzbek_first = {first for first, _female in FIRST_UZ}
    names = User.objects.filter(email__endswith="@demo.openplatforms.kg").values_list(
        "display_name", flat=True
    )
    assert [n for n in _not_local(names) if n.split()[0] not in uzbek_first] == []
    # officials' names as the brief writes them; a Kyrgyz forum and an Uzbek one in the south
    assert Platform.objects.filter(
        name="Общественный совет по безопасности Аламудунского района"
    ).exists()
    assert Platform.objects.filter(name="Көк-Жар коомдук коопсуздук форуму").exists()
    assert PoliceUnit.objects.filter(name="ОВД Аламудунского района").exists()
    assert Platform.objects.filter(name="Aravon tumani jamoat xavfsizligi kengashi").exists()
    assert Platform.objects.filter(
        level="community", name__endswith="jamoat xavfsizligi forumi"
    ).exists()
    assert [t.code for t in _south() if not t.name_uz] == []

    # a database seeded with the earlier English names is renamed, not duplicated
    council = Platform.objects.get(slug="council-kg-c-alamudun")
    Platform.objects.filter(pk=council.pk).update(name="Alamudun District Public Security Council")
    PoliceUnit.objects.filter(name="ОВД Аламудунского района").update(
        name="Police department, Alamudun District"
    )
    ThematicGroup.objects.filter(platform=council, name="Семейные конфликты и насилие").update(
        name="Domestic conflict and violence"
    )

    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    council.refresh_from_db()
    assert council.name == "Общественный совет по безопасности Аламудунского района"
    assert PoliceUnit.objects.filter(name="ОВД Аламудунского района").count() == 1
    assert set(council.thematic_groups.values_list("name", flat=True)) == {
        "Безопасность молодёжи и школ",
        "Семейные конфликты и насилие",
    }

    response = client.get(council.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ky")
    assert "Общественный совет по безопасности Аламудунского района" in response.content.decode()
