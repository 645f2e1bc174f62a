from django.urls import path

from accounts.pagecache import public_page
from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", public_page(views.index), name="index"),
    path("statistics/", public_page(views.statistics), name="statistics"),
    path("p/<slug:slug>/", public_page(views.archive), name="archive"),
    path("p/<slug:slug>/new/", views.report_new, name="report_new"),
    path("p/<slug:slug>/<int:year>/", public_page(views.report_detail), name="report"),
    path("p/<slug:slug>/<int:year>/manage/", views.report_manage, name="report_manage"),
    path("p/<slug:slug>/<int:year>/correct/", views.report_correct, name="report_correct"),
    path("p/<slug:slug>/<int:year>/v<int:number>.pdf", views.report_pdf, name="report_pdf"),
    path("p/<slug:slug>/<int:year>/v<int:number>.csv", views.report_csv, name="report_csv"),
    path("p/<slug:slug>/<int:year>/v<int:number>.json", views.report_json, name="report_json"),
    path("p/<slug:slug>/plans/new/", views.plan_new, name="plan_new"),
    path("p/<slug:slug>/plans/<int:year>/", public_page(views.plan_detail), name="plan"),
    path(
        "p/<slug:slug>/plans/<int:year>/actions/<int:pk>/",
        views.plan_action_progress,
        name="plan_action_progress",
    ),
]
