"""Cells for the CSV files people open in a spreadsheet: dates written plainly, and text a
spreadsheet would run as a formula kept as text.

A name or a comment typed in Canvas or the tool ("=HYPERLINK(...)", "+1 call", "@risk") would
otherwise be evaluated by Excel or Sheets when a programme admin opens the export (CSV
injection); a leading apostrophe makes the spreadsheet show it as typed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> str:
    """The cell text, with a leading apostrophe if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
