"""Hyperparameter types of the CASH space and their mapping to Optuna distributions and [0, 1]."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)


@dataclass(frozen=True)
class Float:
    """A real hyperparameter on ``[low, high]``, optionally searched on a log scale.

    ``default_for_rows``, for a value relative to the data whose library default is absolute,
    maps a training set's rows to the value that reproduces that default there (clipped to the
    range); ``default`` reproduces it at one reference size.
    """

    name: str
    low: float
    high: float
    default: float
    log: bool = False
    doc: str = ""
    default_for_rows: Callable[[int], float] | None = field(default=None, compare=False,
                                                            repr=False)

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"{self.name}: low must be < high")
        if self.log and self.low <= 0:
            raise ValueError(f"{self.name}: a log-scale range must be positive")
        if not self.low <= self.default <= self.high:
            raise ValueError(f"{self.name}: default {self.default} outside [{self.low}, {self.high}]")

    def distribution(self) -> BaseDistribution:
        return FloatDistribution(self.low, self.high, log=self.log)

    def to_unit(self, value: Any) -> float:
        """Map a value to [0, 1] (log-scaled where the range is)."""
        value = min(max(float(value), self.low), self.high)
        if self.log:
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        u = min(max(float(u), 0.0), 1.0)
        if self.log:
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + u * (self.high - self.low)
        # 12 significant digits: decode(encode(c)) == c despite floating-point log/exp round trips.
        return self.clip(float(f"{value:.12g}"))

    def clip(self, value: Any) -> float:
        return float(min(max(float(value), self.low), self.high))

    def default_at(self, n_rows: int | None) -> float:
        """The default on a training set of ``n_rows`` rows (``default`` when unknown)."""
        if self.default_for_rows is None or n_rows is None or n_rows < 2:
            return self.default
        return self.clip(float(f"{self.default_for_rows(int(n_rows)):.12g}"))

    @property
    def width(self) -> int:
        return 1


@dataclass(frozen=True)
class Int(Float):
    """An integer hyperparameter on ``[low, high]`` (both inclusive)."""

    low: int
    high: int
    default: int

    def distribution(self) -> BaseDistribution:
        return IntDistribution(int(self.low), int(self.high), log=self.log)

    def from_unit(self, u: float) -> int:
        return self.clip(super().from_unit(u))

    def clip(self, value: Any) -> int:
        return int(min(max(int(round(float(value))), self.low), self.high))


@dataclass(frozen=True)
class Categorical:
    """A categorical hyperparameter; choices are JSON scalars (str, bool, int, float, None)."""

    name: str
    choices: tuple
    default: Any
    doc: str = ""

    def __post_init__(self) -> None:
        if self.default not in self.choices:
            raise ValueError(f"{self.name}: default {self.default!r} not among {self.choices}")

    def distribution(self) -> BaseDistribution:
        return CategoricalDistribution(self.choices)

    def one_hot(self, value: Any) -> list[float]:
        if value not in self.choices:
            raise ValueError(f"{self.name}: unknown choice {value!r}; expected one of {list(self.choices)}")
        return [1.0 if value == c else 0.0 for c in self.choices]

    def from_one_hot(self, values) -> Any:
        best = max(range(len(self.choices)), key=lambda i: values[i])
        return self.choices[best]

    def clip(self, value: Any) -> Any:
        if value not in self.choices:
            raise ValueError(f"{self.name}: unknown choice {value!r}; expected one of {list(self.choices)}")
        return value

    @property
    def width(self) -> int:
        return len(self.choices)


Hyperparameter = Float | Int | Categorical
