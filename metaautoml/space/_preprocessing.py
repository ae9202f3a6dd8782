"""Column typing and the per-family preprocessing that feeds each model.

Three recipes, chosen by a family's needs:

* ``"native"`` -- HistGradientBoosting: numeric columns pass through (it handles NaN itself),
  categoricals are ordinal-encoded and declared categorical to the model.
* ``"ordinal"`` -- other tree ensembles: median imputation with missing-value indicators,
  ordinal-encoded categoricals (unknown and missing categories become -1).
* ``"scaled"`` -- distance, kernel, linear and neural models: median imputation with indicators and
  standardization for numeric columns; one-hot encoding with infrequent categories grouped
  and unknown categories ignored for categoricals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

#: HistGradientBoosting bins categories into at most 255 bins; rarer ones are grouped beyond this.
MAX_ORDINAL_CATEGORIES = 250
#: One-hot width cap per categorical column, so a 10,000-level column cannot explode the design.
MAX_ONEHOT_CATEGORIES = 30

#: The preprocessing recipes :func:`make_preprocessor` builds, one of which each family names.
RECIPES = ("native", "ordinal", "scaled")


@dataclass(frozen=True)
class ColumnTypes:
    """Which columns of a DataFrame are numeric and which are categorical."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def n_columns(self) -> int:
        return len(self.numeric) + len(self.categorical)

    @classmethod
    def infer(cls, X: pd.DataFrame) -> ColumnTypes:
        """Numeric dtypes are numeric; category, object, string and bool columns are categorical.

        Raises
        ------
        TypeError
            For dtypes no recipe handles (datetimes, timedeltas, complex numbers).
        """
        numeric, categorical = [], []
        for name, dtype in X.dtypes.items():
            if pd.api.types.is_bool_dtype(dtype):
                categorical.append(name)
            elif pd.api.types.is_complex_dtype(dtype):
                raise TypeError(f"column {name!r} has complex values, which are not supported")
            elif pd.api.types.is_numeric_dtype(dtype):
                numeric.append(name)
            elif isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
                categorical.append(name)
            else:
                raise TypeError(
                    f"column {name!r} has unsupported dtype {dtype}; convert datetimes and "
                    "timedeltas to numbers first"
                )
        return cls(tuple(numeric), tuple(categorical))


def _categories_as_strings(X) -> np.ndarray:
    """Categorical columns as an object array of strings, missing values as NaN, so that
    mixed-type object columns encode cleanly.

    Built column by column on NumPy arrays: it runs on every fold's fit and predict, and on a
    table of a few hundred rows with dozens of categorical columns pandas' frame-wide
    ``astype(object)``/``where`` took a third of a gradient-boosting trial
    (``benchmarks/trial_cost.py``). An array also lets the encoders check their input once
    instead of once per column.
    """
    frame = pd.DataFrame(X)
    out = np.empty(frame.shape, dtype=object)
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # Code -1 (missing) picks the trailing NaN.
            labels = np.array([str(c) for c in column.cat.categories] + [np.nan], dtype=object)
            out[:, j] = labels[column.cat.codes.to_numpy()]
            continue
        values = column.to_numpy(dtype=object)
        missing = pd.isna(values)
        # Not values.astype(str): NumPy's fixed-width strings drop trailing NUL characters, so
        # "\x00" would become "" and merge with the empty string's category.
        strings = np.fromiter((v if type(v) is str else str(v) for v in values), dtype=object,
                              count=len(values))
        strings[missing] = np.nan
        out[:, j] = strings
    return out


def _as_float(X):
    return np.asarray(X, dtype=np.float64)


class EmptyColumnsAsZero(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Numeric columns entirely missing when fitted become 0; everything else passes through.

    HistGradientBoosting's binning fails on a column without a single value ("window shape
    cannot be larger than input array shape", scikit-learn 1.9) -- a column that is empty in the
    data or in one training fold. Such a column carries nothing to split on; as a constant it is
    ignored by the model, and the other columns keep their missing values for it to handle.
    """

    def fit(self, X, y=None):
        X = _as_float(X)
        self.n_features_in_ = X.shape[1]
        self.empty_ = np.isnan(X).all(axis=0)
        return self

    def transform(self, X):
        X = _as_float(X)
        if self.empty_.any():
            X = X.copy()
            X[:, self.empty_] = 0.0
        return X


def make_preprocessor(recipe: str, columns: ColumnTypes) -> ColumnTransformer:
    """Build the ColumnTransformer of one recipe; numeric columns come first in its output."""
    to_str = FunctionTransformer(_categories_as_strings, feature_names_out="one-to-one")
    to_float = FunctionTransformer(_as_float, feature_names_out="one-to-one")
    if recipe == "native":
        numeric = Pipeline([("float", to_float), ("empty", EmptyColumnsAsZero())])
        categorical = Pipeline([
            ("str", to_str),
            ("encode", OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=np.nan,
                encoded_missing_value=np.nan, max_categories=MAX_ORDINAL_CATEGORIES,
            )),
        ])
    elif recipe == "ordinal":
        numeric = Pipeline([("float", to_float), ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True))])
        categorical = Pipeline([
            ("str", to_str),
            ("encode", OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=-1,
                encoded_missing_value=-1, max_categories=MAX_ORDINAL_CATEGORIES,
            )),
        ])
    elif recipe == "scaled":
        numeric = Pipeline([
            ("float", to_float),
            ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
            ("scale", StandardScaler()),
        ])
        categorical = Pipeline([
            ("str", to_str),
            ("impute", SimpleImputer(strategy="constant", fill_value="__missing__", keep_empty_features=True)),
            ("encode", OneHotEncoder(
                handle_unknown="infrequent_if_exist", max_categories=MAX_ONEHOT_CATEGORIES,
                sparse_output=False,
            )),
        ])
    else:
        raise ValueError(f"unknown preprocessing recipe {recipe!r}")
    transformers = []
    if columns.numeric:
        transformers.append(("numeric", numeric, list(columns.numeric)))
    if columns.categorical:
        transformers.append(("categorical", categorical, list(columns.categorical)))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=False)


def categorical_mask(columns: ColumnTypes) -> list[bool] | None:
    """The ``categorical_features`` mask of HistGradientBoosting after the "native" recipe."""
    if not columns.categorical:
        return None
    return [False] * len(columns.numeric) + [True] * len(columns.categorical)
