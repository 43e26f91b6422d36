"""Which registration (tenant) a cohort belongs to.

Every Canvas Cloud school shares the issuer ``https://canvas.instructure.com`` and numbers its
courses from 1, so neither an issuer nor a course id tells tenants apart; a registration does.
A cohort file names its Canvas address, and the cohort belongs to the registration stored with
that address (``--platform`` picks one when several registrations share it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctom_lti.canvas import normalise_base_url
from ctom_lti.cohorts.errors import RegistrationChoiceError
from ctom_lti.models import Platform


def describe_registration(platform: Platform) -> str:
    """How ``ctom-lti platform list`` names a registration, e.g. ``#2 (Kern) client_id=17…``."""
    name = f" ({platform.name})" if platform.name else ""
    return f"#{platform.id}{name} client_id={platform.client_id}"


def _matches(platform: Platform, choice: str) -> bool:
    choice = choice.strip()
    return choice.lstrip("#") == str(platform.id) or choice in (platform.client_id, platform.name)


def registrations_with_canvas_url(session: Session, canvas_url: str) -> list[Platform]:
    """Every registration whose stored Canvas address is ``canvas_url``."""
    wanted = normalise_base_url(canvas_url)
    platforms = session.scalars(
        select(Platform).where(Platform.canvas_url.is_not(None)).order_by(Platform.id)
    )
    return [p for p in platforms if normalise_base_url(p.canvas_url or "") == wanted]


def registration_for(session: Session, canvas_url: str, choice: str | None = None) -> Platform:
    """The registration whose stored Canvas address is ``canvas_url``.

    :param choice: ``--platform``: a registration id (``3`` or ``#3``), client id or name; needed
        only when several registrations share the address.
    :raises RegistrationChoiceError: none fits, or several do and ``choice`` does not pick one.
    """
    wanted = normalise_base_url(canvas_url)
    fitting = registrations_with_canvas_url(session, canvas_url)
    if choice is not None:
        platforms = session.scalars(select(Platform).order_by(Platform.id))
        chosen = [p for p in platforms if _matches(p, choice)]
        if not chosen:
            raise RegistrationChoiceError(
                f"No registration is {choice!r}.",
                hint="Give --platform an id, client id or name from `ctom-lti platform list`.",
            )
        picked = [p for p in chosen if p in fitting]
        if not picked:
            raise RegistrationChoiceError(
                f"Registration {describe_registration(chosen[0])} is not for {wanted}.",
                hint="Pick a registration whose Canvas address is the cohort's (see "
                "`ctom-lti platform list`), or store the address on it with "
                "`ctom-lti platform add ... --canvas-url`.",
            )
        fitting = picked
    if not fitting:
        raise RegistrationChoiceError(
            f"No registration has the Canvas address {wanted}.",
            hint="Register the Canvas instance first (`ctom-lti platform add ... --canvas-url "
            f"{wanted}`), or check canvas_url in the cohort file.",
        )
    if len(fitting) > 1:
        names = ", ".join(describe_registration(p) for p in fitting)
        raise RegistrationChoiceError(
            f"Several registrations have the Canvas address {wanted}: {names}.",
            hint="Say which one the cohort belongs to with --platform ID.",
        )
    return fitting[0]
