"""Dates, numbers and plural forms follow each language (config/formats, the catalogues).

Kyrgyz writes "2026-ж., 30-ноябрь" (the day with a hyphen, the month in lower case), Russian
"30 ноября 2026 г." (the month in the genitive), Uzbek "30-noyabr, 2026-yil"; all three group
thousands with a non-breaking space and write a decimal comma. Russian has three plural forms
(1 предложение, 2 предложения, 5 предложений), Kyrgyz and Uzbek one (a noun after a number
stays singular), as in Django's own catalogues for these languages.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DAY = datetime.date(2026, 11, 30)
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ky", "2026-ж., 30-ноябрь"),
        ("ru", "30 ноября 2026 г."),
        ("uz", "30-noyabr, 2026-yil"),
        ("en", "Nov. 30, 2026"),
    ],
)
def test_long_dates_in_each_language(lang, expected):
    with translation.override(lang):
        assert date_format(DAY, "DATE_FORMAT") == expected


@pytest.mark.parametrize(
    ("lang", "month", "expected"),
    [
        ("ky", 1, "2026-ж., 15-январь"),
        ("ky", 5, "2026-ж., 15-май"),
        ("ru", 3, "15 марта 2026 г."),
        ("ru", 8, "15 августа 2026 г."),
        ("uz", 9, "15-sentabr, 2026-yil"),
    ],
)
def test_every_month_takes_its_form_in_a_date(lang, month, expected):
    with translation.override(lang):
        assert date_format(DAY.replace(month=month, day=15), "DATE_FORMAT") == expected


def test_month_and_year_and_short_dates():
    with translation.override("ky"):
        assert date_format(DAY, "YEAR_MONTH_FORMAT") == "2026-ж., ноябрь"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "30.11.2026"
        moment = datetime.datetime(2026, 11, 30, 9, 5, tzinfo=datetime.UTC)
        assert date_format(moment, "DATETIME_FORMAT") == "2026-ж., 30-ноябрь, 9:05"
    with translation.override("uz"):
        assert date_format(DAY, "YEAR_MONTH_FORMAT") == "noyabr, 2026-yil"


def test_the_date_filter_in_a_template_uses_the_page_language():
    template = Template('{{ day|date:"DATE_FORMAT" }}')
    with translation.override("ky"):
        assert template.render(Context({"day": DAY})) == "2026-ж., 30-ноябрь"
    with translation.override("ru"):
        assert template.render(Context({"day": DAY})) == "30 ноября 2026 г."


@pytest.mark.parametrize("lang", ["ky", "ru", "uz"])
def test_numbers_group_thousands_with_a_non_breaking_space_and_a_decimal_comma(lang):
    with translation.override(lang):
        assert number_format(1234567, force_grouping=True) == f"1{NBSP}234{NBSP}567"
        assert number_format(1234.5, decimal_pos=1, force_grouping=True) == f"1{NBSP}234,5"


def test_report_figures_are_shown_with_the_thousands_separator():
    from reporting.presentation import _fmt

    with translation.override("ky"):
        assert _fmt(12500) == f"12{NBSP}500"
    with translation.override("en"):
        assert _fmt(12500) == "12,500"


def _plural_header(lang):
    text = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    header = re.search(r"Plural-Forms: (.*?)\\n", text.replace('"\n"', ""))
    return header[1]


def test_plural_forms_headers():
    assert _plural_header("ru") == (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
        "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    )
    assert _plural_header("ky") == "nplurals=1; plural=0;"
    assert _plural_header("uz") == "nplurals=1; plural=0;"


def test_russian_plurals_take_three_forms_and_kyrgyz_one():
    singular = "Your weekly summary: %(count)d new notification"
    plural = "Your weekly summary: %(count)d new notifications"
    with translation.override("ru"):
        forms = {n: translation.ngettext(singular, plural, n) % {"count": n} for n in (1, 3, 5, 21)}
    assert forms[1].endswith("1 новое уведомление"), forms
    assert "3 новых уведомления" in forms[3], forms
    assert "5 новых уведомлений" in forms[5], forms
    assert forms[21].endswith("21 новое уведомление"), forms
    with translation.override("ky"):
        one, many = (translation.ngettext(singular, plural, n) for n in (1, 5))
    assert one == many and "%(count)d" in one and not one.startswith("Your")
