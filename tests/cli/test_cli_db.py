"""``metaautoml db build``: the corpus paths it is given are the ones it reads.

The build itself is replaced by a stand-in that records what it was given, so these tests check
the command's wiring (``--manifest``, ``--corpus-dir``, ``--weka-dir``, the protocol options)
in well under a second; tests/metadb covers what ``build`` does with it.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

import metaautoml.metadb
from metaautoml.cli import main
from metaautoml.corpus import CorpusEntry, save_manifest


@pytest.fixture
def recorded_build(monkeypatch):
    calls = []

    def fake_build(db, datasets, **kwargs):
        calls.append((list(datasets), kwargs))
        return "0 datasets"

    monkeypatch.setattr(metaautoml.metadb, "build", fake_build)
    return calls


@pytest.fixture
def corpus(tmp_path):
    """A UCI-style corpus directory, a weka directory and a manifest of one dataset from each,
    all outside the current directory and away from any default location."""
    corpus_dir = tmp_path / "somewhere" / "corpus"
    (corpus_dir / "uci").mkdir(parents=True)
    with gzip.open(corpus_dir / "uci" / "toy.csv.gz", "wt") as handle:
        pd.DataFrame({"a": [0.1, 0.2, 0.3, 0.4], "target": [0, 1, 0, 1]}).to_csv(handle, index=False)
    weka_dir = tmp_path / "elsewhere" / "weka"
    weka_dir.mkdir(parents=True)
    (weka_dir / "toy.arff").write_text(
        "@relation toy\n@attribute x numeric\n@attribute class {a,b}\n@data\n1,a\n2,b\n3,a\n")
    manifest = save_manifest([
        CorpusEntry(name="toy-uci", source="uci", locator="uci/toy.csv.gz", task="classification",
                    target="target"),
        CorpusEntry(name="toy-weka", source="weka", locator="toy.arff", task="classification",
                    target="class"),
    ], tmp_path / "my-corpus.json")
    return corpus_dir, weka_dir, manifest


def test_build_reads_the_corpus_from_the_directories_it_is_given(
        corpus, recorded_build, tmp_path, monkeypatch, capsys):
    pytest.importorskip("arff")
    corpus_dir, weka_dir, manifest = corpus
    monkeypatch.delenv("METAAUTOML_CORPUS_DIR", raising=False)
    monkeypatch.delenv("METAAUTOML_WEKA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    code = main(["db", "build", "--db", str(tmp_path / "m.sqlite"), "--manifest", str(manifest),
                 "--corpus-dir", str(corpus_dir), "--weka-dir", str(weka_dir), "--cv", "2"])
    assert code == 0, capsys.readouterr().err
    ((datasets, kwargs),) = recorded_build
    assert [d.name for d in datasets] == ["toy-uci", "toy-weka"]
    assert kwargs["cv"] == 2 and "max_rows" not in kwargs  # only the protocol options given
    X, y = datasets[0].load()
    assert list(X.columns) == ["a"] and y.tolist() == [0, 1, 0, 1]
    X, y = datasets[1].load()
    assert list(X.columns) == ["x"] and len(y) == 3


def test_build_without_the_directories_skips_what_it_cannot_find(
        corpus, recorded_build, tmp_path, monkeypatch, capsys):
    _, _, manifest = corpus
    monkeypatch.delenv("METAAUTOML_CORPUS_DIR", raising=False)
    monkeypatch.delenv("METAAUTOML_WEKA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    code = main(["db", "build", "--db", str(tmp_path / "m.sqlite"), "--manifest", str(manifest)])
    err = capsys.readouterr().err
    assert code == 1 and recorded_build == []
    # The defaults are relative to the current directory, and the warnings name them.
    assert f"UCI corpus not found at {tmp_path.parent / 'shared' / 'corpus'}" in err
    assert f"weka ARFF directory not found at {tmp_path / 'meta_db' / 'build' / 'weka'}" in err
    assert "no dataset of the manifest can be loaded here" in err


def test_build_with_the_older_corpus_option_and_a_missing_manifest(corpus, recorded_build, tmp_path,
                                                                    capsys):
    corpus_dir, _, manifest = corpus
    code = main(["db", "build", "--db", str(tmp_path / "m.sqlite"), "--manifest", str(manifest),
                 "--corpus", str(corpus_dir), "--datasets", "toy-uci"])
    assert code == 0, capsys.readouterr().err
    assert [d.name for d in recorded_build[0][0]] == ["toy-uci"]
    code = main(["db", "build", "--db", str(tmp_path / "m.sqlite"),
                 "--manifest", str(tmp_path / "absent.json")])
    assert code == 1
    assert "corpus manifest not found" in capsys.readouterr().err


def test_build_with_fidelity_rows_builds_the_second_fidelity_on_the_database_protocol(
        corpus, recorded_build, tmp_path, monkeypatch, capsys):
    corpus_dir, weka_dir, manifest = corpus
    calls = []

    def fake_fidelity(db, datasets, **kwargs):
        calls.append(([d.name for d in datasets], kwargs))
        return "0 datasets"

    monkeypatch.setattr(metaautoml.metadb, "build_fidelity", fake_fidelity)
    db_path = tmp_path / "m.sqlite"
    base = ["db", "build", "--db", str(db_path), "--manifest", str(manifest),
            "--corpus-dir", str(corpus_dir), "--datasets", "toy-uci"]
    assert main([*base, "--fidelity-rows", "5000"]) == 1
    assert "needs a database built at its base size" in capsys.readouterr().err
    metaautoml.metadb.MetaDB(db_path, create=True).close()
    assert main([*base, "--fidelity-rows", "5000", "--cv", "5"]) == 1
    assert "builds on the database's own protocol; drop --cv" in capsys.readouterr().err
    assert main([*base, "--fidelity-configs", "7"]) == 1
    assert "--fidelity-configs needs --fidelity-rows" in capsys.readouterr().err
    assert main([*base, "--fidelity-rows", "5000", "--fidelity-configs", "14"]) == 0
    ((names, kwargs),) = calls
    assert names == ["toy-uci"] and (kwargs["max_rows"], kwargs["n_configs"]) == (5000, 14)
    assert recorded_build == []  # not the base build
    assert "(5000-row fidelity)" in capsys.readouterr().out


def test_build_with_sized_defaults_builds_them_on_the_database_protocol(
        corpus, recorded_build, tmp_path, monkeypatch, capsys):
    corpus_dir, weka_dir, manifest = corpus
    calls = []

    def fake_sized(db, datasets, **kwargs):
        calls.append([d.name for d in datasets])
        return "0 datasets"

    monkeypatch.setattr(metaautoml.metadb, "build_sized_defaults", fake_sized)
    db_path = tmp_path / "m.sqlite"
    base = ["db", "build", "--db", str(db_path), "--manifest", str(manifest),
            "--corpus-dir", str(corpus_dir), "--datasets", "toy-uci", "--sized-defaults"]
    assert main(base) == 1
    assert "--sized-defaults needs a built database" in capsys.readouterr().err
    metaautoml.metadb.MetaDB(db_path, create=True).close()
    assert main([*base, "--max-rows", "500"]) == 1
    assert "builds on the database's own protocol; drop --max-rows" in capsys.readouterr().err
    assert main([*base, "--fidelity-rows", "5000"]) == 1
    assert "drop --fidelity-rows" in capsys.readouterr().err
    assert main(base) == 0
    assert calls == [["toy-uci"]] and recorded_build == []  # not the base build
    assert "(sized defaults)" in capsys.readouterr().out
