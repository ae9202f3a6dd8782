"""``metaautoml meta-train``: retrain the dataset matcher and the surrogate from a meta-database."""

from __future__ import annotations

import argparse

from . import _common

NAME = "meta-train"
#: :data:`metaautoml.surrogate.VARIANTS`, repeated so that ``--help`` does not import torch
#: (a test keeps the two equal).
VARIANTS = ("maml", "fomaml", "reptile", "metasgd", "pretrain")
#: :data:`metaautoml.metadb.NORMALIZATIONS` and the default ``TrainingConfig.target``, likewise.
TARGETS = ("median_clipped", "minmax", "rank")
DEFAULT_TARGET = "median_clipped"

_EPILOG = """\
The artifacts are torch state_dicts (loaded with weights_only=True) and JSON files, one set per
task type: matcher-<task>.{pt,json}, surrogate-<task>.{pt,json}, proposer-<task>.json. The
estimators read the ones in the package's data directory, next to the shipped meta-database.

examples:
  metaautoml meta-train
  metaautoml meta-train --db my.sqlite --output-dir my-artifacts --variant reptile"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``meta-train`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents, help="retrain the warm start's matcher and surrogate",
        description="Meta-train the dataset matcher and the surrogate on a meta-database.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", metavar="PATH", default=None,
                        help="the meta-database (default: the shipped one)")
    parser.add_argument("--output-dir", metavar="DIR", default=None,
                        help="where to write the artifacts (default: the package's data directory)")
    _common.add_task_argument(parser)
    parser.add_argument("--variant", choices=VARIANTS, default="maml",
                        help="meta-training algorithm of the surrogate (default: %(default)s)")
    parser.add_argument("--target", choices=TARGETS, default=DEFAULT_TARGET,
                        help="per-dataset score normalization the surrogate learns from "
                             "(default: %(default)s)")
    parser.add_argument("--iterations", type=_common.positive_int, default=1500, metavar="N",
                        help="meta-iterations per surrogate member (default: %(default)s)")
    parser.add_argument("--ensemble", type=_common.positive_int, default=3, metavar="N",
                        help="surrogate ensemble members (default: %(default)s)")
    parser.add_argument("--seed", type=_common.seed, default=0, metavar="N",
                        help="seed of the training (default: %(default)s)")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Train and write the artifacts; print what was trained on."""
    import os

    from ..metadb import MetaDB
    from ..surrogate import TrainingConfig
    from ..warmstart import default_artifact_dir, meta_train

    if args.db is not None:
        _common.check_input_file(args.db, "meta-database")
    directory = args.output_dir or str(default_artifact_dir())
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise _common.CLIError(f"--output-dir {directory} is a file, not a directory")
    tasks = (args.task,) if args.task else ("classification", "regression")
    with (MetaDB(args.db, readonly=True) if args.db else MetaDB.default()) as db:
        summary = meta_train(db, directory, tasks=tasks, n_ensemble=args.ensemble,
                             training_config=TrainingConfig(variant=args.variant,
                                                            target=args.target,
                                                            meta_iterations=args.iterations,
                                                            seed=args.seed))
    if args.format == "json":
        _common.print_json({"output_dir": directory, "tasks": summary})
    else:
        for task, info in summary.items():
            print(f"{task}: {info['datasets']} datasets x {info['configurations']} configurations, "
                  f"{info['seconds']:.0f} s")
        print(f"artifacts written to {directory}")
    return 0
