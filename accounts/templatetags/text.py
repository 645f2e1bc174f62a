from django import template

from accounts.text import bdi as bdi_html

register = template.Library()


@register.filter
def bdi(value):
    """User content isolated from the text around it (names, titles): `{{ p.title|bdi }}`."""
    return bdi_html(value)
