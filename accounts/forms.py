from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import one_line_name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "preferred_language"]


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
