"""The README's commands work as typed in a fresh shell after its first command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
PROGRAM = "ctom-lti"
#: where the README's first command installs the program
VENV_PROGRAM = ".venv/bin/ctom-lti"


def _commands(text: str) -> list[str]:
    """Every shell command the README shows: lines of fenced blocks and inline code spans."""
    commands: list[str] = []
    for language, block in re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S):
        if language not in {"", "bash", "sh", "console"}:
            continue  # a TOML or JSON example, not commands
        joined = block.replace("\\\n", " ")
        commands += [line.strip() for line in joined.splitlines() if line.strip()]
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    commands += re.findall(r"`([^`\n]+)`", prose)
    return commands


def _programs_run(command: str) -> list[str]:
    """The program word of each simple command in a pipeline or ``&&`` chain."""
    words = shlex.split(command.split("#", 1)[0], posix=True) if command else []
    programs: list[str] = []
    expect_program = True
    for word in words:
        if word in {"&&", "||", "|", ";"}:
            expect_program = True
        elif expect_program and not re.fullmatch(r"[A-Z_]+=.*", word):
            programs.append(word)
            expect_program = False
    return programs


def test_every_readme_command_names_the_program_in_the_venv() -> None:
    text = README.read_text("utf-8")
    bare = [
        command
        for command in _commands(text)
        if PROGRAM in _programs_run(command.replace(" … ", " x ").replace("…", "x"))
    ]
    # A bare `ctom-lti …` is "command not found" unless the virtual environment is active.
    assert bare == [], bare
    assert any(VENV_PROGRAM in _programs_run(c) for c in _commands(text))


def test_readme_says_how_to_type_the_short_name() -> None:
    assert "source .venv/bin/activate" in README.read_text("utf-8")
