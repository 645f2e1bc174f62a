"""Included by forums/urls.py: the names live in the `forums` namespace."""

from django.urls import path

from accounts.pagecache import public_page
from forums.problems import views

urlpatterns = [
    path("at/<slug:slug>/problems/", public_page(views.problem_list), name="problems"),
    path("at/<slug:slug>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", public_page(views.problem_detail), name="problem"),
    path("problems/<int:pk>/edit/<str:stage>/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/publish/", views.problem_publish, name="problem_publish"),
    path("problems/<int:pk>/review/", views.problem_review, name="problem_review"),
    path("library/", public_page(views.library), name="library"),
    path("library/<int:pk>/", public_page(views.practice_detail), name="practice"),
    path("hotspots/", public_page(views.hotspots), name="hotspots"),
    path("hotspots/data.json", public_page(views.hotspots_data), name="hotspots_data"),
    path("at/<slug:slug>/hotspots/", public_page(views.hotspots), name="platform_hotspots"),
    path(
        "at/<slug:slug>/hotspots/data.json",
        public_page(views.hotspots_data),
        name="platform_hotspots_data",
    ),
    path("at/<slug:slug>/exchanges/", public_page(views.exchange_list), name="exchanges"),
    path("at/<slug:slug>/exchanges/new/", views.exchange_new, name="exchange_new"),
    path("exchanges/<int:pk>/", public_page(views.exchange_detail), name="exchange"),
]
