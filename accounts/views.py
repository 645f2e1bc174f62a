from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import ProfileForm
from accounts.models import NotificationCategory, NotificationFrequency
from accounts.paging import keyset_page
from accounts.selectors import unread_count
from accounts.services import (
    notification_preferences_of,
    notification_preferences_set,
    notifications_mark_read,
)


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the static icon."""
    return redirect(static("favicon.ico"))


@require_POST
def set_language(request):
    """Django's switcher, which also remembers the choice on a signed-in user."""
    response = django_set_language(request)
    lang = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and lang in dict(settings.LANGUAGES)
        and user.preferred_language != lang
    ):
        user.preferred_language = lang
        user.save(update_fields=["preferred_language"])
    return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def notifications(request):
    # Keyset paging on the index notification_inbox (user, -created_at, -id): an inbox of
    # 20,000 is never sorted or counted whole.
    page = keyset_page(
        request.user.notifications.all(),
        keys=("created_at", "pk"),
        descending=True,
        per_page=30,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    # Overrides the context processor's lazy count, so the header and the page share one query.
    unread = unread_count(request.user)
    return render(
        request, "accounts/notifications.html", {"page": page, "unread_notifications": unread}
    )


@login_required
@require_POST
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("accounts:notifications")


class NotificationSettingsForm(forms.Form):
    """One e-mail frequency per notification category."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category, label in NotificationCategory.choices:
            self.fields[category] = forms.ChoiceField(
                label=label, choices=NotificationFrequency.choices
            )


@login_required
def notification_settings(request):
    form = NotificationSettingsForm(
        request.POST or None, initial=notification_preferences_of(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_set(user=request.user, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("accounts:notification_settings")
    return render(request, "accounts/notification_settings.html", {"form": form})
