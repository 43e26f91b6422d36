"""``ctom-lti portfolio …``: the portfolio from the command line."""

from __future__ import annotations

import click

from ctom_lti.tools.portfolio.export.cli import export_command


@click.group("portfolio")
def portfolio_group() -> None:
    """Candidates' portfolios: export them."""


portfolio_group.add_command(export_command)
