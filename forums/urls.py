from django.urls import include, path

from accounts.pagecache import public_page
from forums import views

app_name = "forums"

# A platform's forum pages live under /at/<slug>/, not under /platforms/: the two apps never
# share a prefix that only include order would tell apart.

urlpatterns = [
    path("proposals/", public_page(views.tracker), name="tracker"),
    path("proposals/raise/", views.raise_problem, name="raise"),
    path("proposals/export.csv", views.export_csv, name="export"),
    path("proposals/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("proposals/<int:pk>/", public_page(views.proposal_detail), name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/respond/", views.respond, name="respond"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("responses/<int:pk>/publish/", views.response_publish, name="response_publish"),
    path("liaison/", views.liaison_dashboard, name="liaison"),
    path("my/", views.my_page, name="my"),
    path("welcome/", views.after_login, name="after_login"),
    path("liaison/templates/", views.answer_templates, name="answer_templates"),
    path("at/<slug:slug>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("at/<slug:slug>/proposals/record/", views.proposal_record, name="proposal_record"),
    path("at/<slug:slug>/meetings/", public_page(views.meeting_list), name="meetings"),
    path("at/<slug:slug>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", public_page(views.meeting_detail), name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meeting-files/<int:pk>/", views.meeting_file, name="meeting_file"),
    path("", include("forums.problems.urls")),
]
