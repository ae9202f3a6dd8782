"""No pickle of the OpenML cache is ever loaded: the client runs on a private mirror of the cache.

openml-python loads the pickles it finds in its cache (``datasplits.pkl.py3``,
``dataset.pkl.py3``, ``features.xml.pkl``, ...). These tests put booby-trapped pickles, which
create a marker file when loaded, at every pickle path the client reads, and check that the
task still loads from the server's files, that no trap fires and that the cache is left as it
was, but for the files a (fake) server legitimately sent.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import stat
import tempfile
from pathlib import Path

import numpy as np
import openml
import pytest
from _openml_cache import (
    BREAST_CANCER_AUC,
    DIABETES_MAE,
    IRIS_CLUSTERING,
    IRIS_CV,
    SERVER_DIR,
    build_cache,
    dataset_frame,
    task_splits,
)

import metaautoml.openml_tasks._tasks
from metaautoml.openml_tasks import OpenMLUnavailableError, UnsupportedTaskError, load_task


class _Trap:
    """Unpickling this opens (creates) ``marker``: a stand-in for any code a pickle may run."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _trap_paths(server_dir: Path, task) -> list[Path]:
    """Every pickle the client 0.15 reads (or would, with another cache format) for ``task``."""
    did = task.dataset.dataset_id
    dataset_dir = server_dir / "datasets" / str(did)
    return [server_dir / "tasks" / str(task.task_id) / "datasplits.pkl.py3",
            *(dataset_dir / name for name in (
                "dataset.pkl.py3", f"dataset_{did}.pkl.py3", "features.xml.pkl",
                "qualities.xml.pkl", "dataset.feather.attributes.pkl.py3",
                f"dataset_{did}.feather.attributes.pkl.py3"))]


def _plant_traps(server_dir: Path, task, marker: Path) -> list[Path]:
    paths = _trap_paths(server_dir, task)
    for path in paths:
        path.write_bytes(pickle.dumps(_Trap(marker)))
    return paths


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under ``root``: links by target, files by content."""
    entries: dict[str, tuple] = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(directory, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[key] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[key] = ("dir",)
            else:
                entries[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return entries


def _assert_loaded(task, fixture) -> None:
    frame = dataset_frame(fixture.dataset)
    target = fixture.dataset.target
    assert (task.task_id, task.dataset_id, task.target) == (fixture.task_id,
                                                            fixture.dataset.dataset_id, target)
    np.testing.assert_allclose(task.X.select_dtypes("number").to_numpy(),
                               frame.drop(columns=target).select_dtypes("number").to_numpy())
    assert task.y.astype(str).tolist() == frame[target].astype(str).tolist()
    expected = task_splits(fixture, frame)
    assert task.n_folds == len(expected)
    for (train, test), (expected_train, expected_test) in zip(task.splits, expected, strict=True):
        np.testing.assert_array_equal(np.sort(train), np.sort(expected_train))
        np.testing.assert_array_equal(np.sort(test), np.sort(expected_test))


@pytest.fixture
def marker(tmp_path) -> Path:
    return tmp_path / "a-pickle-ran-code"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Where ``tempfile`` makes the mirrors, so the tests can see that none is left behind."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


# -- the cache holds pickles ----------------------------------------------------------------
@pytest.mark.parametrize("fixture", [IRIS_CV, BREAST_CANCER_AUC, DIABETES_MAE],
                         ids=["parquet-classification", "arff-classification",
                              "arff-regression"])
def test_booby_trapped_pickles_in_the_cache_are_never_loaded(cache_root, marker, private_tmp,
                                                             network_attempts, fixture):
    server_dir = cache_root / SERVER_DIR
    traps = _plant_traps(server_dir, fixture, marker)
    before = _snapshot(cache_root)
    for _ in range(2):  # the second time, any pickle the first call left would be found
        _assert_loaded(load_task(fixture.task_id, cache_dir=cache_root), fixture)
        assert not marker.exists()
    assert _snapshot(cache_root) == before  # no pickle written, nothing deleted
    assert network_attempts == []
    assert list(private_tmp.iterdir()) == []  # the mirrors are gone
    pickle.loads(traps[0].read_bytes())  # the traps were armed
    assert marker.exists()


def test_the_client_sees_only_links_to_the_server_files_in_a_private_directory(cache_root,
                                                                                marker,
                                                                                monkeypatch):
    server_dir = cache_root / SERVER_DIR
    _plant_traps(server_dir, BREAST_CANCER_AUC, marker)
    (server_dir / "datasets" / "9002" / "notes.txt").write_text("not the server's")
    seen = {}
    fetch = metaautoml.openml_tasks._tasks._fetch

    def spy(*args, **kwargs):
        mirror_dir = Path(openml.config.get_cache_directory())
        seen["root"] = Path(openml.config.get_config_as_dict()["cachedir"])
        seen["mode"] = stat.S_IMODE(seen["root"].stat().st_mode)
        seen["files"] = {path.relative_to(mirror_dir).as_posix(): os.readlink(path)
                         for path in mirror_dir.rglob("*") if not path.is_dir()}
        return fetch(*args, **kwargs)

    monkeypatch.setattr(metaautoml.openml_tasks._tasks, "_fetch", spy)
    load_task(BREAST_CANCER_AUC.task_id, cache_dir=cache_root)
    assert seen["mode"] == 0o700
    assert not seen["root"].is_relative_to(cache_root) and not seen["root"].exists()
    resolved = server_dir.resolve()
    assert seen["files"] == {name: str(resolved / name) for name in (
        "tasks/9102/task.xml", "tasks/9102/datasplits.arff", "datasets/9002/description.xml",
        "datasets/9002/features.xml", "datasets/9002/qualities.xml",
        "datasets/9002/dataset.arff")}
    assert not marker.exists()


def test_a_cache_with_only_the_splits_pickle_lacks_the_splits(cache_root, marker):
    """The client would load the pickle in place of the ARFF file; metaautoml counts it missing."""
    server_dir = cache_root / SERVER_DIR
    _plant_traps(server_dir, IRIS_CV, marker)
    (server_dir / "tasks" / "9101" / "datasplits.arff").unlink()
    with pytest.raises(OpenMLUnavailableError) as info:
        load_task(IRIS_CV.task_id, cache_dir=cache_root)
    message = str(info.value)
    assert "\n" not in message
    assert ("(missing tasks/9101/datasplits.arff; metaautoml does not load the client's pickle "
            "tasks/9101/datasplits.pkl.py3 in its place) and OpenML's server") in message
    assert not marker.exists()


# -- what the server sends ------------------------------------------------------------------
class _FakeServer:
    """OpenML's server, as the client's download functions see it, serving a built cache."""

    def __init__(self, files: Path) -> None:
        self.files = files
        self.requests: list[str] = []

    def api_call(self, call: str, request_method: str = "get", *args, **kwargs) -> str:
        self.requests.append(call)
        path = {r"task/(\d+)": "tasks/{}/task.xml", r"data/(\d+)": "datasets/{}/description.xml",
                r"data/features/(\d+)": "datasets/{}/features.xml"}
        for pattern, name in path.items():
            match = re.fullmatch(pattern, call)
            if match:
                return (self.files / name.format(match.group(1))).read_text(encoding="utf8")
        raise AssertionError(f"unexpected API call {call}")

    def text_file(self, source: str, output_path=None, md5_checksum=None, exists_ok=True,
                  encoding="utf8"):
        if Path(output_path).exists():  # as the client's own: a cached file is not fetched
            return None
        self.requests.append(source)
        splits = re.search(r"api_splits/get/(\d+)/", source)
        data = re.search(r"data/v1/download/(\d+)/", source)
        name = (f"tasks/{splits.group(1)}/datasplits.arff" if splits
                else f"datasets/{data.group(1)}/dataset.arff")
        shutil.copyfile(self.files / name, output_path)
        return None

    def minio_file(self, source: str, destination, exists_ok=True, proxy="auto") -> None:
        self.requests.append(source)
        name = Path(source).name
        did = re.fullmatch(r"dataset_(\d+)\.pq", name).group(1)
        shutil.copyfile(self.files / "datasets" / did / name, destination)


@pytest.fixture
def server(tmp_path, monkeypatch) -> _FakeServer:
    fake = _FakeServer(build_cache(tmp_path / "server") / SERVER_DIR)
    monkeypatch.setattr(metaautoml.openml_tasks._tasks, "server_unreachable_reason",
                        lambda *args, **kwargs: None)
    monkeypatch.setattr(openml._api_calls, "_perform_api_call", fake.api_call)
    monkeypatch.setattr(openml._api_calls, "_download_text_file", fake.text_file)
    monkeypatch.setattr(openml._api_calls, "_download_minio_file", fake.minio_file)
    return fake


def test_a_file_present_only_as_a_pickle_is_downloaded_and_kept_without_pickles(
        cache_root, marker, private_tmp, server):
    server_dir = cache_root / SERVER_DIR
    _plant_traps(server_dir, BREAST_CANCER_AUC, marker)
    splits = server_dir / "tasks" / "9102" / "datasplits.arff"
    splits.unlink()
    before = _snapshot(cache_root)
    _assert_loaded(load_task(BREAST_CANCER_AUC.task_id, cache_dir=cache_root), BREAST_CANCER_AUC)
    assert not marker.exists()
    assert server.requests == ["https://api.openml.org/api_splits/get/9102/Task_9102_splits.arff"]
    after = _snapshot(cache_root)
    assert after.pop("org/openml/www/tasks/9102/datasplits.arff")[0] == "file"
    assert after == before
    assert list(private_tmp.iterdir()) == []


def test_an_uncached_task_is_downloaded_into_the_cache_and_read_from_it_next_time(tmp_path,
                                                                                  private_tmp,
                                                                                  server):
    root = tmp_path / "empty-cache"
    _assert_loaded(load_task(IRIS_CV.task_id, cache_dir=root), IRIS_CV)
    assert server.requests == ["task/9101", "data/9001", "data/features/9001",
                               "http://openml1.win.tue.nl/datasets/0000/9001/dataset_9001.pq",
                               "https://api.openml.org/api_splits/get/9101/Task_9101_splits.arff"]
    files = {key for key, entry in _snapshot(root).items() if entry[0] != "dir"}
    assert files == {f"org/openml/www/{name}" for name in (
        "tasks/9101/task.xml", "tasks/9101/datasplits.arff", "datasets/9001/description.xml",
        "datasets/9001/features.xml", "datasets/9001/dataset_9001.pq")}
    _assert_loaded(load_task(IRIS_CV.task_id, cache_dir=root), IRIS_CV)
    assert len(server.requests) == 5  # all read from the cache
    assert list(private_tmp.iterdir()) == []


def test_a_task_of_a_cached_dataset_does_not_download_the_data_again(cache_root, server):
    shutil.rmtree(cache_root / SERVER_DIR / "tasks" / "9101")
    _assert_loaded(load_task(IRIS_CV.task_id, cache_dir=cache_root), IRIS_CV)
    assert "task/9101" in server.requests
    assert not any(request.endswith(".pq") for request in server.requests)


def test_a_failed_lookup_deletes_the_mirror_not_the_cache(cache_root, private_tmp, monkeypatch,
                                                          server):
    """The client deletes a task's cache folder when a lookup fails: here, the mirror's."""
    server_dir = cache_root / SERVER_DIR
    (server_dir / "tasks" / "9101" / "datasplits.arff").unlink()
    before = _snapshot(cache_root)

    def refuse(*args, **kwargs):
        raise openml.exceptions.OpenMLServerException("no splits today", code=500)

    monkeypatch.setattr(openml._api_calls, "_download_text_file", refuse)
    with pytest.raises(ValueError, match="OpenML's server cannot give task 9101: .*no splits"):
        load_task(IRIS_CV.task_id, cache_dir=cache_root)
    assert _snapshot(cache_root) == before
    assert list(private_tmp.iterdir()) == []


def test_an_unsupported_task_is_refused_and_its_downloaded_descriptions_kept(tmp_path,
                                                                            private_tmp, server):
    root = tmp_path / "empty-cache"
    with pytest.raises(UnsupportedTaskError, match="9105 is a [Cc]lustering task; metaautoml "
                                                   "runs supervised classification"):
        load_task(IRIS_CLUSTERING.task_id, cache_dir=root)
    files = {key for key, entry in _snapshot(root).items() if entry[0] != "dir"}
    assert files == {"org/openml/www/tasks/9105/task.xml",
                     "org/openml/www/datasets/9001/description.xml"}
    assert list(private_tmp.iterdir()) == []


def test_the_parquet_file_of_an_older_cache_is_read_and_left_as_it_is(cache_root,
                                                                      network_attempts):
    """Older clients kept ``dataset.pq``; the client renames it, here in the mirror only."""
    dataset_dir = cache_root / SERVER_DIR / "datasets" / str(IRIS_CV.dataset.dataset_id)
    (dataset_dir / "dataset_9001.pq").rename(dataset_dir / "dataset.pq")
    before = _snapshot(cache_root)
    _assert_loaded(load_task(IRIS_CV.task_id, cache_dir=cache_root), IRIS_CV)
    assert _snapshot(cache_root) == before
    assert network_attempts == []
