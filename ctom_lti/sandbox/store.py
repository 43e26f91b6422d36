"""In-memory state of the sandbox Canvas: the objects both the REST API and the LTI platform see.

One :class:`Store` per sandbox instance; every read-modify-write happens under ``store.lock``
(the sandbox serves requests from several threads). Objects are plain dataclasses shaped after
Canvas's own models (:mod:`~ctom_lti.sandbox.course_records`,
:mod:`~ctom_lti.sandbox.coursework_records`); each REST or LTI module turns them into the JSON
Canvas would send. :class:`~ctom_lti.sandbox.course_tables.CourseTables` holds the tables and the
course side; this module adds the people, their API tokens and the opaque ids LTI shows them.

Identifier formats follow ``reference/canvas-lti.md`` §1.3: numeric ids per table, user ``lti_id``
UUIDs (the LTI ``sub``), and 40-hex opaque ids (HMAC-SHA1 of the Canvas asset string) for
``context.id``, ``login_hint`` and legacy user ids.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ctom_lti.sandbox.course_records import ExternalTool
from ctom_lti.sandbox.course_tables import CourseTables
from ctom_lti.sandbox.timestamps import now


@dataclass
class User:
    id: int
    name: str
    short_name: str
    sortable_name: str
    login_id: str
    email: str | None = None
    sis_user_id: str | None = None
    integration_id: str | None = None
    #: LTI ``sub``: a UUID v4 (canvas-lti.md §1.3)
    lti_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created_at: datetime = field(default_factory=now)
    #: account ids where this user is an account admin (AccountUser)
    admin_of: set[int] = field(default_factory=set)
    site_admin: bool = False

    @property
    def given_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def family_name(self) -> str:
        return self.name.split(" ", 1)[1] if " " in self.name else ""


@dataclass
class AccessToken:
    token: str
    user_id: int
    created_at: datetime = field(default_factory=now)
    revoked: bool = False


class Store(CourseTables):
    """All sandbox state. Feature modules add their own collections through :meth:`table`."""

    def __init__(
        self, *, secret: str | None = None, issuer: str = "https://canvas.instructure.com"
    ):
        #: signs opaque ids and hint JWTs; random per sandbox unless fixed for reproducible seeds
        self.secret = secret or secrets.token_hex(32)
        self.issuer = issuer
        super().__init__()

    def opaque_id(self, asset_string: str) -> str:
        """40-hex HMAC-SHA1 of a Canvas asset string such as ``course_12`` (canvas-lti.md §1.3)."""
        return hmac.new(self.secret.encode(), asset_string.encode(), hashlib.sha1).hexdigest()

    @property
    def users(self) -> dict[int, User]:
        return self._tables["users"]

    @property
    def tokens(self) -> dict[str, AccessToken]:
        return self._tables["tokens"]

    def deployment_id(self, tool: ExternalTool) -> str:
        """``<tool id>:<opaque id of the install context>`` (canvas-lti.md §1.3)."""
        asset = f"{tool.context_type.lower()}_{tool.context_id}"
        return f"{tool.id}:{self.opaque_id(asset)}"[:255]

    def add_user(
        self,
        name: str,
        login_id: str,
        *,
        email: str | None = None,
        sis_user_id: str | None = None,
        admin_of: set[int] | None = None,
    ) -> User:
        with self.lock:
            parts = name.split(" ", 1)
            sortable = f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name
            user = User(
                id=self.next_id("users"),
                name=name,
                short_name=name,
                sortable_name=sortable,
                login_id=login_id,
                email=email,
                sis_user_id=sis_user_id,
                admin_of=set(admin_of or ()),
            )
            self.users[user.id] = user
            return user

    def issue_token(self, user_id: int, token: str | None = None) -> str:
        """Create an API access token for ``user_id`` (Canvas-style ``<id>~<random>``)."""
        with self.lock:
            value = token or f"{self.next_id('token_ids')}~{secrets.token_urlsafe(48)}"
            self.tokens[value] = AccessToken(value, user_id)
            return value

    def user_for_token(self, token: str) -> User | None:
        record = self.tokens.get(token)
        if record is None or record.revoked:
            return None
        return self.users.get(record.user_id)
