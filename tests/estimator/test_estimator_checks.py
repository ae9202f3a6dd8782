"""scikit-learn's estimator checks, with budgets small enough for the ~100 fits they make."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from metaautoml.estimator import MetaAutoMLClassifier, MetaAutoMLRegressor

#: Checks a cross-validated search cannot pass by design, with why.
_SEARCH_BY_DESIGN = {
    # Integer weights are not repeated rows to a search: the repeats fall into different
    # cross-validation folds, so the search scores (and may choose) other configurations.
    "check_sample_weight_equivalence_on_dense_data":
        "weights are not repeated rows to a cross-validated search: the folds differ",
}


def _expected_failures(estimator) -> dict[str, str]:
    return dict(_SEARCH_BY_DESIGN)


@parametrize_with_checks([MetaAutoMLClassifier(n_trials=2, cv=2, random_state=0),
                          MetaAutoMLRegressor(n_trials=2, cv=2, random_state=0)],
                         expected_failed_checks=_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)
