"""The open data API: every app's read-only endpoints under /api/v1/, with an OpenAPI schema
and offline documentation (drf-spectacular with its sidecar: no CDN)."""

from django.urls import include, path
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

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file: no inline script under the CSP
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
