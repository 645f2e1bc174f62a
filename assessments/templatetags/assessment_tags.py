from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from assessments.models import Grade

register = template.Library()


@register.filter
def grade(value):
    """A grade as a labelled badge: `{{ m.grade|grade }}`."""
    if value in (None, ""):
        return format_html('<span class="muted">{}</span>', _("not graded"))
    value = int(value)
    return format_html('<span class="grade grade-{}">{}</span>', value, Grade(value).label)
