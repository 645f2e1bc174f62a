from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from platforms import permissions, selectors
from platforms.models import Party, Platform, Role, Territory

MEMBERS_SHOWN = 120


def access_platform(request, slug: str) -> Platform:
    """Fetch a platform the user may see: 404 both for missing and for not visible."""
    platform = get_object_or_404(
        Platform.objects.select_related("territory", "parent", "parent__parent"), slug=slug
    )
    if not permissions.can_view_platform(request.user, platform):
        raise Http404(_("No such platform."))
    return platform


def home(request):
    return render(
        request,
        "platforms/home.html",
        {
            "counts": selectors.level_counts(),
            "national": Platform.objects.filter(
                level=Platform.Level.NATIONAL, status__in=Platform.PUBLIC_STATUSES
            ).first(),
            "can_start_forum": request.user.is_authenticated,
        },
    )


def directory(request):
    level = request.GET.get("level", "")
    if level not in Platform.Level.values:
        level = ""
    territory = None
    code = request.GET.get("territory", "")
    if code:
        territory = Territory.objects.filter(code=code).first()
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(
        selectors.directory_platforms(level=level, territory=territory, query=query), 40
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "platforms/directory.html",
        {
            "page": page,
            "level": level,
            "levels": Platform.Level.choices,
            "territory": territory,
            "territories": selectors.directory_territories(),
            "query": query,
        },
    )


def platform_detail(request, slug: str):
    platform = access_platform(request, slug)
    members = list(selectors.platform_members(platform)[: MEMBERS_SHOWN + 1])
    party_labels = dict(Party.choices)
    role_labels = dict(Role.choices)
    return render(
        request,
        "platforms/platform_detail.html",
        {
            "platform": platform,
            "children": selectors.platform_children(platform),
            "members": members[:MEMBERS_SHOWN],
            "members_truncated": len(members) > MEMBERS_SHOWN,
            "party_counts": [
                {"party": party_labels.get(r["party"], r["party"]), "n": r["n"]}
                for r in selectors.platform_party_counts(platform)
            ],
            "role_labels": role_labels,
            "groups": selectors.platform_groups(platform),
            "can_manage": permissions.can_manage_memberships(request.user, platform),
        },
    )
