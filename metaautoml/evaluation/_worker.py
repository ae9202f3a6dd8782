"""Entry point of the process that evaluates trials for :class:`~metaautoml.evaluation.TrialRunner`.

Run as ``python -m metaautoml.evaluation._worker READ_FD WRITE_FD MEMORY_LIMIT_MB``. It receives the
dataset once, then configurations one at a time, over pipes private to its parent. Messages are
pickled between a parent and the child it spawned, never read from disk or the network.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection


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
        _limit_memory(memory_mb)
    replies.send(("ready", None))
    while True:
        try:
            kind, payload = requests.recv()
        except EOFError:
            return
        if kind == "stop":
            return
        result = evaluate_config(payload, setup["X"], setup["y"], task=setup["task"],
                                 columns=setup["columns"], splits=setup["splits"],
                                 metrics=metrics, random_state=setup["random_state"])
        replies.send(("result", result.to_dict()))


if __name__ == "__main__":
    main()
