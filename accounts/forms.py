from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import one_line_name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "display_name",
            "first_name",
            "last_name",
            "preferred_language",
            "gender",
            "birth_year",
        ]
        help_texts = {
            "gender": _(
                "Optional. Never shown to anyone: annual reports only count the share of women "
                "and of young people among those who stated it, and only from ten people on."
            ),
            "birth_year": _("Optional, and used in the same way: only to count young people."),
        }

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not (1900 <= year <= timezone.localdate().year):
            raise ValidationError(_("Give a year of birth between 1900 and this year."))
        return year


class SignupForm(forms.Form):
    """The fields allauth's sign-up form adds to its own (ACCOUNT_SIGNUP_FORM_CLASS): a name.

    Without it every new account is "Member #1180" on public pages. The adapter stores the
    name before the account's first save (AccountAdapter.save_user).
    """

    field_order = ["display_name", "email", "password1", "password2"]

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=_(
            "Shown on public pages and to the forums you join instead of your e-mail address: "
            "your full name, or a name people in your community know you by."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_display_name(self):
        name = one_line_name(self.cleaned_data["display_name"])
        if not name:
            raise ValidationError(_("Give the name others will see."), code="required")
        return name

    def signup(self, request, user):
        """Called by allauth after the account is saved; the adapter already stored the name."""
