from django.urls import path

from accounts import views, views_privacy

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("privacy/", views_privacy.privacy, name="privacy"),
    path("privacy/my-data.json", views_privacy.privacy_export, name="privacy_export"),
]
