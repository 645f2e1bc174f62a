"""LCPC import: a CSV or XLSX file becomes active LCPC forums under their council, or nothing."""

import io

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from platforms.imports import dataset_from_file, lcpc_import
from platforms.models import Platform, PlatformContact, PlatformEvent, Territory
from tests.factories import CouncilFactory, PlatformFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "name,territory,head,head_email,members\n"
GOOD_CSV = HEADER + (
    "Lebedinovka LCPC,KG-C-ALAMUDUN-LEBEDINOVKA,Asel Toktogulova,Asel@Example.org,"
    '"Bakyt Usenov (aksakal court); Nurgul Asanova (совет женщин); '
    'Emil Kadyrov (жаштар комитети); Aida Bekova"\n'
    "Байтик ЦПП,байтик,Марат Жумабаев,,\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def council(db):
    return CouncilFactory(territory=Territory.objects.get(code="KG-C-ALAMUDUN"))


@pytest.fixture
def lebedinovka(council):
    return TerritoryFactory(
        code="KG-C-ALAMUDUN-LEBEDINOVKA",
        name_en="Lebedinovka",
        name_ru="Лебединовка",
        name_ky="Лебединовка",
    )


@pytest.fixture
def baitik(council):
    return TerritoryFactory(
        code="KG-C-ALAMUDUN-BAITIK", name_en="Baitik", name_ru="Байтик", name_ky="Байтик"
    )


@pytest.fixture
def territories(lebedinovka, baitik):
    return lebedinovka, baitik


def _csv(text: str) -> tablib.Dataset:
    return dataset_from_file(io.BytesIO(text.encode()), format="csv")


def _file(tmp_path, text: str, name: str = "lcpcs.csv"):
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def _nothing_written(platforms_before: int):
    assert Platform.objects.count() == platforms_before
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()
    assert not PlatformContact.objects.exists()
    assert not PlatformEvent.objects.filter(platform__kind=Platform.Kind.LCPC).exists()


def test_good_csv_creates_active_lcpcs_under_the_council(territories, council, sysadmin):
    lebedinovka, baitik = territories
    report = lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False, actor=sysadmin)

    assert report.ok and report.errors == []
    assert report.created == 2
    first = Platform.objects.get(name="Lebedinovka LCPC")
    second = Platform.objects.get(name="Байтик ЦПП")
    for forum, territory in ((first, lebedinovka), (second, baitik)):
        assert forum.level == Platform.Level.COMMUNITY
        assert forum.kind == Platform.Kind.LCPC
        assert forum.status == Platform.Status.ACTIVE
        assert forum.activated_at is not None
        assert forum.territory == territory
        assert forum.parent == council
        assert forum.created_by == sysadmin
        assert forum.events.get().kind == PlatformEvent.Kind.CREATED
    head = first.contacts.get(is_head=True)
    assert (head.name, head.email, head.source) == (
        "Asel Toktogulova",
        "asel@example.org",
        PlatformContact.Source.IMPORT,
    )
    members = {
        c.name: c.committee_id and c.committee.code for c in first.contacts.filter(is_head=False)
    }
    assert members == {
        "Bakyt Usenov": "aksakal_court",
        "Nurgul Asanova": "womens_council",
        "Emil Kadyrov": "youth_committee",
        "Aida Bekova": None,
    }
    assert set(first.contacts.values_list("source", flat=True)) == {"import"}
    assert list(second.contacts.values_list("name", "is_head", "email")) == [
        ("Марат Жумабаев", True, "")
    ]


def test_good_xlsx_imports_the_same_way(territories, council, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Territory", "Head", "Head_email", "Members"])
    sheet.append(
        [
            "Lebedinovka LCPC",
            "Лебединовка",
            "Asel Toktogulova",
            None,
            "Bakyt Usenov (Суд аксакалов);Emil Kadyrov (молодежный комитет)",
        ]
    )
    sheet.append(["Baitik LCPC", "KG-C-ALAMUDUN-BAITIK", "Marat Jumabaev", "marat@example.org"])
    sheet.append([None, None, None, None, None])  # a blank trailing row is skipped
    target = tmp_path / "lcpcs.xlsx"
    book.save(target)

    report = lcpc_import(dataset=dataset_from_file(target), dry_run=False)

    assert report.errors == []
    assert report.created == 2
    forum = Platform.objects.get(name="Lebedinovka LCPC")
    assert (forum.kind, forum.status, forum.parent) == ("lcpc", "active", council)
    assert dict(forum.contacts.filter(is_head=False).values_list("name", "committee__code")) == {
        "Bakyt Usenov": "aksakal_court",
        "Emil Kadyrov": "youth_committee",
    }
    assert Platform.objects.get(name="Baitik LCPC").contacts.get().email == "marat@example.org"


def test_errors_in_rows_3_and_4_import_nothing(territories, council):
    before = Platform.objects.count()
    text = HEADER + (
        "Lebedinovka LCPC,KG-C-ALAMUDUN-LEBEDINOVKA,Asel Toktogulova,,\n"
        ",Atlantis,Bakyt Usenov,,\n"
        "lebedinovka lcpc,Lebedinovka,Nurgul Asanova,,\n"
        "Baitik LCPC,KG-C-ALAMUDUN-BAITIK,Marat Jumabaev,,\n"
    )

    report = lcpc_import(dataset=_csv(text), dry_run=False)

    assert not report.ok
    assert report.created == 0
    assert report.errors == [
        (3, "The name is missing."),
        (3, "Unknown territory “Atlantis”: give a territory code or its exact name."),
        (4, "“lebedinovka lcpc” in Lebedinovka is repeated in the file (first in row 2)."),
    ]
    _nothing_written(before)


def test_a_territory_without_council_is_refused(territories, council):
    sokuluk = Territory.objects.get(code="KG-C-SOKULUK")
    TerritoryFactory(code="KG-C-SOKULUK-SHOPOKOV", name_en="Shopokov", parent=sokuluk)
    before = Platform.objects.count()
    text = HEADER + (
        "Lebedinovka LCPC,KG-C-ALAMUDUN-LEBEDINOVKA,Asel Toktogulova,,\n"
        "Shopokov LCPC,KG-C-SOKULUK-SHOPOKOV,Bakyt Usenov,,\n"
    )

    report = lcpc_import(dataset=_csv(text), dry_run=False)

    assert report.errors == [
        (3, "There is no district or city council for the territory “Shopokov”."),
    ]
    _nothing_written(before)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Forum,KG-C-ALAMUDUN-LEBEDINOVKA,,,",
            "The head is missing.",
        ),
        (
            "Forum,KG-C-ALAMUDUN-LEBEDINOVKA,Asel,not-an-email,",
            "“not-an-email” is not a valid e-mail address.",
        ),
        (
            "Forum,KG-C-ALAMUDUN-LEBEDINOVKA,Asel,,Bakyt Usenov (chess club)",
            "Unknown committee “chess club” for Bakyt Usenov: use one of aksakal court, "
            "council of elders, mahalla committee, parents' committee, voluntary people's "
            "patrol, women's council, youth committee.",
        ),
        (
            f"{'N' * 201},KG-C-ALAMUDUN-LEBEDINOVKA,Asel,,",
            f"The name “{'N' * 40}…” is longer than 200 characters.",
        ),
        (
            f"Forum,KG-C-ALAMUDUN-LEBEDINOVKA,Asel,,{'M' * 201}",
            f"The name “{'M' * 40}…” is longer than 200 characters.",
        ),
        (
            "Forum,zarya,Asel,,",
            "The territory name “zarya” is ambiguous (T-ZR-1, T-ZR-2): give its code instead.",
        ),
        (
            "Forum,KG-C,Asel,,",
            "There is no district or city council for the territory “Chui Region”.",
        ),
    ],
)
def test_row_errors_name_the_value(territories, council, row, message):
    TerritoryFactory(code="T-ZR-1", name_en="Zarya")
    TerritoryFactory(code="T-ZR-2", name_en="Zarya")
    before = Platform.objects.count()

    report = lcpc_import(dataset=_csv(HEADER + row + "\n"), dry_run=False)

    assert report.errors == [(2, message)]
    _nothing_written(before)


def test_duplicate_of_an_existing_forum_is_refused(territories, council):
    lebedinovka, _ = territories
    PlatformFactory(name="Lebedinovka LCPC", territory=lebedinovka)
    before = Platform.objects.count()

    report = lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False)

    assert report.errors == [
        (2, "A forum named “Lebedinovka LCPC” already exists in Lebedinovka."),
    ]
    assert Platform.objects.count() == before
    assert not PlatformContact.objects.exists()


def test_missing_column_is_a_file_error(territories, council):
    report = lcpc_import(dataset=_csv("name,head\nForum,Asel\n"), dry_run=False)

    assert report.errors == [(0, "The file has no “territory” column.")]
    assert report.error_lines() == ["The file has no “territory” column."]


def test_dry_run_reports_what_would_be_created_and_writes_nothing(territories, council):
    before = Platform.objects.count()

    report = lcpc_import(dataset=_csv(GOOD_CSV), dry_run=True)

    assert report.ok and report.dry_run
    assert report.created == 2
    assert [(r.row, r.name, r.council) for r in report.rows] == [
        (2, "Lebedinovka LCPC", council),
        (3, "Байтик ЦПП", council),
    ]
    assert [c.committee_label for c in report.rows[0].members][:1] == ["aksakal court"]
    _nothing_written(before)


def test_only_a_superuser_imports(territories, council):
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False, actor=staff)
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_unreadable_file_is_refused(tmp_path):
    target = tmp_path / "lcpcs.xlsx"
    target.write_bytes(b"not a workbook")
    with pytest.raises(ValidationError, match="could not be read as XLSX"):
        dataset_from_file(target)
    with pytest.raises(ValidationError, match="Upload a .csv or .xlsx file"):
        dataset_from_file(tmp_path / "lcpcs.txt", format="txt")


def test_command_imports_a_good_file(territories, council, tmp_path):
    out = io.StringIO()

    call_command("import_lcpcs", str(_file(tmp_path, GOOD_CSV)), stdout=out)

    assert "2 LCPCs created." in out.getvalue()
    assert Platform.objects.filter(kind=Platform.Kind.LCPC, status="active").count() == 2


def test_command_dry_run_creates_nothing(territories, council, tmp_path):
    out = io.StringIO()

    call_command("import_lcpcs", str(_file(tmp_path, GOOD_CSV)), "--dry-run", stdout=out)

    assert "Dry run: 2 LCPCs would be created." in out.getvalue()
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_command_reports_each_bad_row_and_fails(territories, council, tmp_path):
    text = HEADER + (
        "Lebedinovka LCPC,KG-C-ALAMUDUN-LEBEDINOVKA,Asel Toktogulova,,\n"
        ",KG-C-ALAMUDUN-BAITIK,Bakyt Usenov,,\n"
        "Kok-Jar LCPC,Kok-Jar,Nurgul Asanova,,\n"
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 2 errors."):
        call_command("import_lcpcs", str(_file(tmp_path, text)), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Row 3: The name is missing.",
        "Row 4: Unknown territory “Kok-Jar”: give a territory code or its exact name.",
    ]
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_command_refuses_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Upload a .csv or .xlsx file"):
        call_command("import_lcpcs", str(_file(tmp_path, GOOD_CSV, name="lcpcs.txt")))


IMPORT_URL = "admin:platforms_platform_import_lcpcs"


def _upload(text: str, name: str = "lcpcs.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_admin_upload_page_opens_for_the_sysadmin(client, sysadmin):
    client.force_login(sysadmin)

    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 200
    assert reverse(IMPORT_URL) == "/admin/platforms/platform/import-lcpcs/"
    assert response.context["form"]["dry_run"].value() is True
    assert response.context["report"] is None


def test_admin_dry_run_previews_then_confirm_imports(client, sysadmin, territories, council):
    client.force_login(sysadmin)

    response = client.post(reverse(IMPORT_URL), {"file": _upload(GOOD_CSV), "dry_run": "on"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.dry_run and report.created == 2
    body = response.content.decode()
    assert "Lebedinovka LCPC" in body and 'name="confirm"' in body
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()

    confirm = response.context["confirm_form"]
    assert set(confirm.initial) == {"import_file_name", "original_file_name", "format"}
    response = client.post(reverse(IMPORT_URL), confirm.initial)

    assert response.status_code == 302
    assert response.url == reverse("admin:platforms_platform_changelist")
    created = Platform.objects.filter(kind=Platform.Kind.LCPC, status="active", parent=council)
    assert created.count() == 2
    assert set(created.values_list("created_by", flat=True)) == {sysadmin.pk}


def test_admin_shows_row_errors_and_imports_nothing(client, sysadmin, territories, council):
    client.force_login(sysadmin)
    text = HEADER + "Lebedinovka LCPC,Atlantis,Asel Toktogulova,,\n"

    response = client.post(reverse(IMPORT_URL), {"file": _upload(text)})

    assert response.status_code == 200
    assert response.context["report"].errors == [
        (2, "Unknown territory “Atlantis”: give a territory code or its exact name."),
    ]
    assert response.context["confirm_form"] is None
    assert "Atlantis" in response.content.decode()
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_admin_refuses_a_bad_file_type(client, sysadmin):
    client.force_login(sysadmin)

    response = client.post(reverse(IMPORT_URL), {"file": _upload("x", name="lcpcs.txt")})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Upload a .csv or .xlsx file."]


def test_admin_import_is_for_superusers_only(client, cyril, territories, council):
    client.force_login(cyril)
    response = client.post(reverse(IMPORT_URL), {"file": _upload(GOOD_CSV)})
    assert response.status_code == 302  # not staff: sent to the admin login
    assert "/admin/login/" in response.url

    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse(IMPORT_URL), {"file": _upload(GOOD_CSV)})
    assert response.status_code == 403
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_imported_lcpc_gets_official_parties_as_members(db):
    """Police liaison officers and LSG members of the territory join an imported LCPC by default."""
    from platforms.imports import lcpc_import
    from platforms.models import Membership, Party
    from platforms.services import liaison_assign, membership_grant
    from tests.factories import PoliceUnitFactory, UserFactory

    rayon = Territory.objects.get(code="KG-C-ALAMUDUN")
    council = CouncilFactory(territory=rayon)
    aimak = TerritoryFactory(parent=rayon, name_en="Baitik")
    lsg, officer = UserFactory(), UserFactory()
    membership_grant(platform=council, user=lsg, party=Party.LSG, actor=None, check=False)
    liaison_assign(user=officer, unit=PoliceUnitFactory(territory=rayon))
    dataset = tablib.Dataset(headers=["name", "territory", "head"])
    dataset.append(["LCPC Baitik", aimak.code, "Aibek Asanov"])
    report = lcpc_import(dataset=dataset, dry_run=False)
    assert report.ok
    parties = dict(
        Membership.objects.filter(platform__name="LCPC Baitik").values_list("user", "party")
    )
    assert parties == {lsg.pk: Party.LSG, officer.pk: Party.POLICE}


# --- the library's temporary storage between preview and confirm (issue 8.7) -----------------


def test_admin_confirms_a_4_mib_file_through_the_temporary_storage(
    client, sysadmin, territories, council
):
    """The confirm step posts the stored file's name, not the file: 4 MiB go through."""
    # 42 LCPCs, each row carrying 100 KB of notes (a CSV cell holds at most 128 KiB)
    notes = "x" * 100_000
    text = "name,territory,head,head_email,members,notes\n" + "".join(
        f"LCPC {n},KG-C-ALAMUDUN-LEBEDINOVKA,Head {n},,,{notes}\n" for n in range(42)
    )
    assert len(text.encode()) > 4 * 1024 * 1024
    client.force_login(sysadmin)

    preview = client.post(reverse(IMPORT_URL), {"file": _upload(text), "dry_run": "on"})
    assert preview.status_code == 200 and preview.context["report"].created == 42
    confirm = preview.context["confirm_form"].initial
    assert sum(len(str(value)) for value in confirm.values()) < 200
    response = client.post(reverse(IMPORT_URL), confirm)

    assert response.status_code == 302
    assert Platform.objects.filter(kind=Platform.Kind.LCPC).count() == 42
    # the stored file is removed once imported: confirming twice imports nothing more
    again = client.post(reverse(IMPORT_URL), confirm)
    assert again.status_code == 200
    assert again.context["error"] == "The previewed file is no longer stored: upload it again."
    assert "The previewed file is no longer stored" in again.content.decode()
    assert Platform.objects.filter(kind=Platform.Kind.LCPC).count() == 42


def test_admin_confirm_cannot_name_a_file_outside_the_storage(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse(IMPORT_URL),
        {"import_file_name": "../../etc/passwd", "original_file_name": "x.csv", "format": ".csv"},
    )
    assert response.status_code == 200
    assert response.context["report"] is None
    assert not Platform.objects.filter(kind=Platform.Kind.LCPC).exists()


def test_the_territory_migration_calls_no_application_code():
    from importlib import import_module

    migration = import_module("platforms.migrations.0002_load_territories")
    source = open(migration.__file__, encoding="utf-8").read()
    assert "from platforms" not in source and "import platforms" not in source
    assert "KG-C-ALAMUDUN" in migration.TERRITORIES


# --- content: heads, committees, links (issue 9.20) ------------------------------------------


def test_the_platform_changelist_links_the_import_page(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("admin:platforms_platform_changelist"))
    assert f'href="{reverse(IMPORT_URL)}"' in response.content.decode()


def test_the_import_page_lists_the_committees_and_numbers_rows_from_2(client, sysadmin):
    client.force_login(sysadmin)
    body = client.get(reverse(IMPORT_URL)).content.decode()
    for name in ("aksakal court", "council of elders", "mahalla committee", "совет аксакалов"):
        assert name in body
    assert "the header is row 1, the first LCPC row 2" in body


def test_real_committee_names_are_accepted_and_the_list_can_grow(territories, council):
    from platforms.models import Committee

    Committee.objects.create(code="sports", name_en="sports club", aliases="спортклуб")
    text = HEADER + (
        "Lebedinovka LCPC,KG-C-ALAMUDUN-LEBEDINOVKA,Asel Toktogulova,,"
        '"Bakyt Usenov (совет аксакалов); Nurgul Asanova (махалля); Aida Bekova (женсовет); '
        'Emil Kadyrov (Спортклуб)"\n'
    )

    report = lcpc_import(dataset=_csv(text), dry_run=False)

    assert report.errors == []
    forum = Platform.objects.get(name="Lebedinovka LCPC")
    assert dict(forum.contacts.filter(is_head=False).values_list("name", "committee__code")) == {
        "Bakyt Usenov": "council_of_elders",
        "Nurgul Asanova": "mahalla",
        "Aida Bekova": "womens_council",
        "Emil Kadyrov": "sports",
    }


def test_imported_head_and_committee_members_are_on_the_public_page(client, territories, council):
    lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False)
    forum = Platform.objects.get(name="Lebedinovka LCPC")

    body = client.get(forum.get_absolute_url()).content.decode()

    assert "Asel Toktogulova" in body
    for name in ("Bakyt Usenov", "Nurgul Asanova", "Emil Kadyrov", "Aida Bekova"):
        assert name in body
    assert "aksakal court" in body.lower() or "Aksakal court" in body
    assert "asel@example.org" not in body.lower()  # addresses stay private


def test_the_head_is_invited_by_email_and_can_accept(client, territories, council):
    from accounts.models import OutboxMessage

    lcpc_import(dataset=_csv(GOOD_CSV), dry_run=True)
    assert not OutboxMessage.objects.exists()  # a dry run sends nothing

    lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False)

    head = PlatformContact.objects.get(name="Asel Toktogulova")
    assert head.invitation == PlatformContact.Invitation.PENDING and head.token_hash
    mail = OutboxMessage.objects.get()
    assert mail.to == "asel@example.org"
    assert "Lebedinovka LCPC" in mail.subject
    assert "/platforms/lebedinovka-lcpc/invitation/" in mail.body
    # the link works: the invited address accepts and joins the active forum
    token = mail.body.split("/invitation/")[1].split("/")[0]
    user = UserFactory(email="asel@example.org")
    client.force_login(user)
    url = reverse("platforms:invitation", kwargs={"slug": "lebedinovka-lcpc", "token": token})
    assert client.get(url).status_code == 200
    response = client.post(url, {"answer": "accept", "party": "citizen"})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.invitation == PlatformContact.Invitation.ACCEPTED and head.user == user
    assert head.platform.memberships.filter(user=user, status="active").exists()


def test_a_head_with_an_account_is_notified_in_the_portal(territories, council):
    from accounts.models import Notification, OutboxMessage  # noqa: F401

    user = UserFactory(email="asel@example.org")

    lcpc_import(dataset=_csv(GOOD_CSV), dry_run=False)

    assert Notification.objects.filter(user=user, verb="registration.invited").exists()
    assert not OutboxMessage.objects.exclude(to="asel@example.org").exists()
