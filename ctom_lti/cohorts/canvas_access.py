"""A Canvas gateway for a cohort, built from its registration's stored address and token.

Features and CLI jobs reach a cohort's Canvas through :func:`cohort_gateway`, never through the
environment: each school's registration carries its own Canvas address and (Fernet-encrypted)
API token, so one tool serves many schools.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from ctom_lti.canvas import CanvasGateway, make_canvas_gateway
from ctom_lti.cohorts.errors import CanvasAccessMissing
from ctom_lti.cohorts.tenancy import describe_registration
from ctom_lti.lti.registrations import canvas_credentials
from ctom_lti.models import Cohort, Platform


def registration_gateway(
    session: Session, platform_id: int, fernet: Fernet, *, what: str, **options: Any
) -> CanvasGateway:
    """A gateway to the Canvas of registration ``platform_id``, acting with its stored token.

    :param what: what the gateway is for, to name in the error (e.g. ``cohort CTOM-2026-C12``).
    :param options: passed to :func:`ctom_lti.canvas.make_canvas_gateway` (concurrency…).
    :raises CanvasAccessMissing: the registration has no Canvas address or token stored.
    :raises RegistrationError: the stored token cannot be decrypted with this key.
    """
    credentials = canvas_credentials(session, platform_id, fernet)
    if credentials is None:
        platform = session.get(Platform, platform_id)
        who = describe_registration(platform) if platform else f"#{platform_id}"
        raise CanvasAccessMissing(
            f"Registration {who} of {what} has no Canvas address and API token stored.",
            hint="Store them with `ctom-lti platform add --issuer ... --client-id ... "
            "--canvas-url URL` (the token is read from CTOM_CANVAS_TOKEN or standard input).",
        )
    url, token = credentials
    return make_canvas_gateway(url, token, **options)


def cohort_gateway(
    session: Session, cohort: Cohort, fernet: Fernet, **options: Any
) -> CanvasGateway:
    """A gateway to the Canvas of ``cohort``'s registration, acting with its stored token.

    :param fernet: the app's secret box (``ctom_lti.lti.registrations.get_fernet(app)``).
    :param options: passed to :func:`ctom_lti.canvas.make_canvas_gateway` (concurrency…).
    :raises CanvasAccessMissing: the registration has no Canvas address or token stored.
    :raises RegistrationError: the stored token cannot be decrypted with this key.
    """
    what = f"cohort {cohort.sis_course_id or cohort.title!r}"
    return registration_gateway(session, cohort.platform_id, fernet, what=what, **options)
