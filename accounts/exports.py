"""Spreadsheet-safe exports, shared by every app that writes CSV."""

from collections.abc import Iterable

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet shows it, never run: formula-like text gets a leading quote.

    Numbers stay numbers, so a negative count is not quoted.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(*values) -> list:
    return [safe_cell(v) for v in values]


def safe_rows(rows: Iterable[Iterable]) -> Iterable[list]:
    for row in rows:
        yield safe_row(*row)
