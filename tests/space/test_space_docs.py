"""docs/search_space.md lists exactly the families and hyperparameters of the code, with their
types, ranges, scales and defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import metaautoml
from metaautoml.space import RECIPES, Categorical, Int, families_for, get_space
from metaautoml.task import TASKS

DOC = Path(metaautoml.__file__).resolve().parent.parent / "docs" / "search_space.md"

if not DOC.exists():  # pragma: no cover - an installed package without the repository
    pytest.skip("docs/search_space.md is not next to this checkout", allow_module_level=True)


def _tables() -> dict[tuple[str, str], list[list[str]]]:
    """``{(task, family): rows}`` from the ``### family (task)`` sections."""
    tables: dict[tuple[str, str], list[list[str]]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        heading = re.fullmatch(r"### (\w+) \((classification|regression)\)", line)
        if heading:
            current = (heading.group(2), heading.group(1))
            tables[current] = []
        elif line.startswith("## "):
            current = None
        elif current and line.startswith("| `"):
            tables[current].append([cell.strip() for cell in line.strip("|").split("|")])
    return tables


TABLES = _tables()


@pytest.mark.parametrize("task", TASKS)
def test_every_family_is_documented_in_order(task):
    documented = [family for (t, family) in TABLES if t == task]
    assert documented == list(get_space(task).family_names)


@pytest.mark.parametrize("task", TASKS)
def test_every_hyperparameter_row_matches_the_code(task):
    for family in get_space(task).families:
        rows = TABLES[(task, family.name)]
        assert [row[0].strip("`") for row in rows] == [hp.name for hp in family.hyperparameters]
        for row, hp in zip(rows, family.hyperparameters, strict=True):
            _, kind, value_range, scale, default, meaning = row
            where = f"{task}/{family.name}/{hp.name}"
            assert meaning, where
            if isinstance(hp, Categorical):
                assert kind == "categorical", where
                assert value_range == ", ".join(map(str, hp.choices)), where
                assert scale == "-" and default == str(hp.default), where
                continue
            assert kind == ("int" if isinstance(hp, Int) else "float"), where
            low, high = (float(v) for v in value_range.strip("[]").split(","))
            assert (low, high) == (hp.low, hp.high), where
            assert scale == ("log" if hp.log else "linear"), where
            assert float(default) == hp.default, where


def test_every_family_names_its_preprocessing_recipe():
    text = DOC.read_text()
    for task in TASKS:
        for family in get_space(task).families:
            section = text.split(f"### {family.name} ({task})", 1)[1].split("###", 1)[0]
            assert f"recipe `{family.preprocessing}`" in section, (task, family.name)


def test_encoding_sizes_are_stated():
    text = DOC.read_text()
    sizes = (get_space("classification").n_encoding, get_space("regression").n_encoding)
    assert f"{sizes[0]} for\nclassification, {sizes[1]} for regression" in text


def test_the_recipe_table_lists_each_recipe_s_families():
    rows = {}
    for line in DOC.read_text().splitlines():
        match = re.fullmatch(r"\| `(\w+)` \| ([\w, ]+) \|.*", line)
        if match and match.group(1) in RECIPES:
            rows[match.group(1)] = match.group(2).split(", ")
    expected = {recipe: [] for recipe in RECIPES}
    for task in TASKS:
        for family in families_for(task):
            if family.name not in expected[family.preprocessing]:
                expected[family.preprocessing].append(family.name)
    assert rows == expected


def test_adding_a_family_names_the_one_file_to_edit():
    section = DOC.read_text().split("## Adding a family", 1)[1].split("\n## ", 1)[0]
    assert "metaautoml/space/_families.py" in section and "register_family" in section
