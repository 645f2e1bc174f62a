"""Spreadsheet-safe exports, shared by every app that writes CSV."""

import csv
from collections.abc import Iterable, Iterator

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


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_stream(header: list, rows: Iterable[Iterable], *, chunk_bytes: int = 0) -> Iterator[str]:
    """A CSV as text pieces for a StreamingHttpResponse: the byte-order mark (Excel reads UTF-8
    only with it), the header, then one spreadsheet-safe line per row, handed on once about
    `chunk_bytes` have gathered (0: every line as it comes), so a national list never sits in
    memory."""
    writer = csv.writer(_Echo())
    buffer, size = ["\ufeff" + writer.writerow(header)], 0
    for row in rows:
        line = writer.writerow(safe_row(*row))
        buffer.append(line)
        size += len(line)
        if size >= chunk_bytes:
            yield "".join(buffer)
            buffer, size = [], 0
    yield "".join(buffer)  # the rest (empty when the last line filled a piece)
