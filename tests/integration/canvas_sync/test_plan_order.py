"""The dry-run plan reads in course order: modules as the Modules page will list them, each
followed by its items in place, and each new object's place where it ends up."""

from __future__ import annotations

import re

from ctom_lti.cli import main
from ctom_lti.sandbox.content import course_modules, module_items

from .conftest import EXAMPLE, TOOL_URL, SyncSetup

COHORT = EXAMPLE.replace('# base_url = "https://ctom.example.edu"', f'base_url = "{TOOL_URL}"')


def _rows(table: str) -> list[list[str]]:
    """[action, kind, name, detail] per row, split on the table's two-space column gaps."""
    rows = []
    for line in table.splitlines()[1:]:
        if not line.strip():
            break
        rows.append([*re.split(r"\s{2,}", line.strip(), maxsplit=3), "", ""][:4])
    return rows


def _short(name: str) -> str:
    """A name as the table shows it (long ones are cut to 59 characters and "…")."""
    return name if len(name) <= 60 else name[:59] + "…"


def test_dry_run_lists_modules_and_items_in_course_order(setup: SyncSetup) -> None:
    setup.write_cohort(COHORT)
    env = {
        "CTOM_CANVAS_URL": setup.sandbox.base_url,
        "CTOM_CANVAS_TOKEN": setup.sandbox.admin_token,
    }
    runner = setup.app.test_cli_runner()
    planned = runner.invoke(main, ["sync", str(setup.cohort_path), "--dry-run"], env=env)
    assert planned.exit_code == 0, planned.output
    rows = _rows(planned.stdout)
    # Build the course, then read it as Canvas shows it.
    built = runner.invoke(main, ["sync", str(setup.cohort_path)], env=env)
    assert built.exit_code == 0, built.output
    store = setup.sandbox.store
    modules = course_modules(store, setup.course_id())
    in_canvas: list[tuple[str, str]] = []
    for module in modules:
        in_canvas.append(("module", _short(module.name)))
        in_canvas += [("item", _short(item.title)) for item in module_items(store, module.id)]
    listed = [(kind, name) for action, kind, name, _ in rows if action == "create"]
    assert [r for r in listed if r[0] in ("module", "item")] == in_canvas
    # A new object's detail says where it ends up, not where the run first inserts it.
    details = {(kind, name): detail for action, kind, name, detail in rows if action == "create"}
    first, last = modules[0], modules[-1]
    assert details[("module", first.name)] == f"module 1 of {len(modules)}"
    assert details[("module", last.name)] == f"module {len(modules)} of {len(modules)}"
    items = module_items(store, first.id)
    assert details[("item", items[0].title)] == (
        f"{items[0].type}, 1 of {len(items)} in {first.name}"
    )
