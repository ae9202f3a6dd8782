"""The notebooks in ``notebooks/`` are committed without outputs, so diffs show code, not results.

``make test`` executes them with nbmake; this module fails when one carries outputs or execution
counts. Run as a script (``make notebooks-strip``) it strips them in place::

    .venv/bin/python tests/test_notebooks_stripped.py [NOTEBOOK.ipynb ...]
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = ("01_quickstart.ipynb", "02_warm_vs_cold.ipynb",
            "03_metafeatures_and_matching.ipynb", "04_openml_task.ipynb", "05_controls.ipynb")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
#: Cell metadata that records a run (timings, scroll state) rather than the notebook.
RUN_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def problems(notebook: dict) -> list[str]:
    """What keeps ``notebook`` (parsed JSON) from being a stripped nbformat 4 notebook."""
    found = []
    if notebook.get("nbformat") != 4:
        found.append(f"nbformat {notebook.get('nbformat')!r}, not 4")
    kernel = notebook.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec {kernel!r}, not 'python3' (nbmake runs that kernel)")
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {index} has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {index} has execution_count {cell['execution_count']}")
        recorded = [key for key in RUN_METADATA if key in cell.get("metadata", {})]
        if recorded:
            found.append(f"cell {index} has run metadata {recorded}")
    return found


def strip(notebook: dict) -> dict:
    """A copy of ``notebook`` without outputs, execution counts or run metadata.

    The notebook's metadata is reduced to the kernelspec and the language name, which is all
    nbmake needs; what a Jupyter front end adds on saving (versions, widget state) goes.
    """
    notebook = copy.deepcopy(notebook)
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata", {})
        for key in RUN_METADATA:
            metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    language = notebook.get("metadata", {}).get("language_info", {}).get("name", "python")
    notebook["metadata"] = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": language}}
    return notebook


def dumps(notebook: dict) -> str:
    """JSON as nbformat writes it, so stripping an already stripped notebook changes nothing."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_every_notebook_is_there():
    assert set(EXPECTED) <= {path.name for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_stripped(path):
    notebook = json.loads(path.read_text(encoding="utf8"))
    found = problems(notebook)
    assert not found, (f"{path.name}: " + "; ".join(found)
                       + " -- run `make notebooks-strip` before committing")


def test_strip_removes_what_a_run_leaves():
    run = {"nbformat": 4, "nbformat_minor": 5,
           "metadata": {"kernelspec": dict(KERNELSPEC), "widgets": {"state": {}},
                        "language_info": {"name": "python", "version": "3.11.9"}},
           "cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# x"]},
                     {"cell_type": "code", "id": "b", "execution_count": 3, "source": ["1"],
                      "metadata": {"execution": {"iopub.status.busy": "2024"}, "tags": ["t"]},
                      "outputs": [{"output_type": "execute_result", "execution_count": 3,
                                   "data": {"text/plain": ["1"]}, "metadata": {}}]}]}
    assert len(problems(run)) == 3
    stripped = strip(run)
    assert problems(stripped) == []
    assert stripped["cells"][1]["metadata"] == {"tags": ["t"]}
    assert stripped["metadata"] == {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    assert run["cells"][1]["outputs"], "strip must not change its argument"
    assert dumps(strip(stripped)) == dumps(stripped)


def main(paths: list[str]) -> int:
    for path in [Path(p) for p in paths] or NOTEBOOKS:
        text = path.read_text(encoding="utf8")
        stripped = dumps(strip(json.loads(text)))
        if stripped != text:
            path.write_text(stripped, encoding="utf8")
            print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
