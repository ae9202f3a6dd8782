"""``metaautoml metafeatures``: print the meta-features that describe a dataset."""

from __future__ import annotations

import argparse

from . import _common

NAME = "metafeatures"

_EPILOG = """\
The meta-features (size, column types, missing values, target statistics, landmarkers, ...)
are what the meta-learned warm start compares datasets by. Undefined values print as NaN in the
table and as null in JSON.

examples:
  metaautoml metafeatures iris.csv --target species
  metaautoml metafeatures houses.csv --target price --task regression --format json"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``metafeatures`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents, help="print the meta-features of a dataset (CSV or Parquet)",
        description="Compute the meta-features of a dataset: a CSV file with a header row,\n"
                    "possibly compressed, or a Parquet file.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", metavar="DATA", help=f"the dataset: {_common.DATA_HELP}")
    parser.add_argument("--target", required=True, metavar="COL", help="the target column")
    _common.add_task_argument(parser)
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Compute and print the meta-features of ``args.data``."""
    frame = _common.read_table(args.data)
    X, y = _common.split_target(frame, args.target, args.data)
    task = _common.resolve_task(args.task, y)

    from ..metafeatures import extract_meta_features

    features = extract_meta_features(X, y, task=task)
    if args.format == "json":
        _common.print_json({"task": task, "meta_features": features.to_dict()})
    else:
        import pandas as pd

        table = pd.DataFrame({"meta_feature": features.index.astype(str),
                              "value": features.to_numpy()})
        print(f"task: {task}")
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(table.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    return 0
