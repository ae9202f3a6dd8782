"""``metaautoml recommend``: the warm start's proposals for a dataset, without training."""

from __future__ import annotations

import argparse

from . import _common

NAME = "recommend"

_EPILOG = """\
The proposals are what 'metaautoml fit' would try first: configurations of the meta-database's
pool chosen by a greedy portfolio weighted towards the most similar datasets, with the
surrogate's prediction for this dataset. 'trust' falls below 1 when the dataset is out of the
meta-database's range or poorly matched; at 0 the proposals are the static portfolio.

examples:
  metaautoml recommend iris.csv --target species
  metaautoml recommend houses.csv --target price --n 5 --format json"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``recommend`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents,
        help="propose configurations for a dataset (CSV or Parquet) without training",
        description="Print the warm-start configurations for a dataset (CSV, possibly compressed,\n"
                    "or Parquet) and why they were chosen.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", metavar="DATA", help=f"the dataset: {_common.DATA_HELP}")
    parser.add_argument("--target", required=True, metavar="COL", help="the target column")
    _common.add_task_argument(parser)
    parser.add_argument("--n", type=_common.positive_int, default=10, metavar="N",
                        help="configurations to propose (default: %(default)s)")
    parser.add_argument("--metric", default=None, metavar="M",
                        help="the metric the search would maximize (default: accuracy / r2)")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the proposals, the matched datasets and the trust."""
    frame = _common.read_table(args.data)
    X, y = _common.split_target(frame, args.target, args.data)
    task = _common.resolve_task(args.task, y)

    from ..estimator import estimator_class

    warm = estimator_class(task)(metric=args.metric, random_state=0).recommend(X, y, n=args.n)
    if args.format == "json":
        _common.print_json({
            "task": task, "trust": warm.trust, "reasons": warm.reasons,
            "neighbors": warm.neighbors.to_dict(orient="records"),
            "proposals": [{**row, "config": config} for row, (_, config)
                          in zip(warm.table.to_dict(orient="records"), warm.proposals, strict=True)]})
        return 0
    import pandas as pd

    print(f"task: {task}   trust: {warm.trust:.2f}")
    for reason in warm.reasons:
        print(f"  lowered: {reason}")
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        if len(warm.neighbors):
            print("\nmost similar meta-database datasets:")
            print(warm.neighbors.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        print("\nproposals, in the order a search tries them:")
        table = warm.table.drop(columns=["config_id", "params"]).assign(
            hyperparameters=[_short(config) for _, config in warm.proposals])
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    return 0


def _short(config: dict) -> str:
    """``name=value`` pairs without the family prefix, numbers to 3 significant digits."""
    family = config["family"] + "__"
    return ", ".join(f"{k.removeprefix(family)}={v:.3g}" if isinstance(v, float) else
                     f"{k.removeprefix(family)}={v}" for k, v in config.items() if k != "family")
