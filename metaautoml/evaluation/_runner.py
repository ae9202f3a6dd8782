"""Trial execution with a wall-clock limit that really holds.

scikit-learn fits cannot be interrupted from inside Python, and Optuna's ``timeout`` never stops a
running trial. A :class:`TrialRunner` therefore evaluates each configuration in a worker
process it owns; a trial that runs past its limit is killed with its process group and recorded as
timed out, and the next trial gets a fresh worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from ..space import ColumnTypes, Config
from ._cv import FAILED, TIMEOUT, TrialResult, describe_error, evaluate_config, fit_pipeline
from ._metrics import ScorerMetric

#: Seconds a fresh worker may take to import its libraries and receive the dataset.
STARTUP_TIMEOUT = 300.0
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS
        return os.cpu_count() or 1


#: Below this many cells (rows x columns) a trial runs on one thread whatever the CPUs: a fit
#: that small gains little from threads on an idle machine and, on a busy one, OpenMP threads
#: waiting for each other at every split make it many times slower (benchmarks/bench_threads.py).
SMALL_DATA_CELLS = 100_000


def _requested_threads(environ) -> int | None:
    """The ``OMP_NUM_THREADS`` set in ``environ`` as a positive int, else None."""
    try:
        requested = int(environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return requested if requested >= 1 else None


def free_cpus() -> float | None:
    """CPUs of this machine not busy over the last minute (``os.cpu_count()`` less the 1-minute
    load average), or None where the OS does not report a load average."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - not Unix
        return None
    return max(0.0, (os.cpu_count() or 1) - load)


def default_n_threads(n_workers: int = 1, n_cells: int | None = None) -> int:
    """OpenMP/BLAS threads for each of ``n_workers`` concurrent trials on data of ``n_cells``.

    In order:

    1. An ``OMP_NUM_THREADS`` set in the environment is used, capped at the worker's share of
       the CPUs: the user (or a job scheduler) has said how many threads this process may use.
    2. Data under :data:`SMALL_DATA_CELLS` cells (rows x columns, when ``n_cells`` is given) gets
       one thread.
    3. Otherwise each worker gets its share of the CPUs that are free now (CPUs less the
       1-minute load average, rounded to the nearest whole CPU), at least one.

    OpenMP threads on cores that other processes keep busy wait for each other at every parallel
    region: on a busy 2-core machine, HistGradientBoosting trials on every CPU took from twice to
    over a hundred times as long as on one thread (a whole ``fit``: 7 times), while on an idle
    one a second thread saved at most about a fifth (docs/performance.md). The load average
    trails by a minute and counts this process's own recent trials: the policy errs toward one
    thread, which costs at most that fifth.
    """
    n_workers = max(1, int(n_workers))
    cpus = available_cpus()
    share = max(1, cpus // n_workers)
    requested = _requested_threads(os.environ)
    if requested is not None:
        return min(share, requested)
    if n_cells is not None and n_cells < SMALL_DATA_CELLS:
        return 1
    free = free_cpus()
    if free is None:
        return share
    return max(1, min(share, int(free + 0.5) // n_workers))


def worker_thread_env(n_threads: int, environ=None,
                      wait_policy: str | None = "PASSIVE") -> dict[str, str]:
    """Variables to set for a trial worker process that may use ``n_threads`` threads.

    The thread-count variables of OpenMP and the BLAS libraries, and ``OMP_WAIT_POLICY`` set to
    ``wait_policy`` unless ``environ`` (default ``os.environ``) sets it or ``wait_policy`` is
    None. With ``PASSIVE`` OpenMP threads sleep, rather than spin, while they wait, which leaves
    the CPU to the threads being waited for when other processes share the cores. libgomp reads
    the policy when it loads, hence only for workers.
    """
    environ = os.environ if environ is None else environ
    env = {variable: str(n_threads) for variable in _THREAD_VARIABLES}
    if wait_policy is not None and "OMP_WAIT_POLICY" not in environ:
        env["OMP_WAIT_POLICY"] = wait_policy
    return env


class RefitError(RuntimeError):
    """A configuration that could not be fitted on all the data (its message says why)."""


class WorkerStartError(RuntimeError):
    """The trial worker process could not be started (an environment problem, not a trial's)."""


class TrialRunner:
    """Evaluates configurations on one dataset, optionally isolated with time and memory limits.

    Parameters
    ----------
    X : DataFrame
    y : ndarray
        Integer class codes for classification.
    task : {"classification", "regression"}
    columns : ColumnTypes
    splits : list of (train, test) index arrays
    metrics : list of Metric or ScorerMetric
        The first is primary. Custom scorers must be picklable when ``isolate`` is true.
    random_state : int or None
    isolate : bool
        Run trials in a worker process. Required for time and memory limits.
    n_threads : int or None
        OpenMP/BLAS threads a trial may use; None: ``default_n_threads(1, n_cells=X.size)``.
    memory_limit_mb : int or None
        Address-space limit of the worker; a trial exceeding it fails with a MemoryError.
    omp_wait_policy : str or None, default="PASSIVE"
        ``OMP_WAIT_POLICY`` of the worker process where the environment sets none; None leaves
        OpenMP's own default (spin a while, then sleep). OpenMP reads it when it loads, so
        trials run in this process (``isolate=False``) keep this process's policy.
    keep_predictions : bool, default=False
        Completed trials' results carry their out-of-fold predictions
        (:attr:`~metaautoml.evaluation.TrialResult.predictions`).
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Row weights of every fit (the model's ``sample_weight``) and score.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from metaautoml.evaluation import TrialRunner, make_splits, get_metric
    >>> from metaautoml.space import ColumnTypes, get_space
    >>> X, y = load_iris(return_X_y=True, as_frame=True)
    >>> splits = make_splits(y.to_numpy(), "classification", cv=3)
    >>> with TrialRunner(X, y.to_numpy(), task="classification", columns=ColumnTypes.infer(X),
    ...                  splits=splits, metrics=[get_metric("accuracy", "classification")]) as runner:
    ...     result = runner.evaluate(get_space("classification").default_config("knn"), time_limit=60)
    >>> result.state, result.scores["accuracy"] > 0.9
    ('complete', True)
    """

    def __init__(self, X: pd.DataFrame, y: np.ndarray, *, task: str, columns: ColumnTypes,
                 splits, metrics: list, random_state: int | None = 0, isolate: bool = True,
                 n_threads: int | None = None, memory_limit_mb: int | None = None,
                 omp_wait_policy: str | None = "PASSIVE", keep_predictions: bool = False,
                 sample_weight: np.ndarray | None = None):
        self.X, self.y, self.task, self.columns = X, np.asarray(y), task, columns
        self.splits, self.metrics, self.random_state = splits, list(metrics), random_state
        self.isolate = isolate
        self.n_threads = n_threads or default_n_threads(1, n_cells=int(np.prod(X.shape)))
        self.memory_limit_mb = memory_limit_mb
        self.omp_wait_policy = omp_wait_policy
        self.keep_predictions = keep_predictions
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight, float)
        self._process: subprocess.Popen | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._stderr = None
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None

    def __enter__(self) -> TrialRunner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - best effort at interpreter exit
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    def start(self) -> None:
        """Start the isolated worker process in the background and return at once.

        A fresh worker imports scikit-learn and receives the dataset: seconds on a busy
        machine, which the first trial would otherwise wait for inside the search's time
        budget. Started early, that overlaps the caller's own work (the estimators extract
        meta-features and plan the warm start meanwhile). The next :meth:`evaluate` or
        :meth:`refit` waits for the start to finish and raises its :class:`WorkerStartError`,
        if any. Does nothing when ``isolate`` is false or a worker is running or starting.
        """
        if not self.isolate or self._starting is not None or (
                self._process is not None and self._process.poll() is None):
            return
        self._starting = threading.Thread(target=self._start_in_background,
                                          name="metaautoml-worker-start", daemon=True)
        self._starting.start()

    def _start_in_background(self) -> None:
        try:
            self._ensure_worker()
        except BaseException as exc:  # noqa: BLE001 -- re-raised where the runner is used
            self._start_error = exc

    def _await_start(self) -> None:
        """Wait for a :meth:`start` in progress; raise what it raised."""
        starting, self._starting = self._starting, None
        if starting is None:
            return
        starting.join()
        error, self._start_error = self._start_error, None
        if error is not None:
            raise error

    def evaluate(self, config: Config, time_limit: float | None = None) -> TrialResult:
        """Evaluate one configuration; never raises for model errors, hangs or crashes.

        Raises
        ------
        WorkerStartError
            When the isolated worker process cannot be started at all.
        """
        if not self.isolate:
            with threadpool_limits(self.n_threads):
                return evaluate_config(config, self.X, self.y, task=self.task, columns=self.columns,
                                       splits=self.splits, metrics=self.metrics,
                                       random_state=self.random_state,
                                       keep_predictions=self.keep_predictions,
                                       sample_weight=self.sample_weight)
        # A worker that cannot start is an environment fault, not a property of the
        # configuration: it raises WorkerStartError rather than being recorded as a failed trial.
        self._await_start()
        self._ensure_worker()
        start = time.perf_counter()
        self._requests.send(("eval", config))
        limit = None if time_limit is None else max(0.0, float(time_limit))
        if not self._replies.poll(limit):
            self._kill()
            return TrialResult(TIMEOUT, duration=time.perf_counter() - start,
                               error=f"exceeded the per-trial time limit of {limit:.1f} s")
        try:
            kind, payload = self._replies.recv()
        except (EOFError, OSError):
            reason = self._death_reason()
            self._kill()
            return TrialResult(FAILED, duration=time.perf_counter() - start, error=reason)
        return TrialResult(**payload)

    def refit(self, config: Config, time_limit: float | None = None):
        """Fit ``config``'s pipeline on all of ``X`` and return it.

        Isolated, the fit runs in the worker process under its memory limit and ``time_limit``
        and the fitted pipeline comes back through the pipe; otherwise it runs here.

        Raises
        ------
        RefitError
            When the fit raises, runs past ``time_limit`` or kills the worker; the message
            says which.
        WorkerStartError
            When the isolated worker process cannot be started at all.
        """
        if not self.isolate:
            with threadpool_limits(self.n_threads):
                try:
                    return fit_pipeline(config, self.X, self.y, task=self.task,
                                        columns=self.columns, random_state=self.random_state,
                                        sample_weight=self.sample_weight)
                except Exception as exc:  # noqa: BLE001 - any model error is the refit's failure
                    raise RefitError(describe_error(exc)) from exc
        self._await_start()
        self._ensure_worker()
        self._requests.send(("fit", config))
        limit = None if time_limit is None else max(0.0, float(time_limit))
        if not self._replies.poll(limit):
            self._kill()
            raise RefitError(f"the refit exceeded the time limit of {limit:.1f} s")
        try:
            kind, payload = self._replies.recv()
        except (EOFError, OSError):
            reason = self._death_reason()
            self._kill()
            raise RefitError(reason) from None
        if kind == "error":
            raise RefitError(payload)
        return payload

    def close(self) -> None:
        """Stop the worker process, if any (one still starting too)."""
        try:
            self._await_start()
        except Exception:  # noqa: BLE001 -- a failed start leaves nothing running to stop
            pass
        # Killed, not asked to stop: the worker holds nothing to save, and an orderly exit
        # (the interpreter tearing down scikit-learn and the dataset) is time the caller of a
        # time-budgeted fit waited for after its search had ended.
        self._kill()

    # -- worker management ------------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        env = dict(os.environ)
        env.update(worker_thread_env(self.n_threads, wait_policy=self.omp_wait_policy))
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "metaautoml.evaluation._worker", str(child_read),
             str(child_write), str(self.memory_limit_mb or 0)],
            pass_fds=(child_read, child_write), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._stderr, env=env, start_new_session=True,
        )
        os.close(child_read)
        os.close(child_write)
        self._requests = Connection(parent_write, readable=False)
        self._replies = Connection(parent_read, writable=False)
        metrics = [m if isinstance(m, ScorerMetric) else m.name for m in self.metrics]
        try:
            self._requests.send({"X": self.X, "y": self.y, "task": self.task,
                                 "columns": self.columns, "splits": self.splits,
                                 "metrics": metrics, "random_state": self.random_state,
                                 "keep_predictions": self.keep_predictions,
                                 "sample_weight": self.sample_weight})
            if not self._replies.poll(STARTUP_TIMEOUT):
                raise RuntimeError(f"the trial worker did not start within {STARTUP_TIMEOUT:.0f} s")
            kind, payload = self._replies.recv()
            if kind == "error":  # a setting the worker cannot run under, e.g. too little memory
                raise RuntimeError(payload)
        except (EOFError, OSError, RuntimeError) as exc:
            reason = str(exc) if isinstance(exc, RuntimeError) else self._death_reason()
            self._kill()
            raise WorkerStartError(f"could not start the trial worker: {reason}") from None

    def _death_reason(self) -> str:
        code = self._process.wait(timeout=5) if self._process is not None else None
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            hint = " (killed, likely out of memory)" if -code == signal.SIGKILL else ""
            return f"the trial's worker process died with {name}{hint}"
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            lines = self._stderr.read().decode(errors="replace").strip().splitlines()
            tail = f": {lines[-1]}" if lines else ""
        return f"the trial's worker process exited with code {code}{tail}"

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                try:
                    os.killpg(self._process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    self._process.kill()
                self._process.wait()
            self._process = None
        for conn in (self._requests, self._replies):
            if conn is not None:
                conn.close()
        self._requests = self._replies = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
