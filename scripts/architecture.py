"""Write docs/architecture.md from the source of metaautoml: the package graph, a table of the
packages, and where each kind of change goes.

Every module of the package is read with :mod:`ast` -- nothing is imported, so lazy imports
inside functions and ``TYPE_CHECKING`` blocks count too (as ``tests/test_imports.py`` reads
them); imports by string (``importlib.import_module``) are not seen. Modules are grouped into
the package's parts: each subpackage (``metaautoml/space/``), each public top-level module
(``metaautoml/task.py``), the top package's ``__init__`` (its lazy public API), and the private
top-level modules (``_validation``, ``_torch``) together as the "shared internals". The graph of
which part imports which must be acyclic; the script refuses to write a graph with a cycle.

The section "Where each kind of change goes" is written by hand (:data:`CHANGES`); each of its
entries names the files and symbols it describes, and the script checks that they still exist,
so a rename makes the page fail to generate instead of going stale.

Usage (from the repository root)::

    .venv/bin/python scripts/architecture.py            # write docs/architecture.md
    .venv/bin/python scripts/architecture.py --check    # exit 1 if the page is stale
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "metaautoml"
DOC = Path("docs") / "architecture.md"
SHARED = "shared internals"
#: What regenerates the page, as the page and the stale message say.
REGENERATE = "make docs-architecture"


# --------------------------------------------------------------------------------------------
# Reading the source


@dataclass(frozen=True)
class Import:
    """One imported module or name, ``deferred`` when it is imported only when a function runs
    (or never at run time: under ``if TYPE_CHECKING:``)."""

    name: str
    deferred: bool


@dataclass
class Module:
    """One source file of the package."""

    name: str  # dotted
    path: Path
    is_package: bool  # an ``__init__.py``
    tree: ast.Module


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _from_source(node: ast.ImportFrom, module: Module) -> str:
    """The absolute name of the module that ``from ... import`` imports from."""
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    base = parts if module.is_package else parts[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(node: ast.AST, module: Module, deferred: bool = False) -> Iterator[Import]:
    """Every module and name imported anywhere under ``node``.

    Relative imports are resolved against ``module`` as in ``tests/test_imports.py``, but
    ``from a.b import c`` yields only ``a.b.c`` (``c`` may be a module or a name): what it
    depends on is where ``c`` lives, and ``from a import *`` yields ``a``.
    """
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield Import(alias.name, deferred)
        return
    if isinstance(node, ast.ImportFrom):
        source = _from_source(node, module)
        for alias in node.names:
            yield Import(source if alias.name == "*" else f"{source}.{alias.name}", deferred)
        return
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        deferred = True
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.body:
            yield from _imports(child, module, True)
        for child in node.orelse:
            yield from _imports(child, module, deferred)
        return
    for child in ast.iter_child_nodes(node):
        yield from _imports(child, module, deferred)


def read_modules(root: Path, package: str = PACKAGE) -> dict[str, Module]:
    """Every module of ``package`` (the directory ``root / package``), by dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules[name] = Module(name, path, is_package, tree)
    return modules


def part_of(module: str, modules: dict[str, Module], package: str = PACKAGE) -> str:
    """The part of the package a dotted module name belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return package
    top = f"{package}.{parts[1]}"
    if top in modules and modules[top].is_package:
        return parts[1]
    return SHARED if _is_private(parts[1]) else parts[1]


def _reexports(module: Module) -> dict[str, tuple[str, str]]:
    """``bound name -> (dotted source, name there)`` of each ``from X import`` of a module."""
    found: dict[str, tuple[str, str]] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, (_from_source(node, module), alias.name))
    return found


def _target(name: str, modules: dict[str, Module], package: str,
            reexports: dict[str, dict[str, tuple[str, str]]]) -> str | None:
    """The module an imported dotted name lives in, following packages' re-exports."""
    for _ in range(len(modules) + 1):  # a chain of re-exports passes each package once
        if name in modules:
            return name
        source, _, attribute = name.rpartition(".")
        if not source or not (source == package or source.startswith(package + ".")):
            return None
        origin = reexports.get(source, {}).get(attribute)
        name = f"{origin[0]}.{origin[1]}" if origin and origin[0] != source else source
    return None


@dataclass
class Part:
    """One node of the graph: a subpackage, a top-level module or the shared internals."""

    name: str
    modules: list[Module] = field(default_factory=list)
    #: Imported part -> True when every import of it is deferred.
    imports: dict[str, bool] = field(default_factory=dict)


def build_graph(root: Path = REPO, package: str = PACKAGE) -> dict[str, Part]:
    """The parts of ``package`` under ``root`` and which part imports which."""
    modules = read_modules(root, package)
    parts: dict[str, Part] = {}
    for module in modules.values():
        parts.setdefault(part_of(module.name, modules, package), Part("")).modules.append(module)
    reexports = {name: _reexports(module) for name, module in modules.items() if module.is_package}
    for name, part in parts.items():
        part.name = name
        for module in part.modules:
            for imported in _imports(module.tree, module):
                if imported.name.split(".")[0] != package:
                    continue
                target = _target(imported.name, modules, package, reexports)
                if target is None:
                    continue
                other = part_of(target, modules, package)
                if other != name:
                    part.imports[other] = part.imports.get(other, True) and imported.deferred
    return parts


def find_cycle(edges: dict[str, set[str]] | dict[str, Part]) -> list[str] | None:
    """A cycle of ``edges`` as ``[a, b, ..., a]``, or ``None`` if the graph is acyclic."""
    graph = {node: set(value.imports if isinstance(value, Part) else value)
             for node, value in edges.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for other in sorted(graph.get(node, ())):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state:
                cycle = visit(other)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def layers(parts: dict[str, Part]) -> dict[str, int]:
    """Each part's layer: 0 for a part that imports no other, else one above its highest import."""
    level: dict[str, int] = {}

    def of(name: str) -> int:
        if name not in level:
            level[name] = 1 + max((of(other) for other in parts[name].imports), default=-1)
        return level[name]

    for name in parts:
        of(name)
    return level


# --------------------------------------------------------------------------------------------
# What the page says about each part


def _docstring_summary(tree: ast.Module) -> str:
    """The docstring's summary (its first paragraph), on one line, roles made Markdown."""
    doc = ast.get_docstring(tree) or ""
    summary = " ".join(line.strip() for line in doc.split("\n\n", 1)[0].splitlines())
    summary = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", summary)  # :func:`x` -> `x`
    return summary.replace("``", "`").replace("|", "\\|")


def public_names(tree: ast.Module) -> list[str] | None:
    """The module's ``__all__`` (a literal list or tuple, possibly extended with ``+=``)."""
    names: list[str] | None = None
    for node in tree.body:
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value:
            value = ast.literal_eval(node.value)
            names = (names or []) + list(value) if isinstance(node, ast.AugAssign) else list(value)
    return names


def _label(part: str, package: str = PACKAGE) -> str:
    if part == package:
        return f"{package} (__init__)"
    if part == SHARED:
        return SHARED
    return part


def _title(part: Part, package: str = PACKAGE) -> str:
    """How the table names a part: its path."""
    if part.name == package:
        return f"`{package}/__init__.py`"
    if part.name == SHARED:
        files = ", ".join(f"`{m.path.name}`" for m in sorted(part.modules, key=lambda m: m.name))
        return f"{SHARED}: {files}"
    if len(part.modules) == 1 and not part.modules[0].is_package:
        return f"`{package}/{part.name}.py`"
    return f"`{package}/{part.name}/`"


def _purpose(part: Part, package: str = PACKAGE) -> str:
    if part.name == SHARED:
        return " ".join(f"`{m.path.stem}`: {_docstring_summary(m.tree)}"
                        for m in sorted(part.modules, key=lambda m: m.name))
    main = next(m for m in part.modules
                if m.name == (package if part.name == package else f"{package}.{part.name}"))
    return _docstring_summary(main.tree)


def _public(part: Part, package: str = PACKAGE) -> str:
    if part.name == SHARED:
        return "- (private to the package)"
    main = next(m for m in part.modules
                if m.name == (package if part.name == package else f"{package}.{part.name}"))
    names = public_names(main.tree)
    if names is None:
        return "- (no `__all__`)"
    return ", ".join(f"`{name}`" for name in names)


def _node_id(part: str) -> str:
    return re.sub(r"\W+", "_", part).strip("_") or "root"


def mermaid(parts: dict[str, Part], package: str = PACKAGE) -> str:
    lines = ["```mermaid", "flowchart TD"]
    for name in sorted(parts):
        label = _label(name, package)
        if name == SHARED:
            label += "<br>" + ", ".join(sorted(m.path.stem for m in parts[name].modules))
        lines.append(f'    {_node_id(name)}["{label}"]')
    for name in sorted(parts):
        for other, deferred in sorted(parts[name].imports.items()):
            arrow = "-.->" if deferred else "-->"
            lines.append(f"    {_node_id(name)} {arrow} {_node_id(other)}")
    lines.append("```")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Where each kind of change goes: written by hand, its references checked against the code


@dataclass(frozen=True)
class Change:
    """One kind of change: where it goes (Markdown) and what that text refers to.

    ``refs`` are ``(path, what)`` pairs. In a ``.py`` file, a dotted identifier is a name the
    file defines at the top level (``"Class.method"`` for a method) and anything else text it
    contains; in any other file, ``what`` is text it contains.
    """

    title: str
    text: str
    refs: tuple[tuple[str, str], ...]


CHANGES: tuple[Change, ...] = (
    Change(
        "Add a model family",
        """\
Model families live in one registry in `metaautoml/space/_families.py`: each family is one
`register_family(...)` call at the end of that module, holding one `Family` per task type it
serves (name, hyperparameters, preprocessing recipe -- one of `RECIPES` in `_preprocessing.py`
-- a `build(params, shape, seed)` constructor and a description). A task's space
(`get_space`, via `families_for`) lists the families in registration order, and the default
configurations, Optuna distributions, fixed-length encoding and the meta-database's
configuration pool all follow from the registry; no other module lists the families.

Then document it in `docs/search_space.md`, which is written by hand, not generated: a
`### <family> (<task>)` section per task type with its hyperparameter table and
"recipe `<recipe>`", and the new encoding sizes. `tests/space/test_space_docs.py` compares the
page with the registry and fails until they match. "Adding a family" there has an example, and
how a test or plugin registers a family at run time (`register_family` is public).

The encoding grows, so the shipped surrogate no longer fits it: `load_proposer` raises ("trained
on another search space") and the warm start falls back to a cold start with a warning until the
matcher and surrogate are retrained (`metaautoml meta-train`). For the warm start to propose the
new family, rebuild the meta-database with its evaluations first (`make metadb`, then
`make metadb-ship`).
""",
        (("metaautoml/space/_families.py", "register_family"),
         ("metaautoml/space/_families.py", "Family"),
         ("metaautoml/space/_families.py", "families_for"),
         ("metaautoml/space/_preprocessing.py", "RECIPES"),
         ("metaautoml/space/_space.py", "get_space"),
         ("metaautoml/metadb/_builder.py", "configuration_pool"),
         ("metaautoml/warmstart/_artifacts.py", "load_proposer"),
         ("docs/search_space.md", "## Fixed-length encoding"),
         ("docs/search_space.md", "## Adding a family"),
         ("tests/space/test_space_docs.py", "test_every_hyperparameter_row_matches_the_code"),
         ("tests/space/test_space_docs.py", "test_encoding_sizes_are_stated")),
    ),
    Change(
        "Add a meta-feature",
        """\
Add a `MetaFeature` (name, group, tasks, definition, when it is NaN) to `_REGISTRY` in
`metaautoml/metafeatures/_registry.py`, the single list of meta-features: `meta_feature_names`
reads its order. Compute the value in its group's function (`compute_general`,
`compute_statistical`, `compute_info_theory`, `compute_pca` in `_groups.py`,
`compute_landmarking` in `_landmarking.py`); `extract_meta_features` raises if the computed
names and the registry differ.

Regenerate the group's table in `docs/metafeatures.md` with `markdown_table(group)` (see
"Regenerating the tables" there) and update the meta-feature counts in the docstring examples
of `metaautoml/metafeatures/__init__.py` and `_extract.py`, which
`tests/metafeatures/test_metafeatures_api.py` checks, and in the text of
`docs/metafeatures.md`, which nothing checks. Bump
`METAFEATURES_VERSION` (also stated in `docs/metafeatures.md`): the meta-database builder
recomputes only stored vectors of another version. The shipped matcher and surrogate read only
the meta-features they were trained on (`MetaFeatureScaler.transform` reindexes by name), so the
new one is used once the meta-database is rebuilt (`make metadb`) and they are retrained
(`metaautoml meta-train`).
""",
        (("metaautoml/metafeatures/_registry.py", "_REGISTRY"),
         ("metaautoml/metafeatures/_registry.py", "MetaFeature"),
         ("metaautoml/metafeatures/_registry.py", "meta_feature_names"),
         ("metaautoml/metafeatures/_registry.py", "markdown_table"),
         ("metaautoml/metafeatures/_registry.py", "METAFEATURES_VERSION"),
         ("metaautoml/metafeatures/_groups.py", "compute_general"),
         ("metaautoml/metafeatures/_groups.py", "compute_statistical"),
         ("metaautoml/metafeatures/_groups.py", "compute_info_theory"),
         ("metaautoml/metafeatures/_groups.py", "compute_pca"),
         ("metaautoml/metafeatures/_landmarking.py", "compute_landmarking"),
         ("metaautoml/metafeatures/_extract.py", "extract_meta_features"),
         ("metaautoml/metafeatures/__init__.py", ">>> len(meta_feature_names("),
         ("metaautoml/metadb/_builder.py", "_update_meta_features"),
         ("metaautoml/metadb/_training.py", "MetaFeatureScaler.transform"),
         ("docs/metafeatures.md", "## Regenerating the tables")),
    ),
    Change(
        "Add a warm-start strategy",
        """\
Subclass `WarmStartStrategy` (`metaautoml/strategy/_base.py`) and implement
`plan(space, frame, y, metric, seed, n_proposals)`, returning a `SearchPlan`: the `(source,
configuration)` pairs to enqueue first (at most `n_proposals`) and the Optuna sampler for the
rest. A strategy is an estimator parameter: keep its settings as attributes set in `__init__`
(`__repr__` and `__eq__` compare `vars(self)`) and no state between plans. Nothing registers it:
the estimators' `warm_start=` accepts any instance (`resolve_strategy`). Strategies that need the
shipped meta-database catch `FileNotFoundError`/`ValueError` from `load_shipped_proposer` and
plan a `ColdStart` with a warning, as `MetaWarmStart` and `PortfolioWarmStart` do. Export a
shipped strategy from `metaautoml/strategy/__init__.py`.

The command line only chooses between `MetaWarmStart` and `ColdStart` (`--no-warm-start`), and a
strategy object is not recorded in a shared study (`share_study` records scalars only), so
`metaautoml worker` cannot join a fit that used one. To compare it in the live benchmark, add a
method to `_STRATEGIES` in `metaautoml/benchmark/_live.py`.
""",
        (("metaautoml/strategy/_base.py", "WarmStartStrategy.plan"),
         ("metaautoml/strategy/_base.py", "SearchPlan"),
         ("metaautoml/strategy/_resolve.py", "resolve_strategy"),
         ("metaautoml/strategy/_meta.py", "load_shipped_proposer"),
         ("metaautoml/strategy/_meta.py", "MetaWarmStart"),
         ("metaautoml/strategy/_portfolio.py", "PortfolioWarmStart"),
         ("metaautoml/strategy/_cold.py", "ColdStart"),
         ("metaautoml/search/_shared.py", "share_study"),
         ("metaautoml/cli/_search_options.py", "--no-warm-start"),
         ("metaautoml/cli/_worker.py", 'record["unrecorded"]'),
         ("metaautoml/benchmark/_live.py", "_STRATEGIES")),
    ),
    Change(
        "Add a metric",
        """\
Add a `Metric(name, task, needs_proba, func)` to `_CLASSIFICATION` or `_REGRESSION` in
`metaautoml/evaluation/_metrics.py` (and any alias to `_ALIASES`). Every score is "greater is
better": negate losses. A metric that is only used to search needs no code at all: `get_metric`
also accepts any scikit-learn scoring name or scorer callable.

The meta-database scores every evaluation on the task's `stored_metrics` only (see "Change a
task default"): for any other metric it has no scores, so for the warm start to rank
configurations by a new metric, add it to `stored_metrics` too. The builder only evaluates
(dataset, configuration) pairs it has not evaluated before, so that needs a new meta-database
build. An OpenML evaluation measure
maps to a metric in `EVALUATION_MEASURES` (`metaautoml/openml_tasks/_tasks.py`).
""",
        (("metaautoml/evaluation/_metrics.py", "Metric"),
         ("metaautoml/evaluation/_metrics.py", "_CLASSIFICATION"),
         ("metaautoml/evaluation/_metrics.py", "_REGRESSION"),
         ("metaautoml/evaluation/_metrics.py", "_ALIASES"),
         ("metaautoml/evaluation/_metrics.py", "get_metric"),
         ("metaautoml/evaluation/_metrics.py", "default_metrics"),
         ("metaautoml/task.py", "TaskDefaults"),
         ("metaautoml/metadb/_store.py", "MetaDB.evaluated_pairs"),
         ("metaautoml/openml_tasks/_tasks.py", "EVALUATION_MEASURES")),
    ),
    Change(
        "Add a corpus source",
        """\
A source is one reader module in `metaautoml/corpus/` (`_csv.py` is the smallest) with
`read_entry(entry, directory)`, returning the raw table with the target still a column, and
optionally `PACKAGE` (the import it needs) and `missing(entry, directory)` (why an entry cannot
be read here); `directory` is the data directory the source names in its `_Source` (`"corpus"`,
`"weka"`, `"rdata"`; `None` for sources that read no directory). Add its name to `SOURCES` in
`_manifest.py` and a `_Source` to `_READERS` in `_load.py`; `load_dataset` then cleans every source's table the same
way (`tests/corpus/test_corpus.py` checks that `_READERS` and `SOURCES` agree). Describe it
under "Sources" in the `metaautoml.corpus` docstring. Datasets of the source enter the shipped
manifest (`metaautoml/corpus/corpus.json`) through `meta_db/make_manifest.py`.
""",
        (("metaautoml/corpus/_csv.py", "read_entry"),
         ("metaautoml/corpus/_csv.py", "missing"),
         ("metaautoml/corpus/_manifest.py", "SOURCES"),
         ("metaautoml/corpus/_load.py", "_READERS"),
         ("metaautoml/corpus/_load.py", "_Source"),
         ("metaautoml/corpus/_load.py", "load_dataset"),
         ("metaautoml/corpus/__init__.py", "Sources, one reader module each"),
         ("tests/corpus/test_corpus.py", "set(_load._READERS) == set(SOURCES)"),
         ("meta_db/make_manifest.py", "metaautoml/corpus/corpus.json")),
    ),
    Change(
        "Add a CLI command",
        """\
A command is a private module of `metaautoml/cli/` with `NAME`, `add_parser(subparsers,
parents)` (registers its parser and sets `run`) and `run(args) -> int`, listed in `COMMANDS` in
`metaautoml/cli/_main.py`. It imports heavy libraries inside `run`, so `metaautoml --help` stays
instant, and reports failures by raising `CLIError`/`UsageError` (`_common.py`). Document it in
`docs/cli.md`: a `## metaautoml <name>` section naming every option and a row in the commands
table; `tests/cli/test_cli_docs.py` fails until it does. "Adding a command" in `docs/cli.md`
has the details.
""",
        (("metaautoml/cli/_main.py", "COMMANDS"),
         ("metaautoml/cli/_metafeatures.py", "NAME"),
         ("metaautoml/cli/_metafeatures.py", "add_parser"),
         ("metaautoml/cli/_metafeatures.py", "run"),
         ("metaautoml/cli/_common.py", "CLIError"),
         ("metaautoml/cli/_common.py", "UsageError"),
         ("docs/cli.md", "## Adding a command"),
         ("tests/cli/test_cli_docs.py", "test_every_option_of_every_command_is_documented")),
    ),
    Change(
        "Change a task default",
        """\
Per-task defaults are one table, `TASK_DEFAULTS` in `metaautoml/task.py`: the metric the search
maximizes when none is named (`metric`), the metrics every meta-database evaluation stores
(`stored_metrics`, `metric` first) and whether cross-validation folds are stratified
(`stratified`). The estimators, `resolve_metric`, `default_metrics`, `make_splits`, the
meta-database builder, OpenML tasks (for a measure they do not map) and the live benchmark read
it; `tests/test_task.py` checks the table. The shipped matcher and surrogate are trained on the
task's default metric (`MetaTrainingSet.from_metadb` without a metric), so changing `metric`
means retraining them (`metaautoml meta-train`) on a meta-database that stores it; changing `stored_metrics` or `stratified`
changes new evaluations only, so rebuild the meta-database rather than resume it. Not in the
table: the task types themselves (`TASKS`, same module), each task's model families (the
registry of `metaautoml/space/_families.py`) and the warm start's per-task settings
(`ProposerConfig.for_task` in `metaautoml/warmstart/_proposer.py`).
""",
        (("metaautoml/task.py", "TASK_DEFAULTS"),
         ("metaautoml/task.py", "TaskDefaults"),
         ("metaautoml/task.py", "TASKS"),
         ("metaautoml/evaluation/_metrics.py", "resolve_metric"),
         ("metaautoml/evaluation/_cv.py", "make_splits"),
         ("metaautoml/metadb/_training.py", "MetaTrainingSet.from_metadb"),
         ("metaautoml/warmstart/_artifacts.py", "meta_train"),
         ("metaautoml/warmstart/_proposer.py", "ProposerConfig.for_task"),
         ("tests/test_task.py", "test_table_covers_every_task_in_order")),
    ),
)


def _defines(tree: ast.Module, dotted: str) -> bool:
    """Whether ``tree`` defines ``dotted`` (``name`` or ``Class.name``) at its top level."""
    scope: list[ast.stmt] = tree.body
    *outer, last = dotted.split(".")
    for name in outer:
        found = [node for node in scope if isinstance(node, ast.ClassDef) and node.name == name]
        if not found:
            return False
        scope = found[0].body
    for node in scope:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == last:
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == last for t in targets):
                return True
    return False


def stale_references(root: Path = REPO, changes: tuple[Change, ...] = CHANGES) -> list[str]:
    """The references of ``changes`` that the files under ``root`` no longer hold."""
    stale = []
    trees: dict[str, ast.Module] = {}
    for change in changes:
        for path, what in change.refs:
            file = root / path
            if not file.is_file():
                stale.append(f"{change.title}: {path} does not exist")
            elif path.endswith(".py") and what.replace(".", "").isidentifier():
                if path not in trees:
                    trees[path] = ast.parse(file.read_text(encoding="utf-8"))
                if not _defines(trees[path], what):
                    stale.append(f"{change.title}: {path} defines no {what}")
            elif what not in file.read_text(encoding="utf-8"):
                stale.append(f"{change.title}: {path} does not contain {what!r}")
    return stale


# --------------------------------------------------------------------------------------------
# The page


class ArchitectureError(Exception):
    """The code cannot be described as the page claims (a cycle, a stale reference)."""


def _fill(text: str) -> str:
    """``text`` wrapped at 100 characters, never inside a code span."""
    glued = re.sub(r"`[^`]*`", lambda match: match.group().replace(" ", "\0"), text)
    wrapped = textwrap.fill(glued, width=100, break_long_words=False, break_on_hyphens=False)
    return wrapped.replace("\0", " ")


def render(root: Path = REPO, package: str = PACKAGE) -> str:
    """The text of docs/architecture.md for the source under ``root``."""
    parts = build_graph(root, package)
    cycle = find_cycle(parts)
    if cycle:
        raise ArchitectureError("the package graph has a cycle: " + " -> ".join(cycle))
    stale = stale_references(root)
    if stale:
        raise ArchitectureError("'Where each kind of change goes' is stale: " + "; ".join(stale))
    level = layers(parts)
    order = sorted(parts, key=lambda name: (level[name], name))

    out = [
        "# Architecture",
        "",
        _fill("<!-- Generated by scripts/architecture.py from the source; do not edit by hand. "
              f"Run `{REGENERATE}` after changing the code (tests/test_architecture_doc.py fails "
              "while this page is stale). -->"),
        "",
        _fill(f"How {package} is put together: which of its packages imports which, what each "
              "one is for, and where each kind of change goes. The graph and the tables are read "
              "from the source with `ast`; nothing is imported."),
        "",
        "## Package graph",
        "",
        _fill(f"One node per subpackage of `{package}`, per public top-level module "
              f"(`{package}/task.py`, ...) and for the top package's `__init__` (its lazily "
              "imported public API); the private top-level modules (`_validation`, `_torch`) are "
              "one node, the shared internals, which every package may import. An arrow "
              "`A --> B` means that a module of A imports B (a name that a package's `__init__` "
              "re-exports counts as importing where it is defined). A dotted arrow is an import "
              "that runs only inside functions or under `if TYPE_CHECKING:` -- kept lazy, mostly "
              "so that light entry points do not load torch or Optuna. Imports by string "
              "(`importlib.import_module`) are not seen. The graph is acyclic: the generator "
              "refuses to write one with a cycle."),
        "",
        mermaid(parts, package),
        "",
        "### Layers",
        "",
        "A part imports only parts of lower layers; layer 0 imports no other part.",
        "",
        "| layer | parts |",
        "| --- | --- |",
    ]
    for number in sorted(set(level.values())):
        names = [f"`{_label(name, package)}`" for name in order if level[name] == number]
        out.append(f"| {number} | {', '.join(names)} |")
    out += [
        "",
        "## Packages",
        "",
        _fill("The purpose is the summary of the package's (or module's) docstring, the public "
              "names its `__all__`, and the modules its `.py` files, `__init__.py` included."),
        "",
        "| part | purpose | modules | imports | public names (`__all__`) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in order:
        part = parts[name]
        imports = ", ".join(
            f"{_label(other, package)}{' (lazily)' if deferred else ''}"
            for other, deferred in sorted(part.imports.items())) or "-"
        out.append(f"| {_title(part, package)} | {_purpose(part, package)} | {len(part.modules)} "
                   f"| {imports} | {_public(part, package)} |")
    out += [
        "",
        "## Where each kind of change goes",
        "",
        _fill("Written by hand; the generator checks that every file and name it mentions still "
              "exists."),
    ]
    for change in CHANGES:
        paragraphs = [" ".join(p.split()) for p in change.text.strip().split("\n\n")]
        out += ["", f"### {change.title}", "", "\n\n".join(map(_fill, paragraphs))]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if {DOC} differs from what this script would write")
    # Another source tree (the tests' synthetic packages).
    parser.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    parser.add_argument("--package", default=PACKAGE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.root / DOC
    try:
        text = render(args.root, args.package)
    except ArchitectureError as exc:
        print(f"architecture: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{DOC} is stale: run `{REGENERATE}` (or python scripts/architecture.py)",
                  file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
