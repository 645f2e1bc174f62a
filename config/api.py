"""The open data API: every app's read-only endpoints under /api/v1/, with an OpenAPI schema
and offline documentation (drf-spectacular with its sidecar: no CDN)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessments.api import AssessmentResultViewSet, UnitProfileViewSet
from forums.api import (
    MeetingViewSet,
    PoliceResponseViewSet,
    ProblemViewSet,
    ProposalViewSet,
)
from platforms.api import PlatformViewSet, PoliceUnitViewSet, TerritoryViewSet
from reporting.api import PlanViewSet, ReportViewSet

router = DefaultRouter()
router.register("territories", TerritoryViewSet, basename="territory")
router.register("platforms", PlatformViewSet, basename="platform")
router.register("police-units", PoliceUnitViewSet, basename="police-unit")
router.register("unit-profiles", UnitProfileViewSet, basename="unit-profile")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("responses", PoliceResponseViewSet, basename="response")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("problems", ProblemViewSet, basename="problem")
router.register("assessment-results", AssessmentResultViewSet, basename="assessment-result")
router.register("reports", ReportViewSet, basename="report")
router.register("plans", PlanViewSet, basename="plan")


def not_found(request, rest=""):
    """Anything else under /api/ (an unknown path, or an id that is not a number): a JSON 404,
    as the API's own answers are, not the HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file: no inline script under the CSP
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]


ERROR = {
    "type": "object",
    "description": "What was wrong: `detail`, or each rejected filter with its messages.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "A filter value was refused (e.g. an unknown state or a malformed date).",
    "404": "No such public row, or an unknown `format`.",
    "429": "Too many requests from this address: retry after the `Retry-After` seconds.",
}


# Django's forms refuse NUL in text (a 400): say so in the schema of every free-text parameter.
NO_NUL = "^[^\\x00]*$"


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing: every operation may answer 400, 404 and 429, in JSON
    or, when CSV was asked for, in CSV; free text never holds NUL."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not ({"enum", "format"} & set(schema)):
                    schema.setdefault("pattern", NO_NUL)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": ERROR},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                )
    return result
