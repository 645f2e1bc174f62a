from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import ProfileForm


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
