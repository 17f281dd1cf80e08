"""README's line for rolodex import names every option the command takes (an option the
README leaves out is one a reader never learns of), and its --help what --map maps to."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from rolodex.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_line(command: str) -> str:
    (line,) = [x for x in README.read_text().splitlines() if x.startswith(f"rolodex {command} ")]
    return line


def test_the_readme_names_every_option_of_rolodex_import():
    click_command = typer.main.get_command(app).commands["import"]  # type: ignore[attr-defined]
    options = {o for p in click_command.params for o in p.opts if o.startswith("--")}
    options -= {"--help"}
    named = set(re.findall(r"--[a-z][a-z-]*", _readme_line("import")))
    assert options - named == set()


def test_the_map_option_says_what_a_column_can_map_to(cli):
    result = cli("import", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "attr.<name>" in text
    assert "ignore" in text
