"""``metaautoml predict``: apply a model saved by ``metaautoml fit`` to a data file."""

from __future__ import annotations

import argparse
import sys

from . import _common
from ._common import CLIError, UsageError

NAME = "predict"

_WARNING = """\
security: a model file is a joblib pickle, and loading a pickle can run arbitrary code.
Only load model files you created or otherwise trust."""

_EPILOG = f"""\
{_WARNING}

If DATA contains the model's target column it is ignored, so the training file itself can
be passed. Columns the model was not trained on are ignored too.

examples:
  metaautoml predict iris.joblib new_flowers.csv
  metaautoml predict iris.joblib new_flowers.csv --proba --output predictions.csv"""


def add_parser(subparsers, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register ``predict`` with its options on ``subparsers``."""
    parser = subparsers.add_parser(
        NAME, parents=parents, help="predict with a saved model (only load models you trust)",
        description="Predict the target of every row of a data file (CSV, possibly compressed, or\n"
                    "Parquet) with a model saved by 'metaautoml fit'.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", metavar="MODEL.joblib",
                        help="a model saved by 'metaautoml fit' (a pickle: trusted files only)")
    parser.add_argument("data", metavar="DATA", help=f"rows to predict: {_common.DATA_HELP}")
    parser.add_argument("--output", "-o", default=None, metavar="PREDICTIONS.csv",
                        help="write the predictions to this CSV file instead of stdout (CSV "
                             "whatever the input format)")
    parser.add_argument("--proba", action="store_true",
                        help="add class probabilities, one column 'proba_CLASS' per class "
                             "(classifiers only)")
    _common.add_format_argument(parser)
    parser.set_defaults(run=run)
    return parser


def load_model(path: str) -> dict:
    """Load a model file as the dict that ``metaautoml fit`` writes.

    A bare fitted estimator saved with ``joblib.dump`` is accepted too, wrapped in such a dict
    without target and feature names.
    """
    _common.check_input_file(path, "model file")
    import joblib

    try:
        loaded = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - unpickling fails in many ways; all mean "not a model"
        raise CLIError(f"cannot load model file {path}: not a model saved by 'metaautoml fit' "
                       f"({type(exc).__name__}: {_common.one_line(str(exc))})") from None
    if isinstance(loaded, dict) and "model" in loaded:
        bundle = dict(loaded)
    elif hasattr(loaded, "predict"):
        bundle = {"model": loaded}
    else:
        raise CLIError(f"model file {path} does not hold a model saved by 'metaautoml fit' "
                       f"(found a {type(loaded).__name__})")
    if not hasattr(bundle["model"], "predict"):
        raise CLIError(f"model file {path} does not hold a fitted estimator")
    return bundle


def run(args: argparse.Namespace) -> int:
    """Predict ``args.data`` with ``args.model`` and print or write the predictions."""
    # Cheap checks first: loading a large model only to find a typo in the data path is slow.
    _common.check_input_file(args.data)
    if args.output is not None:
        _common.check_output_path(args.output)
    bundle = load_model(args.model)
    model = bundle["model"]
    if args.proba and not hasattr(model, "predict_proba"):
        raise UsageError("argument --proba: the model is a regressor; probabilities are only "
                         "available for classifiers")
    _warn_on_version_mismatch(bundle, args.model)

    frame = _common.read_table(args.data)
    X = _features(frame, bundle, args.data)
    target = bundle.get("target") or "prediction"

    import pandas as pd

    predictions = pd.DataFrame({target: model.predict(X)})
    classes = None
    if args.proba:
        classes = list(model.classes_)
        proba = model.predict_proba(X)
        for index, label in enumerate(classes):
            predictions[f"proba_{label}"] = proba[:, index]

    if args.output is not None:
        with _common.atomic_output(args.output) as temporary:
            predictions.to_csv(temporary, index=False)
        print(f"wrote {len(predictions)} predictions to {args.output}", file=sys.stderr)
    elif args.format == "json":
        payload = {"target": target, "predictions": predictions[target].tolist()}
        if classes is not None:
            payload["classes"] = classes
            payload["probabilities"] = predictions.iloc[:, 1:].to_numpy().tolist()
        _common.print_json(payload)
    else:
        with pd.option_context("display.max_rows", None, "display.width", 200):
            print(predictions.to_string(index=False))
    return 0


def _features(frame, bundle: dict, path: str):
    """The model's feature columns of ``frame``, in training order; the target dropped."""
    features = bundle.get("features")
    if features is None:
        target = bundle.get("target")
        return frame.drop(columns=[target]) if target in frame.columns else frame
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise CLIError(f"{path} lacks the model's feature column(s) "
                       f"{_common.format_columns(missing)}")
    return frame[list(features)]


def _warn_on_version_mismatch(bundle: dict, path: str) -> None:
    from .. import __version__

    saved = bundle.get("metaautoml_version")
    if saved is not None and saved != __version__:
        print(f"metaautoml: warning: {path} was saved by metaautoml {saved}; this is "
              f"{__version__}", file=sys.stderr)
