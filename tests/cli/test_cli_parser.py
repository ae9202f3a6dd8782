"""The command line itself: help, version, the subcommand registry, usage errors, import cost."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _cli_helpers import assert_one_line_error, cli_env, run_cli

import metaautoml
from metaautoml.cli import COMMANDS, build_parser, main

SUBCOMMANDS = ("fit", "predict", "recommend", "metafeatures", "db", "meta-train", "worker", "run")


def test_registry_lists_every_subcommand_once():
    names = [command.NAME for command in COMMANDS]
    assert names == list(SUBCOMMANDS)
    for command in COMMANDS:
        # The plug-in contract: a private module with add_parser and run.
        assert command.__name__.rsplit(".", 1)[1].startswith("_")
        assert callable(command.add_parser) and callable(command.run)


def test_every_subcommand_dispatches_to_its_own_run():
    parser = build_parser()
    arguments = {"fit": ["d.csv", "--target", "y", "-o", "m.joblib"],
                 "predict": ["m.joblib", "d.csv"],
                 "recommend": ["d.csv", "--target", "y"],
                 "metafeatures": ["d.csv", "--target", "y"],
                 "db": ["info"],
                 "meta-train": [],
                 "worker": ["--study", "s", "--storage", "journal:///tmp/s.log"],
                 "run": ["--task", "3"]}
    for command in COMMANDS:
        args = parser.parse_args([command.NAME, *arguments[command.NAME]])
        assert args.run is command.run
        assert args.debug is False


def test_top_level_help_lists_the_subcommands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: metaautoml")
    for name in SUBCOMMANDS:
        assert name in out
    assert "--debug" in out and "--version" in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_help(name, capsys):
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: metaautoml {name}")
    assert "examples:" in out
    if name != "db":  # db's actions have their own --format
        assert "--format {table,json}" in out


def test_fit_help_documents_every_option(capsys):
    main(["fit", "--help"])
    out = capsys.readouterr().out
    for option in ("--target", "--task", "--n-trials", "--time-budget", "--metric", "--cv",
                   "--per-trial-time-limit", "--memory-limit-mb", "--n-jobs", "--random-state",
                   "--storage", "--study-name", "--output", "--format", "--debug"):
        assert option in out, option


def test_predict_help_warns_that_model_files_are_pickles(capsys):
    main(["predict", "--help"])
    out = capsys.readouterr().out
    assert "pickle" in out and "trust" in out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"metaautoml {metaautoml.__version__}"


def test_debug_is_accepted_before_and_after_the_subcommand():
    parser = build_parser()
    assert parser.parse_args(["--debug", "metafeatures", "d.csv", "--target", "y"]).debug is True
    assert parser.parse_args(["metafeatures", "d.csv", "--target", "y", "--debug"]).debug is True


@pytest.mark.parametrize("argv,fragment", [
    ([], "the following arguments are required: COMMAND"),
    (["train"], "invalid choice: 'train'"),
    (["--bogus"], "the following arguments are required: COMMAND"),
    (["fit", "d.csv"], "the following arguments are required: --target, --output/-o"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--n-trials", "0"],
     "argument --n-trials: must be an integer >= 1, got '0'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--n-trials", "many"],
     "argument --n-trials: must be an integer, got 'many'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--cv", "1"],
     "argument --cv: must be an integer >= 2 (folds) or a number in (0, 1) (the share held out), got '1'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--time-budget", "-5"],
     "argument --time-budget: must be a positive number of seconds, got '-5'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--time-budget", "nan"],
     "argument --time-budget: must be a positive number of seconds"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--per-trial-time-limit", "soon"],
     "argument --per-trial-time-limit: must be a number of seconds, got 'soon'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--n-jobs", "0"],
     "argument --n-jobs: must be a positive integer or -1 (all CPUs), got '0'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--random-state", "-1"],
     "argument --random-state: must be an integer >= 0"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--task", "ranking"],
     "argument --task: invalid choice: 'ranking'"),
    (["fit", "d.csv", "--target", "y", "-o", "m.joblib", "--format", "xml"],
     "argument --format: invalid choice: 'xml'"),
    (["predict", "m.joblib"], "the following arguments are required: DATA"),
    (["metafeatures", "d.csv", "--target", "y", "--unknown"], "unrecognized arguments: --unknown"),
])
def test_usage_errors_are_one_line_with_status_2(argv, fragment, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_line_error(captured.err, fragment, "--help'")


def test_usage_error_in_a_real_process():
    result = run_cli("fit", "data.csv", "--target", "y", "-o", "m.joblib", "--cv", "one")
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "argument --cv: must be an integer >= 2 (folds) or a number in (0, 1)", "got 'one'",
                          "see 'metaautoml fit --help'")


def test_help_in_a_real_process():
    for argv in (["--help"], *([name, "--help"] for name in SUBCOMMANDS)):
        result = run_cli(*argv)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("usage: metaautoml")
        assert result.stderr == ""


def test_help_imports_no_heavy_library():
    """``--help`` builds every subcommand's parser; none of them may import the ML stack."""
    script = (
        "import contextlib, io, json, sys\n"
        "from metaautoml.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(a) for a in (['--help'], ['fit', '--help'], ['predict', '--help'],\n"
        "                                ['metafeatures', '--help'], ['--version'])]\n"
        "heavy = ('torch', 'optuna', 'sklearn', 'pandas', 'numpy', 'scipy', 'joblib')\n"
        "print(json.dumps({'codes': codes, 'loaded': [m for m in heavy if m in sys.modules]}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=cli_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["codes"] == [0, 0, 0, 0, 0]
    assert report["loaded"] == []
