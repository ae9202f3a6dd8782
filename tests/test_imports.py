"""Packages talk through their public API: no module imports another package's private module.

A module or name that starts with ``_`` (not a dunder) is private to the package that holds it:
``metaautoml.search._shared`` is private to ``metaautoml.search``, ``metaautoml._validation`` to
``metaautoml``, a ``_helper`` function of ``metaautoml.benchmark._report`` (or of a public module
of ``metaautoml.benchmark``) to ``metaautoml.benchmark``.
A module may import what is private to its own package or to any package above it: everything
in ``metaautoml.search`` may import ``metaautoml.search._study``, and every module of
metaautoml may import the top package's own ``metaautoml._validation`` and ``metaautoml._torch``
(they are the package's shared internals, not another package's). The scripts in
``benchmarks/`` and ``meta_db/`` are outside the package: they may import public names only.

The imports are read from the source with :mod:`ast`, nothing is imported, so lazy imports
inside functions and ``TYPE_CHECKING`` blocks count too. Imports by string
(``importlib.import_module``, ``python -m``) are not checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import metaautoml

PACKAGE_DIR = Path(metaautoml.__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
SCRIPT_DIRS = ("benchmarks", "meta_db")

#: Violations tolerated for now, as (file, the private module it imports). Empty: keep it so.
#: If a move forces an entry, remove it as soon as the file imports the public name; a new
#: violation in any other file fails the test.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Violation:
    """An import of ``private`` (a private module or name, private to ``owner``) at file:line."""

    path: str
    line: int
    imported: str
    private: str
    owner: str

    def __str__(self) -> str:
        return (f"{self.path}:{self.line}: imports {self.private}, private to {self.owner}; "
                "import a public name (one its package's __init__ exports) instead")


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _module_name(path: Path, root: Path) -> tuple[str, bool]:
    """Dotted name of a source file under ``root`` and whether it is a package's ``__init__``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imported_names(tree: ast.AST, module: str | None, is_package: bool) -> Iterator[tuple[int, str]]:
    """``(line, dotted name)`` of every module and name imported anywhere in ``tree``.

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a module or a name);
    relative imports are resolved against ``module`` (``None`` for a script: it has none).
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if module is None:
                    continue  # a relative import in a script fails on its own
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            yield node.lineno, source
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{source}.{alias.name}"


def _violation(path: str, line: int, imported: str, importer_package: str | None,
               package: str, modules: set[str]) -> Violation | None:
    parts = imported.split(".")
    if parts[0] != package:
        return None
    for index, part in enumerate(parts):
        if _is_private(part):
            owner = ".".join(parts[:index])
            if owner in modules:  # a private name of a (non-package) module is its package's
                owner = ".".join(parts[:index - 1])
            inside = importer_package is not None and (
                importer_package == owner or importer_package.startswith(owner + "."))
            if inside:
                return None
            return Violation(path, line, imported, ".".join(parts[:index + 1]), owner)
    return None


def find_private_imports(root: Path, package: str, scripts: Iterable[Path] = ()) -> list[Violation]:
    """Every import of a private module or name from outside the package that owns it.

    Parameters
    ----------
    root : Path
        The directory holding the package's directory (paths are reported relative to it).
    package : str
        The top package; its every module is walked.
    scripts : iterable of Path
        Files outside the package (under ``root``), which may import public names only.

    Returns
    -------
    list of Violation
        One per offending import statement and private module, in file and line order.
    """
    sources: list[tuple[Path, str | None, bool]] = []
    for path in sorted((root / package).rglob("*.py")):
        module, is_package = _module_name(path, root)
        sources.append((path, module, is_package))
    modules = {module for _, module, is_package in sources if not is_package}
    sources += [(Path(path), None, False) for path in sorted(scripts)]
    found: dict[tuple[str, int, str], Violation] = {}
    for path, module, is_package in sources:
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        importer_package = None if module is None else (module if is_package else module.rpartition(".")[0])
        for line, imported in _imported_names(tree, module, is_package):
            violation = _violation(relative, line, imported, importer_package, package, modules)
            # ``from a._b import c, d`` is one violation (of ``a._b``), not three.
            if violation is not None:
                found.setdefault((relative, line, violation.private), violation)
    return sorted(found.values(), key=lambda v: (v.path, v.line, v.private))


def _scripts(root: Path) -> list[Path]:
    return [path for folder in SCRIPT_DIRS for path in sorted((root / folder).glob("*.py"))]


def not_allowed(violations: Iterable[Violation],
                allowed: Iterable[tuple[str, str]] = ALLOWED) -> list[Violation]:
    """The violations that no ``(file, private module)`` entry of ``allowed`` covers."""
    allowed = set(allowed)
    return [v for v in violations if (v.path, v.private) not in allowed]


# --------------------------------------------------------------------------------------------
# The repository


def test_no_module_imports_another_packages_private_module():
    violations = not_allowed(find_private_imports(ROOT, "metaautoml", _scripts(ROOT)))
    assert not violations, "private imports across packages:\n" + "\n".join(map(str, violations))


def test_the_allow_list_names_only_violations_that_remain():
    """An entry whose file no longer has the violation must go, so it cannot come back unseen.
    (An entry whose file is absent, e.g. untracked work not in this checkout, is skipped.)"""
    present = {(v.path, v.private) for v in find_private_imports(ROOT, "metaautoml", _scripts(ROOT))}
    stale = sorted(entry for entry in ALLOWED if (ROOT / entry[0]).exists() and entry not in present)
    assert not stale, f"fixed, remove from ALLOWED in tests/test_imports.py: {stale}"


# --------------------------------------------------------------------------------------------
# The walker, on a synthetic tree


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def tree(tmp_path) -> Path:
    _write(tmp_path, {
        "pkg/__init__.py": "from .a import thing\n__version__ = '1'\n",
        "pkg/__main__.py": "from ._top import helper\n",
        "pkg/_top.py": "def helper(): ...\n",
        "pkg/a/__init__.py": "from ._impl import thing\nfrom .._top import helper\n",
        "pkg/a/_impl.py": "from . import _more\nfrom ._more import _name\nthing = 1\n",
        "pkg/a/_more.py": "_name = 2\n",
        "pkg/a/sub/__init__.py": "from .._impl import thing\nfrom pkg.a._more import _name\n",
        "pkg/b/__init__.py": "from pkg import __version__\nfrom .. import a\nfrom ..a import thing\n",
        "pkg/b/clean.py": "import pkg.a\nfrom pkg._top import helper\nfrom .._top import helper\n",
        "pkg/b/_bad.py": (
            "from ..a._impl import thing, other\n"   # 1: a private module of a sibling package
            "from ..a import _impl\n"                # 2: the same, imported as a name
            "import pkg.a._more as more\n"           # 3: absolute, plain import
            "def lazy():\n"
            "    from pkg.a import _more\n"          # 5: lazily, inside a function
            "from pkg.a.sub import _hidden\n"        # 6: a private name of a public module
        ),
        "scripts/run.py": (
            "from pkg.a import thing\n"
            "from pkg._top import helper\n"          # 2: the top package's internals
            "from pkg.a._impl import thing\n"        # 3
            "import other._private\n"                # another distribution: not ours to judge
        ),
    })
    return tmp_path


def test_walker_finds_each_private_import_from_outside_its_package(tree):
    found = find_private_imports(tree, "pkg", [tree / "scripts" / "run.py"])
    assert [(v.path, v.line, v.private) for v in found] == [
        ("pkg/b/_bad.py", 1, "pkg.a._impl"),
        ("pkg/b/_bad.py", 2, "pkg.a._impl"),
        ("pkg/b/_bad.py", 3, "pkg.a._more"),
        ("pkg/b/_bad.py", 5, "pkg.a._more"),
        ("pkg/b/_bad.py", 6, "pkg.a.sub._hidden"),
        ("scripts/run.py", 2, "pkg._top"),
        ("scripts/run.py", 3, "pkg.a._impl"),
    ]
    assert str(found[0]).startswith("pkg/b/_bad.py:1: imports pkg.a._impl, private to pkg.a;")
    assert found[4].owner == "pkg.a.sub" and found[5].owner == "pkg"


def test_walker_fails_for_a_new_violation_and_the_allow_list_filters_only_its_own(tree):
    allowed = {("pkg/b/_bad.py", "pkg.a._impl"), ("pkg/b/_bad.py", "pkg.a._more"),
               ("pkg/b/_bad.py", "pkg.a.sub._hidden")}
    assert not_allowed(find_private_imports(tree, "pkg"), allowed) == []
    # A clean file that starts importing a private module is caught at once...
    clean = tree / "pkg" / "b" / "clean.py"
    clean.write_text(clean.read_text() + "\n\nfrom ..a._more import _name\n")
    new = not_allowed(find_private_imports(tree, "pkg"), allowed)
    assert [(v.path, v.line, v.private) for v in new] == [("pkg/b/clean.py", 6, "pkg.a._more")]
    # ...and so is a listed file importing another private module than the one it is allowed.
    bad = tree / "pkg" / "b" / "_bad.py"
    bad.write_text(bad.read_text() + "from .._top import helper\nfrom pkg.b.clean import _x\n")
    new = not_allowed(find_private_imports(tree, "pkg"), allowed)
    assert [(v.path, v.line) for v in new] == [("pkg/b/clean.py", 6)]  # pkg.b's own: allowed
    bad.write_text(bad.read_text() + "from pkg.c._other import y\n")
    new = not_allowed(find_private_imports(tree, "pkg"), allowed)
    assert [(v.path, v.line, v.private) for v in new] == [("pkg/b/_bad.py", 9, "pkg.c._other"),
                                                          ("pkg/b/clean.py", 6, "pkg.a._more")]
