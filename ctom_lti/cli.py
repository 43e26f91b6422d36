"""The ``ctom-lti`` command: Flask's CLI group over :func:`ctom_lti.create_app`.

The infrastructure packages contribute their commands through a ``register(group)`` function in
the modules listed in ``_COMMAND_MODULES``. Features declare theirs on their ``Feature``;
``create_app`` adds them to ``app.cli``, which Flask's group serves beside these.
"""

from __future__ import annotations

import importlib
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from ctom_lti import create_app

_COMMAND_MODULES = (
    "ctom_lti.lti.cli",
    "ctom_lti.sandbox.cli",
    "ctom_lti.cohorts.cli",
    "ctom_lti.canvas_sync.cli",
    "ctom_lti.demo_command",
)


class _ToolGroup(FlaskGroup):
    """Flask's group, saying what to run when a command meets a database ``init`` has not
    prepared, instead of SQLAlchemy's traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from ctom_lti import migrate

            if not migrate.schema_not_ready(exc):
                raise
            app = ctx.ensure_object(ScriptInfo).load_app()
            click.echo(migrate.schema_hint(app, exc), err=True)
            raise click.exceptions.Exit(EXIT_NOT_PREPARED) from None


#: Exit status of a command run on a database ``ctom-lti init`` has not prepared.
EXIT_NOT_PREPARED = 3


@click.group(cls=_ToolGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """CTO Mentor LTI tool: set-up, registrations, sync and the local Canvas sandbox."""


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and make sure the tool has a signing key.

    Safe to run again: it changes nothing that is already in place.
    """
    from ctom_lti import migrate
    from ctom_lti.lti.keys import ensure_current_key

    migrate.upgrade(current_app)
    kid, created = ensure_current_key(current_app)
    click.echo(f"Database ready at {current_app.config['DATABASE_URL'].split('@')[-1]}")
    click.echo(f"{'Generated' if created else 'Using'} tool signing key {kid}")


for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(main)
