"""Pure checks for text that arrives from outside: identifiers, numbers typed into forms.

Databases disagree about what they accept: PostgreSQL refuses a NUL character in any text value
and a number beyond its column's integer range, SQLite only beyond 64 bits. Checking here, before
any query, turns such input into a clear 4xx answer on every database instead of a 500.
"""

from __future__ import annotations

import re

#: C0 and C1 control characters and DEL: never part of an identifier, URL or one-line value.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: NUL, which PostgreSQL refuses in any text value (other controls are stored as typed).
_NUL = "\x00"

#: Largest value of a 32-bit ``INTEGER`` column (PostgreSQL ``integer``, the ORM's default int).
INT32_MAX = 2**31 - 1


def has_control(value: str) -> bool:
    """Whether ``value`` holds a control character (NUL, newline, escape, DEL, C1 ...)."""
    return _CONTROL.search(value) is not None


def without_nul(value: str) -> str:
    """``value`` with NUL characters removed (for free text, where they never mean anything)."""
    return value.replace(_NUL, "") if _NUL in value else value


def bounded_int(raw: str, *, low: int = 0, high: int = INT32_MAX) -> int | None:
    """The whole number typed in ``raw`` if it is plain ASCII digits within ``[low, high]``.

    Returns None for anything else: signs, spaces inside, other scripts' digits, and numbers too
    long to be in range (checked by length first, so a thousand-digit entry costs nothing).
    """
    text = raw.strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None
