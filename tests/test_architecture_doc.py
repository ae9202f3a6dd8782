"""docs/architecture.md is what scripts/architecture.py writes from the code, and the package
graph it draws is acyclic.

The script is loaded from its path (``scripts/`` is not a package); it reads the source with
:mod:`ast` and imports nothing of metaautoml.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import metaautoml

ROOT = Path(metaautoml.__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "architecture.py"

if not SCRIPT.exists():  # pragma: no cover - an installed package without the repository
    pytest.skip("scripts/architecture.py is not next to this checkout", allow_module_level=True)


def _load_script():
    spec = importlib.util.spec_from_file_location("_architecture_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


architecture = _load_script()


# --------------------------------------------------------------------------------------------
# The repository


def test_the_doc_is_current():
    """Fails after any change to the imports, docstrings, ``__all__`` or module count of a
    package, or to a file or name that "Where each kind of change goes" mentions."""
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr.strip() + " (make docs-architecture)"


def test_the_package_graph_is_acyclic():
    parts = architecture.build_graph(ROOT)
    assert architecture.find_cycle(parts) is None
    # Every subpackage and top-level module is somewhere in it.
    package = ROOT / "metaautoml"
    expected = {path.name for path in package.iterdir() if (path / "__init__.py").is_file()}
    expected |= {path.stem for path in package.glob("*.py")
                 if not path.stem.startswith("_") or path.stem == "__main__"}
    assert expected | {"metaautoml", architecture.SHARED} == set(parts)


def test_every_reference_of_the_hand_written_section_exists():
    assert architecture.stale_references(ROOT) == []


def test_check_fails_on_one_line_for_a_stale_or_missing_doc(tmp_path, monkeypatch, capsys):
    doc = tmp_path / "architecture.md"
    monkeypatch.setattr(architecture, "DOC", doc)  # absolute: ``root / DOC`` is ``DOC``
    assert architecture.main(["--check"]) == 1
    assert architecture.main([]) == 0
    assert architecture.main(["--check"]) == 0
    doc.write_text(doc.read_text() + "\nedited by hand\n")
    capsys.readouterr()
    assert architecture.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stale" in err and "make docs-architecture" in err


# --------------------------------------------------------------------------------------------
# The graph, on a synthetic package


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_graph_of_a_synthetic_package(tmp_path):
    _write(tmp_path, {
        "pkg/__init__.py": (
            '"""The top package."""\n'
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from .b import thing\n"
            "__all__ = ['thing']\n"
        ),
        "pkg/_helpers.py": "from .task import TASKS\n",
        "pkg/task.py": '"""Tasks."""\nTASKS = ()\n__all__ = ["TASKS"]\n',
        "pkg/a/__init__.py": '"""Package a."""\nfrom ._impl import value\n__all__ = ["value"]\n',
        "pkg/a/_impl.py": "from .. import _helpers\nvalue = 1\n",
        "pkg/b/__init__.py": '"""Package b."""\nfrom ._impl import thing\n',
        "pkg/b/_impl.py": (
            "from pkg.a import value\n"          # a, eagerly
            "def later():\n"
            "    from ..task import TASKS\n"     # task, only when called
            "thing = value\n"
        ),
        "pkg/c.py": "from pkg import thing\nimport pkg.a\n",  # thing lives in b
    })
    parts = architecture.build_graph(tmp_path, "pkg")
    assert set(parts) == {"pkg", "a", "b", "c", "task", architecture.SHARED}
    assert parts["pkg"].imports == {"b": True}
    assert parts["a"].imports == {architecture.SHARED: False}
    assert parts["b"].imports == {"a": False, "task": True}
    assert parts["c"].imports == {"b": False, "a": False}
    assert parts[architecture.SHARED].imports == {"task": False}
    assert [m.name for m in parts[architecture.SHARED].modules] == ["pkg._helpers"]
    assert len(parts["a"].modules) == 2
    assert architecture.find_cycle(parts) is None
    assert architecture.layers(parts) == {"task": 0, architecture.SHARED: 1, "a": 2, "b": 3,
                                          "pkg": 4, "c": 4}
    assert architecture.public_names(parts["a"].modules[0].tree) == ["value"]
    assert architecture.public_names(parts["b"].modules[0].tree) is None


def test_a_cycle_is_found_even_through_a_lazy_import(tmp_path, capsys):
    _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a/__init__.py": "from pkg.b import y\nx = 1\n",
        "pkg/b/__init__.py": "y = 2\ndef f():\n    from pkg.a import x\n",
    })
    parts = architecture.build_graph(tmp_path, "pkg")
    assert architecture.find_cycle(parts) == ["a", "b", "a"]
    assert architecture.main(["--root", str(tmp_path), "--package", "pkg", "--check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cycle: a -> b -> a" in err


def test_find_cycle():
    assert architecture.find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert architecture.find_cycle({"a": {"b"}, "b": {"c"}, "c": {"b"}}) == ["b", "c", "b"]
    assert architecture.find_cycle({"a": {"a"}}) == ["a", "a"]


def test_a_stale_reference_is_reported(tmp_path):
    _write(tmp_path, {"m.py": "def f():\n    pass\nclass C:\n    def g(self):\n        pass\n",
                      "doc.md": "# Title\n"})
    change = architecture.Change("X", "text", (
        ("m.py", "f"), ("m.py", "C.g"), ("m.py", "C.h"), ("m.py", "gone"), ("m.py", "def f("),
        ("doc.md", "# Title"), ("doc.md", "## Missing"), ("absent.py", "f")))
    assert architecture.stale_references(tmp_path, (change,)) == [
        "X: m.py defines no C.h",
        "X: m.py defines no gone",
        "X: doc.md does not contain '## Missing'",
        "X: absent.py does not exist",
    ]
