"""Month names as they stand in a date ("30 ноября", "30-ноябрь", "30-noyabr").

Django's date filter reads them with the "alt. month" context; listing them here puts them in
the project's catalogues, which come before Django's own, so each language gets its grammatical
form: Russian the genitive, Kyrgyz and Uzbek the lower-case nominative.
"""

from django.utils.translation import pgettext_lazy

MONTHS_IN_DATES = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
