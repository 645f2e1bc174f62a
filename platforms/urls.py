from django.urls import path

from platforms import views

app_name = "platforms"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.platform_detail, name="detail"),
]
