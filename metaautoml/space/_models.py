"""Small scikit-learn estimators the space needs that scikit-learn does not provide as such."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import PowerTransformer
from sklearn.svm import SVC, SVR
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def _scale_gamma(X) -> float:
    """scikit-learn's ``gamma="scale"`` heuristic: 1 / (n_features * X.var())."""
    X = np.asarray(X, dtype=np.float64)
    variance = X.var()
    return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0


class RelativeGammaSVC(ClassifierMixin, BaseEstimator):
    """RBF-kernel SVC with sigmoid-calibrated probabilities and a data-relative ``gamma``.

    ``gamma`` is ``gamma_scale`` times scikit-learn's ``"scale"`` value, so a configuration means
    the same on every dataset (``gamma_scale=1`` is scikit-learn's default). Probabilities come
    from ``CalibratedClassifierCV(ensemble=False)`` with at most 3 folds, fewer when the smallest
    class is smaller, replacing the ``SVC(probability=True)`` deprecated in scikit-learn 1.9.

    Parameters
    ----------
    C : float
        Inverse regularization strength.
    gamma_scale : float
        Multiple of the ``"scale"`` heuristic ``1 / (n_features * X.var())``.
    class_weight : None or "balanced"
    random_state : int or None
        Seeds the calibration folds.
    """

    def __init__(self, C=1.0, gamma_scale=1.0, class_weight=None, random_state=None):
        self.C = C
        self.gamma_scale = gamma_scale
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        svc = SVC(C=self.C, kernel="rbf", gamma=self.gamma_scale * _scale_gamma(X),
                  class_weight=self.class_weight)
        _, counts = np.unique(y, return_counts=True)
        n_folds = int(min(3, counts.min()))
        if n_folds >= 2:
            cv = StratifiedKFold(n_folds, shuffle=True, random_state=self.random_state)
            self.calibrated_ = CalibratedClassifierCV(svc, method="sigmoid", cv=cv, ensemble=False)
        else:
            # A singleton class leaves no held-out data: calibrate on the training fit itself.
            self.calibrated_ = CalibratedClassifierCV(
                FrozenEstimator(svc.fit(X, y, sample_weight=sample_weight)), method="sigmoid")
        self.calibrated_.fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.calibrated_.classes_
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.calibrated_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RelativeGammaSVR(SVR):
    """RBF-kernel SVR whose ``gamma`` is ``gamma_scale`` times scikit-learn's ``"scale"`` value."""

    def __init__(self, *, C=1.0, gamma_scale=1.0, epsilon=0.1, tol=1e-3, cache_size=200,
                 max_iter=-1):
        super().__init__(C=C, kernel="rbf", gamma="scale", epsilon=epsilon, tol=tol,
                         cache_size=cache_size, max_iter=max_iter)
        self.gamma_scale = gamma_scale

    def fit(self, X, y, sample_weight=None):
        # ``gamma`` is not a parameter of this class: it is derived from gamma_scale at fit time.
        self.gamma = self.gamma_scale * _scale_gamma(X)
        return super().fit(X, y, sample_weight=sample_weight)


def _signed_log1p(y):
    return np.sign(y) * np.log1p(np.abs(y))


def _signed_expm1(z):
    return np.sign(z) * np.expm1(np.abs(z))


class TargetTransformer(TransformerMixin, BaseEstimator):
    """The target transform of a regression configuration, for ``TransformedTargetRegressor``.

    ``"log1p"`` is ``sign(y) * log1p(|y|)``: ``log1p`` for a non-negative target (counts, prices,
    durations), and defined for any target, so that the search space stays the same for every
    dataset. ``"yeo_johnson"`` is scikit-learn's standardized Yeo-Johnson power transform, its
    lambda fitted on the training target.

    Predictions are mapped back after clipping them to the transformed training targets' range
    widened by half its width on each side (to the range itself where the inverse is not finite
    there): a model that extrapolates in the transformed space (an MLP, an SVR) would otherwise
    send an exponential or a power inverse to infinity or NaN.

    Parameters
    ----------
    kind : {"log1p", "yeo_johnson"}
    """

    def __init__(self, kind: str = "log1p"):
        self.kind = kind

    def _forward(self, y):
        if self.kind == "log1p":
            return _signed_log1p(y)
        return self.power_.transform(y)

    def fit(self, y, _=None):
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if self.kind not in ("log1p", "yeo_johnson"):
            raise ValueError(f"kind must be 'log1p' or 'yeo_johnson', got {self.kind!r}")
        if self.kind == "yeo_johnson":
            self.power_ = PowerTransformer(method="yeo-johnson", standardize=True).fit(y)
        z = self._forward(y)
        low, high = np.nanmin(z, axis=0), np.nanmax(z, axis=0)
        margin = 0.5 * (high - low)
        self.observed_ = (low, high)
        self.bounds_ = (low - margin, high + margin)
        return self

    def transform(self, y):
        check_is_fitted(self, "bounds_")
        return self._forward(np.asarray(y, dtype=np.float64).reshape(len(y), -1))

    def _inverse(self, z):
        if self.kind == "log1p":
            return _signed_expm1(z)
        with np.errstate(invalid="ignore", over="ignore"):
            return self.power_.inverse_transform(z)

    def inverse_transform(self, z):
        check_is_fitted(self, "bounds_")
        z = np.asarray(z, dtype=np.float64).reshape(len(z), -1)
        y = self._inverse(np.clip(z, *self.bounds_))
        bad = ~np.isfinite(y)
        if bad.any():
            # A negative Yeo-Johnson lambda has a finite inverse only below a bound, which the
            # widened range can pass: such predictions fall back to the observed range.
            y[bad] = self._inverse(np.clip(z, *self.observed_))[bad]
        return y
