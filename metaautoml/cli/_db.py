"""``metaautoml db``: build, inspect, export and import meta-databases."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import _common

NAME = "db"

_EPILOG = """\
examples:
  metaautoml db info
  metaautoml db build --db metadb.sqlite --n-jobs 2
  metaautoml db build --db metadb.sqlite --corpus-dir ../shared/corpus --weka-dir meta_db/build/weka
  metaautoml db build --db metadb.sqlite --manifest my-corpus.json
  metaautoml db build --db metadb.sqlite --task regression --max-evaluations 500
  metaautoml db build --db metadb.sqlite --backend dask --scheduler tcp://10.0.0.5:8786
  metaautoml db export --db metadb.sqlite exported/
  metaautoml db import exported/ --db copy.sqlite"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``db`` and its subcommands on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents, help="build, inspect, export or import a meta-database",
        description="Build, inspect, export or import the meta-database of past evaluations that "
                    "the warm start learns from.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(title="actions", dest="action", metavar="ACTION", required=True)

    info = actions.add_parser("info", parents=parents, help="summarize a meta-database",
                              description="Datasets, configurations and how full the matrix is.")
    info.add_argument("--db", metavar="PATH", default=None,
                      help="the meta-database (default: the one shipped with metaautoml)")
    _common.add_format_argument(info)
    info.set_defaults(action_run=run_info)

    build = actions.add_parser(
        "build", parents=parents, help="evaluate the configuration pool on a corpus",
        description="Evaluate every pool configuration on every corpus dataset and record the "
                    "results. Resumable: a rerun evaluates only what the database lacks.")
    build.add_argument("--db", metavar="PATH", required=True,
                       help="the meta-database to create or resume")
    build.add_argument("--manifest", metavar="PATH", default=None,
                       help="corpus manifest (default: the one shipped with metaautoml)")
    # --corpus is the option's name before --corpus-dir; kept so that old commands still run.
    build.add_argument("--corpus-dir", "--corpus", dest="corpus_dir", metavar="DIR", default=None,
                       help="directory of the UCI corpus (default: $METAAUTOML_CORPUS_DIR, else "
                            "../shared/corpus relative to the current directory)")
    build.add_argument("--weka-dir", metavar="DIR", default=None,
                       help="directory of the weka ARFF files (default: $METAAUTOML_WEKA_DIR, "
                            "else meta_db/build/weka relative to the current directory)")
    build.add_argument("--rdata-dir", metavar="DIR", default=None,
                       help="directory of the installed R packages of 'rdata' entries (default: "
                            "$METAAUTOML_RDATA_DIR, else meta_db/build/rdata relative to the "
                            "current directory)")
    build.add_argument("--datasets", metavar="NAMES", default=None,
                       help="comma-separated manifest names to build on, or @FILE with one name "
                            "per line (default: all available)")
    _common.add_task_argument(build)
    build.add_argument("--openml-suite", metavar="ID", action="append", default=[],
                       help="add the tasks of an OpenML suite (needs network access; repeatable)")
    build.add_argument("--openml-task", metavar="ID", action="append", type=_common.positive_int,
                       default=[], help="add an OpenML task's dataset (repeatable)")
    build.add_argument("--n-jobs", type=_common.n_jobs, default=1, metavar="N",
                       help="evaluations in parallel; -1 for one per CPU (default: 1)")
    build.add_argument("--backend", choices=("loky", "dask"), default="loky",
                       help="joblib backend (default: %(default)s)")
    build.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="with --backend dask, the scheduler of a running cluster (default: "
                            "a local cluster of --n-jobs workers)")
    build.add_argument("--max-rows", type=_common.positive_int, default=None, metavar="N",
                       help="rows kept per dataset (stratified subsample above it)")
    build.add_argument("--time-limit", type=_common.positive_seconds, default=None, metavar="S",
                       help="seconds one evaluation may take before it is recorded as a timeout")
    build.add_argument("--cv", type=_common.cv_folds, default=None, metavar="K",
                       help="cross-validation folds of every evaluation")
    build.add_argument("--n-per-family", type=_common.positive_int, default=None, metavar="N",
                       help="space-filling configurations per model family, on top of its default")
    build.add_argument("--max-evaluations", type=_common.positive_int, default=None, metavar="N",
                       help="stop after about N new evaluations; rerun to continue")
    build.add_argument("--no-meta-features", action="store_true",
                       help="skip computing meta-features")
    build.add_argument("--fidelity-rows", type=_common.positive_int, default=None, metavar="N",
                       help="instead of the base build, evaluate the pool's first configurations "
                            "on up to N rows (more than the database's --max-rows) of the datasets "
                            "that have them: a second fidelity, kept apart (e.g. 5000)")
    build.add_argument("--fidelity-configs", type=_common.positive_int, default=None, metavar="K",
                       help="with --fidelity-rows, how many of the pool's first configurations "
                            "(default: 35, every family's default and 4 sampled of each)")
    build.add_argument("--sized-defaults", action="store_true",
                       help="instead of the base build, evaluate each pool default whose family "
                            "has row-relative hyperparameters (HistGradientBoosting's leaf, "
                            "k-NN's neighbours) as scikit-learn's default on each dataset's own "
                            "rows, kept apart; the meta-learners then see the defaults users get")
    build.set_defaults(action_run=run_build)

    export = actions.add_parser("export", parents=parents, help="write a meta-database as Parquet",
                                description="Write every table as Parquet files into DIR.")
    export.add_argument("--db", metavar="PATH", default=None,
                        help="the meta-database (default: the shipped one)")
    export.add_argument("directory", metavar="DIR", help="output directory (created)")
    export.set_defaults(action_run=run_export)

    imp = actions.add_parser("import", parents=parents,
                             help="create a meta-database from Parquet files",
                             description="Create a new meta-database from a directory written by "
                                         "'db export' or an external table in that layout.")
    imp.add_argument("directory", metavar="DIR", help="directory of Parquet files")
    imp.add_argument("--db", metavar="PATH", required=True, help="the new meta-database file")
    imp.set_defaults(action_run=run_import)
    parser.set_defaults(run=run)
    return parser


def _open(path: str | None, *, readonly: bool = True):
    from ..metadb import MetaDB

    if path is None:
        return MetaDB.default()
    _common.check_input_file(path, "meta-database")
    return MetaDB(path, readonly=readonly)


def run(args: argparse.Namespace) -> int:
    """Run the chosen action (``info``, ``build``, ``export`` or ``import``)."""
    return args.action_run(args)


def run_info(args: argparse.Namespace) -> int:
    """Print the summary of a meta-database."""
    from ..metadb import LearningCurves
    from ..space import families_for

    with _open(args.db) as db:
        summary = db.summary()
        build = {k.removeprefix("build."): _number(v) for k, v in db.all_meta().items()
                 if k.startswith("build.")}
        datasets = db.datasets()
        directory = Path(db.path).parent
        summary["fidelities"] = db.fidelities()
        summary["sized_defaults"] = {task: len(db.sized_default_pairs(task))
                                     for task in ("classification", "regression")}
    summary["build"] = build
    summary["sources"] = {task: datasets.loc[datasets["task"] == task, "source"].value_counts().to_dict()
                          for task in ("classification", "regression")}
    # LCDB's learning curves live beside the database they complement (the package's data
    # directory for the shipped one).
    try:
        summary["lcdb"] = LearningCurves.read(directory).summary()
    except FileNotFoundError:
        summary["lcdb"] = None
    for task in ("classification", "regression"):
        # What --include and --exclude accept.
        summary[task]["families"] = [family.name for family in families_for(task)]
    if args.format == "json":
        _common.print_json(summary)
        return 0
    print(f"meta-database: {summary['path']}")
    print(f"schema version: {summary['schema_version']}; meta-features version: "
          f"{', '.join(summary['meta_features_version']) or 'none'}")
    if build:
        print("build protocol: " + ", ".join(f"{k}={v}" for k, v in sorted(build.items())))
    print(f"{'task':<15}{'datasets':>9}{'configs':>9}{'evaluated':>11}{'complete':>10}"
          f"{'failed':>8}{'timeout':>9}{'filled':>9}")
    for task in ("classification", "regression"):
        s = summary[task]
        print(f"{task:<15}{s['datasets']:>9}{s['configurations']:>9}{s['evaluations']:>11}"
              f"{s['complete']:>10}{s['failed']:>8}{s['timeout']:>9}{s['matrix_filled']:>9.1%}")
    for task in ("classification", "regression"):
        print(f"{task} families: {', '.join(summary[task]['families'])}")
    for task in ("classification", "regression"):
        sources = ", ".join(f"{source} {count}" for source, count in summary["sources"][task].items())
        print(f"{task} sources: {sources or 'none'}")
    for rows, counts in summary["fidelities"].items():
        print(f"{rows:,}-row fidelity: {counts['evaluations']} evaluations of {counts['configurations']} "
              f"configurations on {counts['datasets']} datasets")
    for task, count in summary["sized_defaults"].items():
        if count:
            print(f"{task} sized defaults: {count} evaluations of the pool's row-relative defaults "
                  "on each dataset's own rows")
    lcdb = summary["lcdb"]
    if lcdb is None:
        print(f"LCDB import: none in {directory}")
    else:
        print(f"LCDB import ({lcdb['source']}, learning curves, classification): {lcdb['datasets']} "
              f"datasets ({lcdb['datasets_in_corpus_groups']} in a corpus dataset's group), "
              f"{lcdb['learners']} learners ({len(lcdb['families'])} standing for families), "
              f"{lcdb['curve_points']} curve points at {lcdb['min_size']:,}-{lcdb['max_size']:,} rows")
    return 0


def _number(text: str):
    """A stored build setting as the number it is ("3" is 3, "20.0" is 20.0), else the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except (TypeError, ValueError):
            continue
    return text


def run_build(args: argparse.Namespace) -> int:
    """Build or resume a meta-database from the corpus manifest."""
    import warnings

    from ..corpus import (
        available_entries,
        build_datasets,
        entries_from_openml_suite,
        entries_from_openml_task,
        load_manifest,
    )
    from ..metadb import (
        BUILD_DEFAULTS,
        DEFAULT_FIDELITY_CONFIGS,
        MetaDB,
        build,
        build_fidelity,
        build_sized_defaults,
    )

    if args.manifest is not None:
        _common.check_input_file(args.manifest, "corpus manifest")
    entries = load_manifest(args.manifest)
    for suite in args.openml_suite:
        entries += entries_from_openml_suite(suite, existing=entries)
    for task_id in args.openml_task:
        entries += entries_from_openml_task(task_id, existing=entries)
    if args.datasets:
        wanted = _dataset_names(args.datasets)
        known = {e.name for e in entries}
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise _common.CLIError(f"--datasets names datasets not in the manifest: {', '.join(unknown)}")
        entries = [e for e in entries if e.name in set(wanted)]
    if args.task:
        entries = [e for e in entries if e.task == args.task]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entries = available_entries(entries, corpus_dir=args.corpus_dir, weka_dir=args.weka_dir,
                                    rdata_dir=args.rdata_dir)
    for warning in caught:
        print(f"{_common.PROG}: warning: {warning.message}", file=sys.stderr)
    if not entries:
        raise _common.CLIError("no dataset of the manifest can be loaded here; see the warnings")
    protocol = {key: getattr(args, key) for key in BUILD_DEFAULTS if getattr(args, key) is not None}
    directory = os.path.dirname(os.path.abspath(args.db))
    if not os.path.isdir(directory):
        raise _common.CLIError(f"directory of --db does not exist: {directory}")
    if args.fidelity_configs is not None and args.fidelity_rows is None:
        raise _common.CLIError("--fidelity-configs needs --fidelity-rows")
    if args.sized_defaults:
        if args.fidelity_rows is not None or protocol:
            given = ["--fidelity-rows"] if args.fidelity_rows is not None else []
            given += ["--" + k.replace("_", "-") for k in protocol]
            raise _common.CLIError(f"--sized-defaults builds on the database's own protocol; drop "
                                   f"{', '.join(given)}")
        if not os.path.isfile(args.db):
            raise _common.CLIError(f"--sized-defaults needs a built database: {args.db} does not exist")
        with MetaDB(args.db) as db:
            report = build_sized_defaults(
                db, build_datasets(entries, corpus_dir=args.corpus_dir, weka_dir=args.weka_dir,
                                   rdata_dir=args.rdata_dir),
                n_jobs=args.n_jobs, backend=args.backend, scheduler=args.scheduler,
                max_evaluations=args.max_evaluations, progress=_common.stderr_is_terminal())
        print(f"{args.db} (sized defaults): {report}")
        return 0
    if args.fidelity_rows is not None:
        if protocol:
            raise _common.CLIError(f"--fidelity-rows builds on the database's own protocol; drop "
                                   f"{', '.join('--' + k.replace('_', '-') for k in protocol)}")
        if not os.path.isfile(args.db):
            raise _common.CLIError(f"--fidelity-rows needs a database built at its base size: "
                                   f"{args.db} does not exist")
        with MetaDB(args.db) as db:
            report = build_fidelity(
                db, build_datasets(entries, corpus_dir=args.corpus_dir, weka_dir=args.weka_dir,
                                   rdata_dir=args.rdata_dir),
                max_rows=args.fidelity_rows,
                n_configs=args.fidelity_configs or DEFAULT_FIDELITY_CONFIGS, n_jobs=args.n_jobs,
                backend=args.backend, scheduler=args.scheduler,
                max_evaluations=args.max_evaluations, progress=_common.stderr_is_terminal())
        print(f"{args.db} ({args.fidelity_rows}-row fidelity): {report}")
        return 0
    with MetaDB(args.db, create=True) as db:
        report = build(db, build_datasets(entries, corpus_dir=args.corpus_dir,
                                           weka_dir=args.weka_dir, rdata_dir=args.rdata_dir),
                       n_jobs=args.n_jobs, backend=args.backend, scheduler=args.scheduler,
                       max_evaluations=args.max_evaluations, meta_features=not args.no_meta_features,
                       progress=_common.stderr_is_terminal(), **protocol)
    print(f"{args.db}: {report}")
    return 0


def _dataset_names(value: str) -> list[str]:
    """Names from ``a,b,c`` or from ``@FILE`` (one per line, ``#`` comments)."""
    if value.startswith("@"):
        path = value[1:]
        _common.check_input_file(path, "dataset list")
        with open(path, encoding="utf-8") as handle:
            lines = [line.split("#", 1)[0].strip() for line in handle]
        return [line for line in lines if line]
    return [name.strip() for name in value.split(",") if name.strip()]


def run_export(args: argparse.Namespace) -> int:
    """Export a meta-database as Parquet."""
    with _open(args.db) as db:
        target = db.export(args.directory)
    print(f"exported {db.path} to {target}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Create a meta-database from Parquet files."""
    from ..metadb import MetaDB

    if not os.path.isdir(args.directory):
        raise _common.CLIError(f"Parquet directory not found: {args.directory}")
    with MetaDB.import_(args.directory, args.db) as db:
        summary = db.summary()
    counts = ", ".join(f"{summary[t]['datasets']} {t} datasets" for t in ("classification", "regression"))
    print(f"imported {args.directory} into {args.db}: {counts}")
    return 0
