import re
from datetime import date

from django import template

from accounts.text import bdi as bdi_html

register = template.Library()


@register.filter
def bdi(value):
    """User content isolated from the text around it (names, titles): `{{ p.title|bdi }}`."""
    return bdi_html(value)


@register.filter
def get_item(mapping, key):
    """A value of a dict by a variable key: `{{ labels|get_item:code }}`."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def first_date(text):
    """The first ISO date (YYYY-MM-DD) in a text, as a date to format for the reader; or None."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text or "")
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None
