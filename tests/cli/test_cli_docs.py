"""docs/cli.md documents every command and every option the parser has."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import metaautoml
from metaautoml.cli import COMMANDS, build_parser

DOC = Path(metaautoml.__file__).resolve().parent.parent / "docs" / "cli.md"

if not DOC.exists():  # pragma: no cover - an installed package without the repository
    pytest.skip("docs/cli.md is not next to this checkout", allow_module_level=True)


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _section(name: str) -> str:
    text = DOC.read_text()
    heading = f"\n## metaautoml {name}\n"
    assert heading in text, f"docs/cli.md has no section for {name!r}"
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def _check_documented(name: str, parser: argparse.ArgumentParser, section: str) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or "--debug" in action.option_strings:
            continue  # documented once, with the global options
        names = action.option_strings or [action.metavar]
        for option in names:
            assert f"`{option}" in section, f"{name}: {option} is not in docs/cli.md"
        if action.choices:
            assert ",".join(action.choices) in section, f"{name}: choices of {names[0]}"
        if isinstance(action, argparse._SubParsersAction):  # e.g. ``db info``: its own subsection
            for sub, subparser in action.choices.items():
                heading = f"### metaautoml {name} {sub}\n"
                assert heading in section, f"docs/cli.md has no subsection for {name} {sub}"
                subsection = section.split(heading, 1)[1].split("\n### ", 1)[0]
                _check_documented(f"{name} {sub}", subparser, subsection)


@pytest.mark.parametrize("name", [command.NAME for command in COMMANDS])
def test_every_option_of_every_command_is_documented(name):
    section = _section(name)
    _check_documented(name, _subparsers()[name], section)
    assert f"metaautoml {name}" in section


def test_commands_table_and_global_options():
    text = DOC.read_text()
    for command in COMMANDS:
        assert f"| [`{command.NAME}`](#metaautoml-{command.NAME}) |" in text
    for option in ("`--version`", "`--debug`", "`--help`"):
        assert option in text
    for status in ("| 0 |", "| 1 |", "| 2 |", "| 130 |"):
        assert status in text


def test_every_trial_source_is_explained():
    from metaautoml.search import OPTUNA_SOURCE, SURROGATE_SOURCE
    from metaautoml.strategy import DEFAULT_SOURCE
    from metaautoml.warmstart import (
        LEAD_DEFAULT_SOURCE,
        MATCHED_SOURCE,
        PORTFOLIO_SOURCE,
    )
    from metaautoml.warmstart import (
        SURROGATE_SOURCE as ZERO_SHOT_SOURCE,
    )

    text = DOC.read_text()
    for source in (LEAD_DEFAULT_SOURCE, MATCHED_SOURCE, PORTFOLIO_SOURCE, ZERO_SHOT_SOURCE,
                   SURROGATE_SOURCE, DEFAULT_SOURCE, OPTUNA_SOURCE):
        assert f"`{source}`" in text, source
