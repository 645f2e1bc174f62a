from django.urls import path

from accounts.pagecache import public_page
from platforms import audit, views, wizard

app_name = "platforms"

urlpatterns = [
    path("", public_page(views.directory), name="directory"),
    path("register/", wizard.register_start, name="register"),
    path("register/<slug:slug>/<str:step>/", wizard.register_step, name="register_step"),
    path(
        "register/<slug:slug>/contacts/<int:pk>/remove/",
        wizard.register_remove_contact,
        name="register_remove_contact",
    ),
    path("audit/", audit.audit_log, name="audit"),
    path("<slug:slug>/", public_page(views.platform_detail), name="detail"),
    path("<slug:slug>/invitation/<str:token>/", wizard.invitation, name="invitation"),
    path("<slug:slug>/answer/", views.answer_registration, name="answer"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/requests/", views.requests, name="requests"),
    path("<slug:slug>/history/", public_page(views.history), name="history"),
    path("<slug:slug>/delegates/", views.delegates, name="delegates"),
    path("<slug:slug>/groups/new/", views.group_new, name="group_new"),
    path("<slug:slug>/groups/<int:pk>/", public_page(views.group_detail), name="group"),
    path("<slug:slug>/rules/", public_page(views.rules), name="rules"),
    path("<slug:slug>/decisions/", public_page(views.decision_list), name="decisions"),
    path("<slug:slug>/decisions/new/", views.decision_new, name="decision_new"),
    path("<slug:slug>/decisions/<int:pk>/", public_page(views.decision_detail), name="decision"),
]
