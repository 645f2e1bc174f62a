from django.urls import path

from accounts.pagecache import public_page
from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", public_page(views.index), name="index"),
    path("compare/", public_page(views.compare), name="compare"),
    path("units/", public_page(views.units), name="units"),
    path("units/<int:unit_id>/", public_page(views.unit_scorecard), name="scorecard"),
    path("units/<int:unit_id>/profile/", views.unit_profile_edit, name="profile_edit"),
    path("frameworks/<int:pk>/", public_page(views.framework_detail), name="framework"),
    path("platform/<slug:slug>/", public_page(views.platform_rounds), name="platform"),
    path("platform/<slug:slug>/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", public_page(views.round_detail), name="round"),
    path("rounds/<int:pk>/units/<int:sid>/", public_page(views.subject_detail), name="subject"),
    path("rounds/<int:pk>/poll/", views.poll_detail, name="poll"),
    path("rounds/<int:pk>/results.csv", views.export_csv, name="export_csv"),
    path("rounds/<int:pk>/results.json", views.export_json, name="export_json"),
    path(
        "recommendations/<int:pk>/", public_page(views.recommendation_detail), name="recommendation"
    ),
]
