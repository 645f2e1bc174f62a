"""Included by forums/urls.py: the names live in the `forums` namespace."""

from django.urls import path

from forums.problems import views

urlpatterns = [
    path("at/<slug:slug>/problems/", views.problem_list, name="problems"),
    path("at/<slug:slug>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/edit/<str:stage>/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/publish/", views.problem_publish, name="problem_publish"),
    path("problems/<int:pk>/review/", views.problem_review, name="problem_review"),
    path("library/", views.library, name="library"),
    path("library/<int:pk>/", views.practice_detail, name="practice"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots/data.json", views.hotspots_data, name="hotspots_data"),
    path("at/<slug:slug>/hotspots/", views.hotspots, name="platform_hotspots"),
    path(
        "at/<slug:slug>/hotspots/data.json",
        views.hotspots_data,
        name="platform_hotspots_data",
    ),
    path("at/<slug:slug>/exchanges/", views.exchange_list, name="exchanges"),
    path("at/<slug:slug>/exchanges/new/", views.exchange_new, name="exchange_new"),
    path("exchanges/<int:pk>/", views.exchange_detail, name="exchange"),
]
