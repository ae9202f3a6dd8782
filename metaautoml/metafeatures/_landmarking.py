"""Landmarking meta-features: cross-validated scores of cheap learners.

All learners share one stratified (classification) or shuffled (regression) 5-fold split of a
row sample of at most :data:`LANDMARK_MAX_ROWS` rows, and each score is computed from the pooled
out-of-fold predictions (accuracy, or R² against the sample's mean), which stays defined when a
fold misses a class.

1-NN, Gaussian naive Bayes, LDA and least squares are written in NumPy and vectorized across
folds or classes: 1-NN masks same-fold pairs of one distance matrix instead of refitting per
fold, and these closed-form learners are a few matrix products where scikit-learn's estimators
spend most of their time on input validation at this data size. The trees use scikit-learn;
the stump is read off the root of the deeper tree instead of being fitted separately.
"""

from __future__ import annotations

import numpy as np
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from ._data import LANDMARK_MAX_ROWS, Dataset, stratified_sample

N_FOLDS = 5
#: Below this many rows a 5-fold score rests on one or two test rows per fold: report NaN.
MIN_ROWS = 10
TREE_DEPTH = 3

CLASSIFICATION_NAMES = ("lm_1nn_acc", "lm_stump_acc", "lm_tree_acc", "lm_naive_bayes_acc", "lm_lda_acc")
REGRESSION_NAMES = ("lm_1nn_r2", "lm_stump_r2", "lm_tree_r2", "lm_linear_r2")


def assign_folds(y_codes: np.ndarray | None, n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """Fold index of each row; stratified when class codes are given.

    Rows are shuffled, grouped by class (stable sort) and dealt round-robin, so every class is
    spread over the folds as evenly as its size allows and classes with fewer rows than folds
    need no special case (unlike scikit-learn's ``StratifiedKFold``, which warns).
    """
    order = rng.permutation(n_rows)
    if y_codes is not None:
        order = order[np.argsort(y_codes[order], kind="stable")]
    folds = np.empty(n_rows, dtype=np.intp)
    folds[order] = np.arange(n_rows) % N_FOLDS
    return folds


def one_nn_predict(Z: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Out-of-fold 1-NN predictions: the target of the nearest row in another fold."""
    sq_norms = (Z * Z).sum(axis=1)
    distances = sq_norms[:, None] + sq_norms[None, :] - 2.0 * (Z @ Z.T)
    distances[folds[:, None] == folds[None, :]] = np.inf
    return y[np.argmin(distances, axis=1)]


def _class_stats(Z: np.ndarray, onehot: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = onehot.sum(axis=0)
    present = np.flatnonzero(counts > 0)
    counts = counts[present]
    means = (onehot[:, present].T @ Z) / counts[:, None]
    return present, counts, means


def naive_bayes_predict(Z: np.ndarray, y: np.ndarray, folds: np.ndarray, n_classes: int) -> np.ndarray:
    """Out-of-fold predictions of Gaussian naive Bayes as scikit-learn's ``GaussianNB`` fits it.

    Per-class means and (biased) variances, variances smoothed by ``1e-9`` times the largest
    feature variance, empirical class priors.
    """
    onehot = np.eye(n_classes)[y]
    predictions = np.empty_like(y)
    for fold in range(N_FOLDS):
        test = folds == fold
        train = ~test
        Zt, Ot = Z[train], onehot[train]
        present, counts, means = _class_stats(Zt, Ot)
        variances = np.maximum((Ot[:, present].T @ (Zt * Zt)) / counts[:, None] - means**2, 0.0)
        variances += 1e-9 * Zt.var(axis=0).max()
        precision = 1.0 / variances
        Xq = Z[test]
        # sum_j (x_j - mu_cj)^2 / var_cj, expanded into matrix products over all classes at once.
        mahalanobis = (Xq * Xq) @ precision.T - 2.0 * Xq @ (means * precision).T + (means**2 * precision).sum(axis=1)
        log_likelihood = (np.log(counts / counts.sum()) - 0.5 * np.log(2.0 * np.pi * variances).sum(axis=1)
                          - 0.5 * mahalanobis)
        predictions[test] = present[np.argmax(log_likelihood, axis=1)]
    return predictions


def lda_predict(Z: np.ndarray, y: np.ndarray, folds: np.ndarray, n_classes: int) -> np.ndarray:
    """Out-of-fold predictions of linear discriminant analysis.

    Class means, the pooled within-class covariance (divided by ``n - n_classes``) and empirical
    priors; the covariance is inverted on its numerical range (eigenvalues above 1e-10 of the
    largest), which handles collinear one-hot columns the way a pseudo-inverse does.
    """
    onehot = np.eye(n_classes)[y]
    predictions = np.empty_like(y)
    for fold in range(N_FOLDS):
        test = folds == fold
        train = ~test
        Zt = Z[train]
        present, counts, means = _class_stats(Zt, onehot[train])
        scatter = Zt.T @ Zt - (means * counts[:, None]).T @ means
        dof = Zt.shape[0] - present.shape[0]
        covariance = scatter / (dof if dof > 0 else Zt.shape[0])
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        usable = eigenvalues > 1e-10 * max(eigenvalues[-1], 0.0)
        if usable.any():
            basis = eigenvectors[:, usable] / np.sqrt(eigenvalues[usable])
            coef = (means @ basis) @ basis.T
        else:  # no within-class variance at all: only the priors discriminate
            coef = np.zeros_like(means)
        intercept = np.log(counts / counts.sum()) - 0.5 * (coef * means).sum(axis=1)
        predictions[test] = present[np.argmax(Z[test] @ coef.T + intercept, axis=1)]
    return predictions


def linear_predict(Z: np.ndarray, y: np.ndarray, folds: np.ndarray) -> np.ndarray:
    """Out-of-fold predictions of least squares with intercept (minimum-norm when collinear)."""
    design = np.hstack([Z, np.ones((Z.shape[0], 1))])
    predictions = np.empty_like(y)
    for fold in range(N_FOLDS):
        test = folds == fold
        coef, *_ = np.linalg.lstsq(design[~test], y[~test], rcond=None)
        predictions[test] = design[test] @ coef
    return predictions


def tree_predict(Z: np.ndarray, y: np.ndarray, folds: np.ndarray, *, classification: bool,
                 seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold predictions of a decision stump and of a tree of depth :data:`TREE_DEPTH`.

    Both come from one scikit-learn tree per fold: the depth-first builder chooses the root
    split first, from the same random feature order whatever the depth limit, so the stump is
    the root split of the deeper tree with the majority class (or mean) of each child as its
    prediction. That halves the number of fits, which dominate the cost on small data.
    """
    # The trees split on float32; converting once lets each fit skip input validation.
    Z32 = np.ascontiguousarray(Z, dtype=np.float32)
    stump = np.empty_like(y)
    tree = np.empty_like(y)
    model_class = DecisionTreeClassifier if classification else DecisionTreeRegressor
    for fold in range(N_FOLDS):
        test = folds == fold
        model = model_class(max_depth=TREE_DEPTH, random_state=seed)
        model.fit(Z32[~test], y[~test], check_input=False)
        tree[test] = model.predict(Z32[test], check_input=False)
        structure = model.tree_
        if structure.node_count == 1:  # no split improves the root: predict like a leaf
            leaf = np.zeros(int(test.sum()), dtype=np.intp)
        else:
            goes_left = Z32[test, structure.feature[0]] <= structure.threshold[0]
            leaf = np.where(goes_left, structure.children_left[0], structure.children_right[0])
        values = structure.value[leaf, 0]  # (rows, classes) class fractions, or (rows, 1) means
        stump[test] = model.classes_[np.argmax(values, axis=1)] if classification else values[:, 0]
    return stump, tree


def _r2(y: np.ndarray, predictions: np.ndarray) -> float:
    return float(1.0 - ((y - predictions) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def compute_landmarking(data: Dataset) -> dict[str, float]:
    classification = data.task == "classification"
    names = CLASSIFICATION_NAMES if classification else REGRESSION_NAMES
    rng = np.random.default_rng(data.landmark_seed)
    y = data.y
    if classification:
        rows = stratified_sample(y, LANDMARK_MAX_ROWS, rng)
    elif y.shape[0] > LANDMARK_MAX_ROWS:
        rows = np.sort(rng.choice(y.shape[0], LANDMARK_MAX_ROWS, replace=False))
    else:
        rows = np.arange(y.shape[0])
    Z, y = data.design[rows], y[rows]
    Z = Z[:, Z.max(axis=0) > Z.min(axis=0)]
    if y.shape[0] < MIN_ROWS or Z.shape[1] == 0 or (not classification and np.ptp(y) == 0):
        return dict.fromkeys(names, np.nan)

    folds = assign_folds(y if classification else None, y.shape[0], rng)
    seed = int(rng.integers(2**31 - 1))
    stump, tree = tree_predict(Z, y, folds, classification=classification, seed=seed)
    nearest = one_nn_predict(Z, y, folds)
    if classification:
        n_classes = int(y.max()) + 1
        predictions = (nearest, stump, tree, naive_bayes_predict(Z, y, folds, n_classes),
                       lda_predict(Z, y, folds, n_classes))
        return {name: float(np.mean(p == y)) for name, p in zip(names, predictions, strict=True)}
    predictions = (nearest, stump, tree, linear_predict(Z, y, folds))
    return {name: _r2(y, p) for name, p in zip(names, predictions, strict=True)}
