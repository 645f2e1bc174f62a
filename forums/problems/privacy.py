"""A check for identifying data in problem records and case studies.

Victims and minors must never be identifiable: the forms warn, and text holding what looks like
a Kyrgyz personal identification number (14 digits) or a phone number is refused.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# 14 digits standing alone: the personal identification number (ПИН / ИНН of a person)
PIN = re.compile(r"(?<!\d)\d{14}(?!\d)")
# digit groups joined by the separators of phone numbers (not dots: "01.09.2023-15.10.2023")
DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s()\-]{6,}\d")
GROUP = re.compile(r"\d+")
# mobile and Bishkek/Osh prefixes when a 9-digit number is written without the leading 0
LOCAL_PREFIXES = ("5", "7", "9", "22", "31", "32")


def _is_phone(digits: str, grouped: bool) -> bool:
    if digits.startswith("996") and len(digits) == 12:
        return True
    if digits.startswith("0") and len(digits) == 10:
        return True
    return grouped and len(digits) == 9 and digits.startswith(LOCAL_PREFIXES)


def find_personal_data(text: str) -> list[str]:
    """The kinds of identifying data found in the text: "pin", "phone" (each at most once)."""
    found = []
    text = text or ""
    if PIN.search(text):
        found.append("pin")
    for run in DIGIT_RUN.finditer(text):
        groups = GROUP.findall(run.group())
        # any consecutive groups may be the number: "2023 0555 123 456" holds a phone too
        if any(
            _is_phone("".join(groups[i:j]), grouped=j - i > 1)
            for i in range(len(groups))
            for j in range(i + 1, len(groups) + 1)
        ):
            found.append("phone")
            break
    return found


def check_personal_data(fields: dict[str, str]) -> None:
    """Refuse texts with an ID number or a phone number; the error names the field."""
    errors = {}
    for name, value in fields.items():
        kinds = find_personal_data(value if isinstance(value, str) else "")
        if "pin" in kinds:
            errors[name] = _(
                "This text seems to hold a personal identification number (14 digits). "
                "Remove identifying data of victims, minors and other people."
            )
        elif "phone" in kinds:
            errors[name] = _(
                "This text seems to hold a phone number. "
                "Remove identifying data of victims, minors and other people."
            )
    if errors:
        raise ValidationError(errors)
