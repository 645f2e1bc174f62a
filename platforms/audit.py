"""The audit log: one read over every history table, for system administrators.

Role, membership and post changes (PlatformEvent), registration acknowledgements, proposal
timelines, assessment rounds, plans, reports, SARA problems and corrected minutes are each
kept in their own append-only table (platforms.history guards them in PostgreSQL). This module
reads them as one list, newest first, filtered by platform, actor and dates.

The tables of the apps above this layer are named here as labels and resolved when the log is
read (`apps.get_model`), so nothing here imports forums, assessments or reporting.

Paging is by keyset: the cursor is the last row's (time, source, id), and each table answers
with at most one page of rows under it, so a page costs one UNION query of per-table
`ORDER BY at DESC LIMIT n` scans however long the history is.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import CharField, F, TextField, Value
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.db.models.functions import Cast, Left
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from platforms.models import Platform

PAGE_SIZE = 50


@dataclass(frozen=True)
class Source:
    """How one history table maps onto the log's columns (ORM paths on that model)."""

    code: str
    label: str
    model: str
    platform: str
    actor: str
    kind: str
    old: str = ""
    new: str = ""
    note: str = ""
    at: str = "at"


# The order is the tie-break between rows of the same instant (the keyset's second key).
SOURCES = (
    Source("platform", _("platform"), "platforms.PlatformEvent", "platform_id", "actor_id",
           "kind", "old", "new", "reason"),
    Source("acknowledgement", _("registration answer"), "platforms.ForumAcknowledgement",
           "platform_id", "user_id", "party", "", "answer", "comment"),
    Source("proposal", _("proposal"), "forums.ProposalEvent", "platform_id", "actor_id", "kind",
           "old_state", "new_state", "note"),
    Source("problem", _("SARA problem"), "forums.ProblemEvent", "problem__platform_id",
           "actor_id", "kind", "old_stage", "new_stage", "note"),
    Source("minutes", _("minutes corrected"), "forums.MinutesCorrection",
           "meeting__platform_id", "actor_id", "", "", "", "reason"),
    Source("assessment", _("assessment round"), "assessments.RoundEvent", "round__platform_id",
           "actor_id", "action", "old", "new", "reason"),
    Source("plan", _("strategic plan"), "reporting.PlanEvent", "plan__platform_id", "actor_id",
           "kind", "old", "new", "note"),
    Source("report", _("annual report"), "reporting.ReportEvent", "report__platform_id",
           "actor_id", "action", "old", "new", "note"),
)  # fmt: skip
RANK = {source.code: rank for rank, source in enumerate(SOURCES)}
LABELS = {source.code: source.label for source in SOURCES}


def _text(path: str):
    return Cast(F(path), CharField()) if path else Value("", output_field=CharField())


def _rows(source: Source, *, platform_ids, actor, since, until, cursor, limit: int):
    model = apps.get_model(source.model)
    qs = model._base_manager.all()
    if platform_ids is not None:
        qs = qs.filter(**{f"{source.platform}__in": platform_ids})
    if actor is not None:
        qs = qs.filter(**{source.actor: actor.pk})
    if since is not None:
        qs = qs.filter(**{f"{source.at}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{source.at}__lt": until})
    if cursor is not None:
        at, rank, pk = cursor
        mine = RANK[source.code]
        if mine < rank:
            qs = qs.filter(**{f"{source.at}__lte": at})
        elif mine == rank:
            # one row value, (at, id) < (x, y), so the index on (at DESC, id DESC) starts there
            qs = qs.filter(TupleLessThan(Tuple(F(source.at), F("pk")), (at, pk)))
        else:
            qs = qs.filter(**{f"{source.at}__lt": at})
    return (
        qs.order_by(f"-{source.at}", "-pk")
        .annotate(
            log_source=Value(source.code, output_field=CharField()),
            log_rank=Value(RANK[source.code], output_field=models.IntegerField()),
            log_at=F(source.at),
            log_platform=F(source.platform),
            log_actor=F(source.actor),
            log_kind=_text(source.kind),
            log_old=_text(source.old),
            log_new=_text(source.new),
            log_note=Left(Cast(F(source.note), TextField()), 300)
            if source.note
            else Value("", output_field=TextField()),
        )
        .values(
            "log_at", "log_rank", "pk", "log_source", "log_platform", "log_actor", "log_kind",
            "log_old", "log_new", "log_note",
        )[:limit]
    )  # fmt: skip


def audit_entries(
    *,
    platform: Platform | None = None,
    include_below: bool = False,
    actor: User | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: tuple | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[dict], tuple | None]:
    """One page of the log, newest first, and the cursor of the next page (None at the end).

    Queries: the platform's subtree ids (only with include_below), the UNION, and one each for
    the platforms and the actors named on the page.
    """
    platform_ids = None
    if platform is not None:
        platform_ids = (
            list(Platform.objects.below(platform).values_list("pk", flat=True))
            if include_below
            else [platform.pk]
        )
    parts = [
        _rows(s, platform_ids=platform_ids, actor=actor, since=since, until=until,
              cursor=cursor, limit=size + 1)
        for s in SOURCES
    ]  # fmt: skip
    union = parts[0].union(*parts[1:], all=True).order_by("-log_at", "-log_rank", "-pk")
    rows = list(union[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    platforms = Platform.objects.in_bulk({r["log_platform"] for r in rows if r["log_platform"]})
    actors = User.objects.in_bulk({r["log_actor"] for r in rows if r["log_actor"]})
    for row in rows:
        row["source_label"] = LABELS[row["log_source"]]
        row["platform"] = platforms.get(row["log_platform"])
        row["actor"] = actors.get(row["log_actor"])
    last = rows[-1] if rows else None
    next_cursor = (last["log_at"], last["log_rank"], last["pk"]) if more and last else None
    return rows, next_cursor


def cursor_encode(cursor: tuple) -> str:
    at, rank, pk = cursor
    return f"{at.isoformat()}~{rank}~{pk}"


def cursor_decode(value: str) -> tuple | None:
    """A cursor from the query string; anything malformed is the first page."""
    try:
        at, rank, pk = value.split("~")
        parsed = parse_datetime(at)
        rank, pk = int(rank), int(pk)
    except (ValueError, TypeError):
        return None
    if parsed is None or not (0 <= rank < len(SOURCES)) or pk < 0:
        return None
    return parsed, rank, pk


class AuditFilterForm(forms.Form):
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.order_by("path"), required=False
    )
    include_below = forms.BooleanField(label=_("and the platforms below it"), required=False)
    actor = forms.EmailField(label=_("Actor's e-mail address"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@staff_member_required
def audit_log(request):
    """The audit log page: system administrators only (staff who are not superusers: 403)."""
    if not request.user.is_superuser:
        raise PermissionDenied(_("Only system administrators read the audit log."))
    form = AuditFilterForm(request.GET or None)
    rows, next_cursor, actor_missing = [], None, False
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        actor = None
        if data.get("actor"):
            actor = User.objects.filter(email__iexact=data["actor"]).first()
            actor_missing = actor is None
        if not actor_missing:
            until = data.get("until")
            rows, next_cursor = audit_entries(
                platform=data.get("platform"),
                include_below=bool(data.get("include_below")),
                actor=actor,
                since=_day_start(data.get("since")),
                until=_day_start(until + timedelta(days=1)) if until else None,
                cursor=cursor_decode(request.GET.get("after", "")),
            )
    query = request.GET.copy()
    query.pop("after", None)
    if next_cursor:
        query["after"] = cursor_encode(next_cursor)
    return render(
        request,
        "platforms/audit_log.html",
        {
            "form": form,
            "rows": rows,
            "next_query": query.urlencode() if next_cursor else "",
            "actor_missing": actor_missing,
        },
    )
