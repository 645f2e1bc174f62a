"""Strings of Django's own apps that this project's catalogue translates or corrects.

Listed here so makemessages keeps them in locale/: Django's Uzbek catalogue leaves the password
rules of the sign-up and password pages untranslated (they then appear in Russian, the default
language), and its Kyrgyz one gives "last name" as the father's name. Translations in
LOCALE_PATHS take precedence over those shipped with Django. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = [
    # django.contrib.auth.password_validation
    ngettext_lazy(
        "This password is too short. It must contain at least %(min_length)d character.",
        "This password is too short. It must contain at least %(min_length)d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
]
