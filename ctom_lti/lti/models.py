"""Tables owned by the LTI layer (launch state, sessions, service-token cache)."""

from __future__ import annotations
