"""What every app's open data endpoints share: a read-only viewset whose lists page by cursor in
JSON and, with `?format=csv`, stream every matching row as CSV; the anonymous throttles.

It lives in the lowest layer so that each app's `api.py` can use it without importing upwards.
"""

import json
from collections.abc import Iterator
from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import renderers, viewsets
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from accounts import pagecache
from accounts.exports import csv_stream

# Rows fetched per query while a CSV streams: memory stays flat whatever the table's size.
CSV_BATCH = 1000
BIGINT_MAX = 2**63 - 1


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, compared in UTC: an offset PostgreSQL refuses (-20:33) or a moment
    past the year 9999 in UTC is a 400, never a database error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": BIGINT_MAX})
class IdFilter(filters.NumberFilter):
    """An id or a year: a whole number within the database's range. A row that does not exist
    gives an empty list (not a 400 and not a lookup query); 0.5 or 10**30 are refused."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)


def _cell(value):
    """A serialized value as one CSV cell: nested data as JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def csv_lines(fields: list[str], items) -> Iterator[str]:
    """The header and one spreadsheet-safe line per serialized item."""
    return csv_stream(fields, ([_cell(item.get(name)) for name in fields] for item in items))


class CSVRenderer(renderers.BaseRenderer):
    """text/csv for what is not streamed by OpenDataViewSet (a detail or an error)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        items = data if isinstance(data, list) else [data]
        items = [item if isinstance(item, dict) else {"value": item} for item in items]
        fields = list(items[0]) if items else []
        return "".join(csv_lines(fields, items)).encode("utf-8")


class AnonCSVThrottle(AnonRateThrottle):
    """A whole list as CSV costs more than a page: its own, lower rate (`anon_csv`)."""

    scope = "anon_csv"

    def allow_request(self, request, view):
        if getattr(getattr(request, "accepted_renderer", None), "format", "") != "csv":
            return True
        return super().allow_request(request, view)


def keyset_batches(queryset: QuerySet, size: int = CSV_BATCH) -> Iterator[list]:
    """The queryset's rows in primary-key order, one bounded query (plus its prefetches) per
    batch: no OFFSET, and each batch starts where the last one ended on the index."""
    descending = (queryset.query.order_by or ("pk",))[0] in ("-pk", "-id")
    queryset = queryset.order_by("-pk" if descending else "pk")
    last = None
    while True:
        page = queryset
        if last is not None:
            page = page.filter(pk__lt=last) if descending else page.filter(pk__gt=last)
        batch = list(page[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return
        last = batch[-1].pk


class OpenDataViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only, public; lists page by cursor in JSON and stream whole as CSV. An anonymous
    client's JSON comes from the page cache (accounts.pagecache) once serialized, after the
    throttles have counted the request."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    throttle_classes = [AnonRateThrottle, AnonCSVThrottle]

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", "") == "csv":
            return self.csv_response(self.filter_queryset(self.get_queryset()))
        parent = super()
        return Response(
            pagecache.cached_value(request, lambda: parent.list(request, *args, **kwargs).data)
        )

    def retrieve(self, request, *args, **kwargs):
        parent = super()
        return Response(
            pagecache.cached_value(request, lambda: parent.retrieve(request, *args, **kwargs).data)
        )

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        fields = list(serializer_class(context=context).fields)

        def items():
            for batch in keyset_batches(queryset):
                yield from serializer_class(batch, many=True, context=context).data

        response = StreamingHttpResponse(
            csv_lines(fields, items()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.basename}.csv"'
        return response
