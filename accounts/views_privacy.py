"""The person's own data: download a copy, delete the account (accounts.privacy)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.privacy import account_erase, personal_data_json


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: my account is deleted for good; what I published stays, "
            'shown as by "former member".'
        )
    )


@login_required
@never_cache
def privacy(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_erase(user=request.user, password=form.cleaned_data["password"])
        except PermissionDenied as exc:
            form.add_error("password", str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("home")
    return render(request, "accounts/privacy.html", {"form": form})


@login_required
@never_cache
@require_GET
def privacy_export(request):
    response = HttpResponse(
        personal_data_json(request.user), content_type="application/json; charset=utf-8"
    )
    name = f"open-platforms-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
