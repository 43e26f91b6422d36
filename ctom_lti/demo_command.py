"""``ctom-lti demo``: start the demo, say who one can be in it, and keep it running until Ctrl-C."""

from __future__ import annotations

import threading

import click

from ctom_lti.demo import DemoStack, PortInUse, start_demo


def print_people(stack: DemoStack) -> None:
    seed = stack.sandbox.demo
    assert seed is not None
    rows = [("admin", seed.admin.name)]
    rows += [("instructor", u.name) for u in seed.instructors]
    rows += [("mentor", u.name) for u in seed.mentors]
    rows += [("candidate", u.name) for u in seed.candidates[:3]]
    click.echo("\nPeople you can be (all listed on the sandbox's front page):")
    for role, name in rows:
        click.echo(f"  {role:<11} {name}")
    click.echo(f"  ... and {len(seed.candidates) - 3} more candidates")


def register(group: click.Group) -> None:
    """Add the ``demo`` command to ``group``."""

    @group.command("demo")
    @click.option("--sandbox-port", default=8900, show_default=True, help="Port of the sandbox.")
    @click.option("--tool-port", default=5000, show_default=True, help="Port of the tool.")
    @click.option("--no-sync", is_flag=True, help="Leave the demo course empty.")
    @click.option(
        "--empty",
        is_flag=True,
        help="Seed mentor and candidate profiles but no pairs, to try the matching by hand.",
    )
    def demo_command(sandbox_port: int, tool_port: int, no_sync: bool, empty: bool) -> None:
        """Run the tool and a seeded local Canvas sandbox, ready to click through."""
        try:
            stack = start_demo(
                sandbox_port=sandbox_port, tool_port=tool_port, sync=not no_sync, pair=not empty
            )
        except PortInUse as exc:
            raise click.ClickException(str(exc)) from exc
        if stack.sync_report is not None and not stack.sync_report.ok:
            click.echo("Some course sync steps failed; the demo still runs. Re-run to retry.")
        print_people(stack)
        click.echo(
            f"\nOpen {stack.sandbox.base_url}/ , pick who you are, open the course and choose "
            f"'CTO Mentor' in the course navigation.\nCourse: {stack.course_url}\n"
            "Press Ctrl-C to stop."
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            click.echo("\nStopping.")
        finally:
            stack.stop()
