"""Entry point of the process that evaluates trials for :class:`~metaautoml.evaluation.TrialRunner`.

Run as ``python -m metaautoml.evaluation._worker READ_FD WRITE_FD MEMORY_LIMIT_MB``. It receives the
dataset once, then configurations one at a time, over pipes private to its parent. Messages are
pickled between a parent and the child it spawned, never read from disk or the network.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

#: Address space a trial needs beyond the worker's own before any model can be fitted.
_MIN_HEADROOM_MB = 64


def _address_space_mb() -> int | None:
    """This process's address space (what ``RLIMIT_AS`` bounds) in MB, where /proc tells."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:  # pragma: no cover - not Linux
        return None
    return None


def _limit_memory(megabytes: int) -> None:
    import resource

    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd, memory_mb = int(argv[0]), int(argv[1]), int(argv[2])
    requests = Connection(read_fd, writable=False)
    replies = Connection(write_fd, readable=False)

    from ._cv import evaluate_config
    from ._metrics import ScorerMetric, get_metric

    setup = requests.recv()
    # The runner sends built-in metrics by name and custom scorers as pickled ScorerMetrics.
    metrics = [m if isinstance(m, ScorerMetric) else get_metric(m, setup["task"])
               for m in setup["metrics"]]
    if memory_mb > 0:
        # Set after the imports and the dataset are in, so the limit bounds the model alone.
        used = _address_space_mb()
        if used is not None and memory_mb < used + _MIN_HEADROOM_MB:
            replies.send(("error", f"memory_limit_mb={memory_mb} is below what the trial worker "
                                   f"already uses with its libraries and the data ({used} MB of "
                                   f"address space); give it at least {used + _MIN_HEADROOM_MB}"))
            return
        _limit_memory(memory_mb)
    replies.send(("ready", None))
    while True:
        try:
            kind, payload = requests.recv()
        except EOFError:  # the runner closed its end; it kills an idle worker anyway
            return
        if kind == "fit":
            replies.send(_refit(payload, setup, memory_mb))
            continue
        result = evaluate_config(payload, setup["X"], setup["y"], task=setup["task"],
                                 columns=setup["columns"], splits=setup["splits"],
                                 metrics=metrics, random_state=setup["random_state"],
                                 memory_limit_mb=memory_mb or None,
                                 keep_predictions=setup.get("keep_predictions", False),
                                 sample_weight=setup.get("sample_weight"))
        replies.send(("result", result.to_dict()))


def _refit(config, setup: dict, memory_mb: int) -> tuple:
    """``("pipeline", fitted)`` or ``("error", reason)`` for a refit on all the data."""
    from ._cv import describe_error, fit_pipeline

    try:
        return ("pipeline", fit_pipeline(config, setup["X"], setup["y"], task=setup["task"],
                                         columns=setup["columns"],
                                         random_state=setup["random_state"],
                                         sample_weight=setup.get("sample_weight")))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which falls back
        return ("error", describe_error(exc, memory_limit_mb=memory_mb or None))


if __name__ == "__main__":
    main()
