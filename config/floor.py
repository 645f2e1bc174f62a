"""The framework floor for benchmarks: a bare page through the same middleware and the same base
layout, with one indexed query. Mounted at /bench/floor/ only when BENCH_FLOOR=1 (bench/run.py);
every page's throughput is reported as a ratio to this one, measured in the same run."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from platforms.models import Platform

# A page body of a typical list page's size, inside the site's base layout.
TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Floor{% endblock %}
{% block content %}<h1>{{ platform.name }}</h1>
<ul>{% for i in rows %}<li><a href="{{ platform.get_absolute_url }}">{{ platform.name }} {{ i }}</a></li>{% endfor %}</ul>
{% endblock %}"""
)


def floor(request: HttpRequest) -> HttpResponse:
    # one query on an indexed column (Platform.level)
    platform = Platform.objects.filter(level=Platform.Level.NATIONAL).only("name", "slug").first()
    return HttpResponse(TEMPLATE.render({"platform": platform, "rows": range(50)}, request))


urlpatterns = [path("", floor, name="bench_floor")]
