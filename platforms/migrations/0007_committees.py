"""LCPC committees become a list administrators keep; contacts point at it."""

import django.db.models.deletion
from django.db import migrations, models

# code, English, Russian, Kyrgyz, Uzbek, other spellings (the three fixed ones first, as before)
COMMITTEES = [
    (
        "aksakal_court",
        "aksakal court",
        "суд аксакалов",
        "аксакалдар соту",
        "oqsoqollar sudi",
        "aksakals court",
    ),
    (
        "womens_council",
        "women's council",
        "совет женщин",
        "аялдар кеңеши",
        "xotin-qizlar kengashi",
        "womens council\nженсовет\nженский совет",
    ),
    (
        "youth_committee",
        "youth committee",
        "молодёжный комитет",
        "жаштар комитети",
        "yoshlar qo'mitasi",
        "молодежный комитет",
    ),
    (
        "council_of_elders",
        "council of elders",
        "совет аксакалов",
        "аксакалдар кеңеши",
        "oqsoqollar kengashi",
        "aksakal council\nсовет старейшин",
    ),
    (
        "mahalla",
        "mahalla committee",
        "махалля",
        "махалла комитети",
        "mahalla qo'mitasi",
        "махаллинский комитет\nмахалла\nmahalla",
    ),
    (
        "parents_committee",
        "parents' committee",
        "родительский комитет",
        "ата-энелер комитети",
        "ota-onalar qo'mitasi",
        "parents committee",
    ),
    (
        "voluntary_patrol",
        "voluntary people's patrol",
        "добровольная народная дружина",
        "ыктыярдуу элдик дружина",
        "ko'ngilli xalq drujinasi",
        "ДНД\nдружина\nvoluntary patrol",
    ),
]


def seed(apps, schema_editor):
    Committee = apps.get_model("platforms", "Committee")
    for code, en, ru, ky, uz, aliases in COMMITTEES:
        Committee.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_ru": ru, "name_ky": ky, "name_uz": uz, "aliases": aliases},
        )


def link(apps, schema_editor):
    Committee = apps.get_model("platforms", "Committee")
    PlatformContact = apps.get_model("platforms", "PlatformContact")
    for committee in Committee.objects.all():
        PlatformContact.objects.filter(committee_code=committee.code).update(committee=committee)


def unlink(apps, schema_editor):
    PlatformContact = apps.get_model("platforms", "PlatformContact")
    for contact in PlatformContact.objects.filter(committee__isnull=False).select_related(
        "committee"
    ):
        contact.committee_code = contact.committee.code[:20]
        contact.save(update_fields=["committee_code"])


class Migration(migrations.Migration):
    dependencies = [("platforms", "0006_alter_platformevent_kind")]

    operations = [
        migrations.CreateModel(
            name="Committee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name_en", models.CharField(max_length=120, verbose_name="name (English)")),
                ("name_ru", models.CharField(blank=True, max_length=120, verbose_name="name (Russian)")),
                ("name_ky", models.CharField(blank=True, max_length=120, verbose_name="name (Kyrgyz)")),
                ("name_uz", models.CharField(blank=True, max_length=120, verbose_name="name (Uzbek)")),
                (
                    "aliases",
                    models.TextField(
                        blank=True,
                        help_text="Other spellings accepted in imports, one per line.",
                        verbose_name="other names",
                    ),
                ),
            ],
            options={
                "verbose_name": "LCPC committee",
                "verbose_name_plural": "LCPC committees",
                "ordering": ["name_en"],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RenameField("platformcontact", "committee", "committee_code"),
        migrations.AddField(
            model_name="platformcontact",
            name="committee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="platforms.committee",
                verbose_name="committee",
            ),
        ),
        migrations.RunPython(link, unlink),
        migrations.RemoveField("platformcontact", "committee_code"),
    ]
