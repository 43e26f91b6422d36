"""Tables owned by sync (mapping of desired keys to Canvas ids, run history)."""

from __future__ import annotations
