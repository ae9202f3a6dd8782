"""The out-of-fold predictions of a search's trials, kept within a memory bound."""

from __future__ import annotations

import threading

import numpy as np

#: Megabytes of out-of-fold predictions a search keeps by default. A trial's predictions take
#: ``4 * n_samples * n_classes`` bytes (``4 * n_samples`` for regression): 100 trials on 50,000
#: rows of 10 classes take 200 MB.
DEFAULT_MAX_PREDICTION_MB = 512.0


class PredictionStore:
    """The out-of-fold predictions of the best-scoring trials, at most ``max_mb`` megabytes.

    :func:`~metaautoml.search.run_search` adds each completed trial's predictions (from a
    runner with ``keep_predictions``). Once the next one would exceed the bound, it replaces
    the lowest-scoring predictions kept, if it scores higher, else it is not kept: the bound
    holds, and what it costs is the worst candidates of the ensemble. Safe to add to from
    several threads.

    Parameters
    ----------
    max_mb : float, default=DEFAULT_MAX_PREDICTION_MB
        Megabytes of predictions to keep at most.

    Attributes
    ----------
    n_dropped : int
        Trials whose predictions were dropped, or not kept, to stay within ``max_mb``.

    Examples
    --------
    >>> import numpy as np
    >>> from metaautoml.ensemble import PredictionStore
    >>> store = PredictionStore(max_mb=8 / 2**20)  # room for two predictions of one float32
    >>> for number, score in enumerate([0.5, 0.7, 0.6]):
    ...     store.add(number, score, np.zeros(1, dtype=np.float32))
    >>> sorted(store.predictions()), store.n_dropped
    ([1, 2], 1)
    """

    def __init__(self, max_mb: float = DEFAULT_MAX_PREDICTION_MB):
        if not max_mb > 0:
            raise ValueError(f"max_mb must be positive, got {max_mb!r}")
        self.max_bytes = float(max_mb) * 2**20
        self.n_dropped = 0
        self._kept: dict[int, tuple[float, np.ndarray]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def add(self, number: int, score: float, predictions: np.ndarray) -> None:
        """Keep trial ``number``'s out-of-fold ``predictions``, which scored ``score``."""
        predictions = np.asarray(predictions, dtype=np.float32)
        size = predictions.nbytes
        with self._lock:
            while self._bytes + size > self.max_bytes and self._kept:
                worst = min(self._kept, key=lambda n: (self._kept[n][0], -n))
                if self._kept[worst][0] >= score:
                    self.n_dropped += 1
                    return
                self._bytes -= self._kept.pop(worst)[1].nbytes
                self.n_dropped += 1
            if size > self.max_bytes:
                self.n_dropped += 1
                return
            self._kept[int(number)] = (float(score), predictions)
            self._bytes += size

    def predictions(self) -> dict[int, np.ndarray]:
        """Trial number to out-of-fold predictions, for every trial kept."""
        with self._lock:
            return {number: kept[1] for number, kept in self._kept.items()}

    def scores(self) -> dict[int, float]:
        """Trial number to its cross-validated score, for every trial kept."""
        with self._lock:
            return {number: kept[0] for number, kept in self._kept.items()}
