"""Parameter constraints, declared once per estimator class, scikit-learn style.

An estimator lists, in ``_parameter_constraints``, what each ``__init__`` parameter accepts;
:func:`validate_params` checks them all before ``fit`` touches the data and raises a one-line
``ValueError`` naming the parameter, what it accepts and the value it got. (scikit-learn's own
machinery lives in a private module and lets ``True`` pass as an integer; a count of trials
given as ``True`` is a mistake worth naming.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np


@dataclass(frozen=True)
class Constraint:
    """What one parameter may be: ``accepts(value)`` and a description for the message."""

    description: str
    accepts: Callable[[object], bool]


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def integer(low: int, description: str | None = None) -> Constraint:
    """An integer (not a bool) at least ``low``."""
    text = description or ("a positive integer" if low == 1 else f"an integer >= {low}")
    return Constraint(text, lambda v: _is_int(v) and v >= low)


def positive_number(unit: str = "") -> Constraint:
    """A finite real number above 0 (not a bool)."""
    return Constraint(f"a positive number{f' of {unit}' if unit else ''}",
                      lambda v: _is_number(v) and bool(np.isfinite(v)) and v > 0)


def literal(value: object, description: str | None = None) -> Constraint:
    """Exactly ``value`` (and not ``True`` for ``1``)."""
    return Constraint(description or repr(value),
                      lambda v: type(v) is type(value) and v == value)


def instance_of(*types: type, description: str) -> Constraint:
    return Constraint(description, lambda v: isinstance(v, types))


#: ``None``; listed last in a message ("... or None").
NONE = Constraint("None", lambda v: v is None)
BOOLEAN = Constraint("a bool", lambda v: isinstance(v, (bool, np.bool_)))
CALLABLE = Constraint("a callable", callable)


def check_params(owner: str, params: Mapping[str, object],
                 constraints: Mapping[str, Sequence[Constraint]]) -> None:
    """Raise ``ValueError`` for the first parameter that satisfies none of its constraints.

    ``owner`` names the class for a parameter without constraints, which is a bug of the class.
    """
    for name, value in params.items():
        if name not in constraints:
            raise RuntimeError(f"{owner} declares no constraint for its parameter {name!r}")
        allowed = constraints[name]
        if any(constraint.accepts(value) for constraint in allowed):
            continue
        descriptions = [c.description for c in allowed]
        text = descriptions[0] if len(descriptions) == 1 else (
            ", ".join(descriptions[:-1]) + " or " + descriptions[-1])
        raise ValueError(f"{name} must be {text}, got {value!r}")


def validate_params(estimator) -> None:
    """Check ``estimator.get_params(deep=False)`` against its class's ``_parameter_constraints``."""
    check_params(type(estimator).__name__, estimator.get_params(deep=False),
                 type(estimator)._parameter_constraints)
