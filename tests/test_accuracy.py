"""Defaults never lose to scikit-learn's MLP on scikit-learn's bundled data sets.

As a new user tries them: default parameters, ``Pipeline(StandardScaler(),
estimator)``, shuffled 5-fold cross-validation, ``random_state=0``. The full
table (and synthetic families) is ``benchmarks/bench_defaults.py``.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    load_linnerud,
    load_wine,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_val_predict, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

CV = KFold(5, shuffle=True, random_state=0)


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        # Both libraries stop at max_iter on some folds and say so.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer])
def test_sklearn_defaults_follow_scikit_learns_path(loader):
    # defaults='sklearn': Glorot weights from the same seed, the same batches,
    # the same updates: the same probabilities on every held-out row, hence
    # the same accuracy.
    X, y = loader(return_X_y=True)
    ours = make_pipeline(
        StandardScaler(), MLPClassifierPrimer(random_state=0, defaults="sklearn")
    )
    theirs = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
    proba = {
        name: _quiet(cross_val_predict, model, X, y, cv=CV, method="predict_proba")
        for name, model in [("ours", ours), ("theirs", theirs)]
    }
    np.testing.assert_allclose(proba["ours"], proba["theirs"], rtol=1e-9, atol=1e-12)


def test_default_regressor_fits_targets_of_any_scale():
    # Diabetes targets run from 25 to 346: scikit-learn's default step cannot
    # move its output layer that far in 200 epochs (R^2 below 0); the
    # standardized targets of normalize_y can.
    X, y = load_diabetes(return_X_y=True)
    scores = {
        name: _quiet(
            cross_val_score, make_pipeline(StandardScaler(), model), X, y, cv=CV
        ).mean()
        for name, model in [
            ("ours", MLPRegressorPrimer(random_state=0)),
            ("theirs", MLPRegressor(random_state=0)),
            (
                "scikit-learn's path",
                MLPRegressorPrimer(random_state=0, defaults="sklearn"),
            ),
        ]
    }
    assert scores["ours"] > 0.4
    assert scores["theirs"] < 0
    # defaults='sklearn' is scikit-learn's path, score for score.
    assert scores["scikit-learn's path"] == pytest.approx(scores["theirs"], rel=1e-9)


def test_default_regressor_several_outputs_of_different_scales():
    # linnerud: 20 athletes, 3 targets (weight ~180, waist ~35, pulse ~55).
    X, y = load_linnerud(return_X_y=True)
    cv = KFold(4, shuffle=True, random_state=0)
    ours = _quiet(
        cross_val_score,
        make_pipeline(StandardScaler(), MLPRegressorPrimer(random_state=0)),
        X,
        y,
        cv=cv,
    )
    theirs = _quiet(
        cross_val_score,
        make_pipeline(StandardScaler(), MLPRegressor(random_state=0)),
        X,
        y,
        cv=cv,
    )
    # 20 samples, so neither is good; scikit-learn's is off by two orders of
    # magnitude (R^2 near -120), and normalize_y brings it to the scale of the
    # targets' noise.
    assert theirs.mean() < -50
    assert ours.mean() > -5
