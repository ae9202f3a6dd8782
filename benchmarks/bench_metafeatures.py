"""Wall time of metaautoml's meta-feature extraction against pymfe's default groups.

Side by side in one run, on the same arrays:

* for each selected corpus dataset, ``extract_meta_features`` against ``pymfe.mfe.MFE()`` with
  its default groups (general, info-theory, statistical, model-based, landmarking; fit plus
  extract), with the per-dataset and overall speed-up (target: >= 20x overall);
* ``extract_meta_features`` alone on a synthetic 100,000 x 100 numeric dataset (target: < 1 s),
  where pymfe would take minutes.

Both run with BLAS limited to ``--blas-threads`` threads (default 1) so that timings on a shared
machine are not dominated by oversubscribed BLAS threads; each timing is the best of
``--repeats`` runs after one untimed warm-up of both libraries.

Usage::

    .venv/bin/python benchmarks/bench_metafeatures.py --corpus ../shared/corpus --output mf.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from metaautoml.metafeatures import extract_meta_features

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
#: Small to mid-sized datasets of varied shape; pymfe needs ~25 s for all of them on one core.
DEFAULT_DATASETS = (
    "iris", "glass", "ecoli", "pima", "yeast", "car", "abalone", "wine-quality-red",
    "image-segmentation", "steel-plates", "waveform", "optical",
)
TARGET_RATIO = 20.0
TARGET_SYNTHETIC_S = 1.0


def load_corpus_dataset(corpus: Path, entry: dict) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(corpus / entry["file"])
    target = entry.get("target", "target")
    return frame.drop(columns=[target]).to_numpy(dtype=np.float64), frame[target].to_numpy()


def best_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def run_pymfe(X: np.ndarray, y: np.ndarray) -> None:
    from pymfe.mfe import MFE

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        extractor = MFE(random_state=0)
        extractor.fit(X, y, suppress_warnings=True)
        extractor.extract(suppress_warnings=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="corpus directory holding manifest.json and uci/<name>.csv.gz "
                             f"(default: {DEFAULT_CORPUS})")
    parser.add_argument("--datasets", nargs="+", default=list(DEFAULT_DATASETS),
                        help="corpus dataset names (default: 12 datasets of varied shape)")
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per measurement; the best counts")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS threads for both libraries")
    parser.add_argument("--skip-synthetic", action="store_true", help="skip the 100,000 x 100 dataset")
    parser.add_argument("--output", type=Path, help="write the per-dataset results to this CSV file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    manifest_path = args.corpus / "manifest.json"
    if not manifest_path.is_file():
        sys.exit(f"error: no corpus at {args.corpus.resolve()} (expected {manifest_path.name} and "
                 "uci/<name>.csv.gz); pass its location with --corpus DIR")
    try:
        import pymfe  # noqa: F401
    except ImportError:
        sys.exit("error: pymfe is not installed; install the dev extras (pip install -e '.[dev]')")
    entries = {entry["name"]: entry for entry in json.loads(manifest_path.read_text())}
    unknown = [name for name in args.datasets if name not in entries]
    if unknown:
        sys.exit(f"error: not in the corpus manifest: {unknown}")
    if args.repeats < 1:
        sys.exit("error: --repeats must be at least 1")

    rows = []
    with threadpool_limits(args.blas_threads, user_api="blas"):
        # Warm-up: imports, scikit-learn's first-call overheads, page faults.
        X, y = load_corpus_dataset(args.corpus, entries[args.datasets[0]])
        extract_meta_features(X, y)
        run_pymfe(X, y)

        print(f"{'dataset':28s} {'rows':>7s} {'feats':>5s} {'classes':>7s} {'ours [s]':>9s} "
              f"{'pymfe [s]':>9s} {'ratio':>7s}")
        for name in args.datasets:
            entry = entries[name]
            X, y = load_corpus_dataset(args.corpus, entry)
            ours = best_time(lambda X=X, y=y: extract_meta_features(X, y), args.repeats)
            theirs = best_time(lambda X=X, y=y: run_pymfe(X, y), args.repeats)
            rows.append({"dataset": name, "n_rows": X.shape[0], "n_features": X.shape[1],
                         "n_classes": len(np.unique(y)), "ours_s": ours, "pymfe_s": theirs,
                         "ratio": theirs / ours})
            print(f"{name:28s} {X.shape[0]:7d} {X.shape[1]:5d} {rows[-1]['n_classes']:7d} "
                  f"{ours:9.4f} {theirs:9.3f} {theirs / ours:7.1f}", flush=True)

        total_ours = sum(row["ours_s"] for row in rows)
        total_theirs = sum(row["pymfe_s"] for row in rows)
        overall = total_theirs / total_ours
        geometric = math.exp(np.mean([math.log(row["ratio"]) for row in rows]))
        print(f"\n{len(rows)} datasets: ours {total_ours:.3f} s, pymfe {total_theirs:.2f} s")
        print(f"overall ratio (total pymfe / total ours): {overall:.1f}x "
              f"[{'meets' if overall >= TARGET_RATIO else 'MISSES'} the {TARGET_RATIO:.0f}x target]")
        print(f"geometric mean of per-dataset ratios: {geometric:.1f}x; "
              f"smallest: {min(row['ratio'] for row in rows):.1f}x")

        if not args.skip_synthetic:
            rng = np.random.default_rng(0)
            X = rng.normal(size=(100_000, 100))
            y_class = (X[:, :5].sum(axis=1) + rng.normal(size=X.shape[0]) > 0).astype(np.int64)
            y_reg = X[:, :5] @ rng.normal(size=5) + rng.normal(size=X.shape[0])
            for task, y in (("classification", y_class), ("regression", y_reg)):
                seconds = best_time(lambda y=y, task=task: extract_meta_features(X, y, task), args.repeats)
                verdict = "meets" if seconds < TARGET_SYNTHETIC_S else "MISSES"
                print(f"synthetic 100,000 x 100 {task}: {seconds:.3f} s "
                      f"[{verdict} the < {TARGET_SYNTHETIC_S:.0f} s target]")
                rows.append({"dataset": f"synthetic-100000x100-{task}", "n_rows": X.shape[0],
                             "n_features": X.shape[1], "n_classes": 2 if task == "classification" else 0,
                             "ours_s": seconds, "pymfe_s": float("nan"), "ratio": float("nan")})

    if args.output:
        with args.output.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
