"""Training, side by side with scikit-learn's MLPClassifier and MLPRegressor.

With activation 'tanh', 'logistic' or 'identity', sklmlp's 'auto' initialization
is scikit-learn's Glorot draw, number for number, from the same random state. The
two implementations then follow the same path only if every rule of the fit is the
same: the minibatch order, each update of SGD (three schedules, momentum, Nesterov)
and Adam, the loss reported per epoch, the stopping rules, the validation split
and its scores, the restored weights, warm starts and partial fits. So one
comparison of the fitted numbers checks all of those at once.

Known, deliberate differences (tested at the bottom of this file):

- multiclass early stopping: sklmlp stratifies the validation split, as both
  libraries document; scikit-learn 1.9 stratifies binary targets only.
- multi-output squared error: sklmlp reports the loss it differentiates (half the
  squared error summed over outputs); scikit-learn reports its mean over outputs
  while its gradient is that of the sum. The weights agree, ``loss_curve_``
  differs by the factor ``n_outputs``.
"""

import functools
import io
import pickle
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import sklmlp

# scikit-learn's exact path is one switch away: defaults='sklearn' (no input
# scaling, beta_2=0.999, and for the regressor the targets as given).
MLPClassifierPrimer = functools.partial(sklmlp.MLPClassifierPrimer, defaults="sklearn")
MLPRegressorPrimer = functools.partial(sklmlp.MLPRegressorPrimer, defaults="sklearn")
_Regressor = MLPRegressorPrimer

TOL = 1e-10
SMALL = dict(hidden_layer_sizes=(7, 5), activation="tanh", random_state=0, max_iter=25)


def _data(kind):
    if kind == "multiclass":
        return make_classification(
            n_samples=150, n_features=8, n_informative=5, n_classes=3, random_state=0
        )
    if kind == "binary":
        return make_classification(n_samples=150, n_features=8, random_state=1)
    if kind == "multilabel":
        X, y = make_classification(
            n_samples=150, n_features=8, n_informative=5, n_classes=4, random_state=2
        )
        # Three labels per sample, not mutually exclusive.
        return X, np.column_stack([y == 0, y >= 2, X[:, 0] > 0]).astype(int)
    if kind == "regression":
        X, y = make_regression(n_samples=150, n_features=6, noise=1.0, random_state=0)
        return X, y / 100
    raise ValueError(kind)


def _fit(estimator, X, y, method="fit", **fit_params):
    """Fit; return the categories of the expected warnings, fail on any other."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("error")
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.filterwarnings("always", "Got `batch_size`", UserWarning)
        getattr(estimator, method)(X, y, **fit_params)
    return [w.category for w in record]


def _assert_same_fit(ours, theirs, X, tol=TOL):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=tol)
    np.testing.assert_allclose(ours.loss_, theirs.loss_, rtol=0, atol=tol)
    if theirs.best_loss_ is None:
        assert ours.best_loss_ is None
    else:
        np.testing.assert_allclose(ours.best_loss_, theirs.best_loss_, atol=tol)
    if theirs.validation_scores_ is None:
        assert ours.validation_scores_ is None
        assert ours.best_validation_score_ is None
    else:
        np.testing.assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, rtol=0, atol=tol
        )
        assert ours.best_validation_score_ == pytest.approx(
            theirs.best_validation_score_, abs=tol
        )
    np.testing.assert_allclose(
        ours._optimizer.learning_rate, theirs._optimizer.learning_rate, rtol=1e-12
    )
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=0, atol=tol)
    if hasattr(theirs, "predict_proba"):
        np.testing.assert_allclose(
            ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=tol
        )
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    else:
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=tol)


SGD_CASES = [
    dict(learning_rate=schedule, momentum=momentum, nesterovs_momentum=nesterov)
    for schedule in ["constant", "invscaling", "adaptive"]
    for momentum, nesterov in [(0.0, False), (0.9, False), (0.9, True)]
]

STALLING = dict(learning_rate_init=0.1, tol=0.02, n_iter_no_change=3)

CASES = [
    # (data, estimator parameters)
    *[
        ("multiclass", dict(solver="sgd", learning_rate_init=0.05, **c))
        for c in SGD_CASES
    ],
    # A tolerance that the loss soon stops beating: the stopping rule ends these
    # runs before max_iter, or makes 'adaptive' divide its step size by 5.
    *[("multiclass", dict(solver="sgd", **STALLING, **c)) for c in SGD_CASES],
    ("multiclass", dict(solver="adam", learning_rate_init=0.01)),
    ("multiclass", dict(solver="adam", activation="logistic", batch_size=32)),
    ("multiclass", dict(solver="adam", activation="identity", shuffle=False)),
    ("multiclass", dict(solver="adam", hidden_layer_sizes=(), batch_size=64)),
    ("multiclass", dict(solver="adam", tol=0.05, n_iter_no_change=np.inf)),
    ("multiclass", dict(solver="sgd", batch_size=500, alpha=0.1)),
    (
        "binary",
        dict(solver="adam", learning_rate_init=0.01, early_stopping=True, tol=0.0),
    ),
    (
        "binary",
        dict(
            solver="sgd",
            learning_rate="adaptive",
            learning_rate_init=0.2,
            early_stopping=True,
            validation_fraction=0.2,
            n_iter_no_change=2,
            max_iter=60,
        ),
    ),
    ("multilabel", dict(solver="adam", learning_rate_init=0.01)),
    ("multilabel", dict(solver="sgd", early_stopping=True, learning_rate_init=0.1)),
    ("regression", dict(solver="sgd", learning_rate_init=0.01)),
    ("regression", dict(solver="adam", early_stopping=True, learning_rate_init=0.01)),
    ("regression", dict(solver="adam", activation="logistic", tol=0.01)),
]


def _estimators(kind):
    if kind == "regression":
        return _Regressor, MLPRegressor
    return MLPClassifierPrimer, MLPClassifier


@pytest.mark.parametrize("kind, params", CASES)
def test_fit_matches_sklearn(kind, params):
    X, y = _data(kind)
    Ours, Theirs = _estimators(kind)
    params = {**SMALL, **params}
    ours, theirs = Ours(**params), Theirs(**params)
    assert _fit(ours, X, y) == _fit(theirs, X, y)
    _assert_same_fit(ours, theirs, X)


def test_parity_cases_exercise_the_stopping_rules():
    # The parity cases above are only as strong as the paths they take: each
    # stalling case must stop early or lower its rate, and early stopping must
    # restore weights older than the last epoch's.
    X, y = _data("multiclass")
    for case in SGD_CASES:
        est = MLPClassifierPrimer(**{**SMALL, "solver": "sgd", **STALLING, **case})
        warned = _fit(est, X, y)
        if case["learning_rate"] == "adaptive":
            assert est._optimizer.learning_rate <= 0.1 / 25
        else:
            assert not warned and est.n_iter_ < SMALL["max_iter"]
    X, y = _data("binary")
    for kind, params in CASES:
        if kind == "binary":
            est = MLPClassifierPrimer(**{**SMALL, **params})
            _fit(est, X, y)
            assert np.argmax(est.validation_scores_) < est.n_iter_ - 1


@pytest.mark.parametrize(
    "kind, params",
    [
        ("multiclass", dict(solver="sgd")),
        ("multiclass", dict(solver="adam")),
        # The weights follow their rows into the split and weight the score.
        ("binary", dict(solver="adam", early_stopping=True, tol=0.0)),
        ("regression", dict(solver="sgd", early_stopping=True)),
    ],
)
def test_sample_weight_matches_sklearn(kind, params):
    X, y = _data(kind)
    sw = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    params = {**SMALL, "learning_rate_init": 0.02, **params}
    Ours, Theirs = _estimators(kind)
    ours, theirs = Ours(**params), Theirs(**params)
    _fit(ours, X, y, sample_weight=sw)
    _fit(theirs, X, y, sample_weight=sw)
    _assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize(
    "kind, Ours, Theirs",
    [
        ("multiclass", MLPClassifierPrimer, MLPClassifier),
        ("regression", _Regressor, MLPRegressor),
    ],
)
def test_lbfgs_matches_sklearn(kind, Ours, Theirs):
    X, y = _data(kind)
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=len(y))
    params = {**SMALL, "solver": "lbfgs", "max_iter": 40}
    cases = [
        (params, {}),
        (params, {"sample_weight": sw}),
        ({**params, "max_fun": 12}, {}),  # stopped by the evaluation budget
        ({**params, "tol": 1e-2, "alpha": 1.0, "max_iter": 500}, {}),  # converged
    ]
    for params, fit_params in cases:
        ours, theirs = Ours(**params), Theirs(**params)
        # ConvergenceWarning exactly when scikit-learn warns (its wording differs).
        assert _fit(ours, X, y, **fit_params) == _fit(theirs, X, y, **fit_params)
        assert ours.n_iter_ == theirs.n_iter_
        assert ours.loss_ == pytest.approx(theirs.loss_, abs=1e-10)
        for a, b in zip(ours.coefs_, theirs.coefs_):
            np.testing.assert_allclose(a, b, atol=1e-8)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_warm_start_matches_sklearn(solver):
    # A second fit continues from the fitted weights with a fresh optimizer;
    # n_iter_ counts the epochs of the last call, t_ and loss_curve_ keep growing.
    X, y = _data("multiclass")
    params = {**SMALL, "solver": solver, "max_iter": 6, "warm_start": True}
    ours, theirs = MLPClassifierPrimer(**params), MLPClassifier(**params)
    for _ in range(3):
        _fit(ours, X, y)
        _fit(theirs, X, y)
    assert ours.n_iter_ == 6 and len(ours.loss_curve_) == 18
    assert ours.t_ == 18 * len(y)
    _assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_matches_sklearn(solver):
    X, y = _data("multiclass")
    classes = np.unique(y)
    params = {**SMALL, "solver": solver, "learning_rate_init": 0.02}
    ours, theirs = MLPClassifierPrimer(**params), MLPClassifier(**params)
    sw = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    for chunk in np.array_split(np.arange(len(y)), 4):
        for est in (ours, theirs):
            _fit(
                est,
                X[chunk],
                y[chunk],
                "partial_fit",
                sample_weight=sw[chunk],
                classes=classes,
            )
    assert ours.n_iter_ == 1 and len(ours.loss_curve_) == 4
    _assert_same_fit(ours, theirs, X)

    # Continuing from a pickled copy is continuing from the original.
    ours, theirs = pickle.loads(pickle.dumps(ours)), pickle.loads(pickle.dumps(theirs))
    for est in (ours, theirs):
        _fit(est, X, y, "partial_fit")
    _assert_same_fit(ours, theirs, X)

    # partial_fit after fit keeps fit's optimizer (Adam's moments, momentum).
    ours, theirs = _Regressor(**params), MLPRegressor(**params)
    X, y = _data("regression")
    for est in (ours, theirs):
        _fit(est, X, y)
        _fit(est, X, y, "partial_fit")
    _assert_same_fit(ours, theirs, X)


@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csc_matrix])
def test_sparse_input_matches_sklearn(fmt):
    X, y = _data("multiclass")
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    params = {**SMALL, "solver": "adam", "learning_rate_init": 0.01}
    ours, theirs = MLPClassifierPrimer(**params), MLPClassifier(**params)
    _fit(ours, fmt(X), y)
    _fit(theirs, fmt(X), y)
    _assert_same_fit(ours, theirs, fmt(X))


def test_float32_matches_sklearn():
    # Both train in float32: the same path to float32 rounding.
    X, y = _data("multiclass")
    X = X.astype(np.float32)
    params = {**SMALL, "solver": "adam", "learning_rate_init": 0.01, "max_iter": 10}
    ours, theirs = MLPClassifierPrimer(**params), MLPClassifier(**params)
    _fit(ours, X, y)
    _fit(theirs, X, y)
    assert ours.coefs_[0].dtype == np.float32
    assert ours.predict_proba(X).dtype == theirs.predict_proba(X).dtype == np.float32
    _assert_same_fit(ours, theirs, X, tol=1e-4)


def test_verbose_output_matches_sklearn():
    X, y = _data("binary")
    params = {
        **SMALL,
        "solver": "sgd",
        "learning_rate": "adaptive",
        "learning_rate_init": 0.2,
        "early_stopping": True,
        "validation_fraction": 0.2,
        "n_iter_no_change": 2,
        "max_iter": 60,
        "verbose": True,
    }
    printed = []
    for Est in (MLPClassifierPrimer, MLPClassifier):
        out = io.StringIO()
        with redirect_stdout(out):
            _fit(Est(**params), X, y)
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    lines = printed[0].splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
    assert lines[1].startswith("Validation score: ")
    assert any("Setting learning rate to" in line for line in lines)


# -- deliberate differences ---------------------------------------------------


def test_multiclass_early_stopping_holds_out_the_rows_sklearn_holds_out(monkeypatch):
    # scikit-learn passes ``stratify`` only when there is one output column
    # (binary targets): its multiclass split is random, and so is sklmlp's.
    # Record the held-out targets of both.
    import sklearn.neural_network._multilayer_perceptron as sk_module
    from sklearn.model_selection import train_test_split

    import sklmlp._holdout as our_module

    held_out = {}

    def spy(name):
        def split(*arrays, **kwargs):
            parts = train_test_split(*arrays, **kwargs)
            held_out[name] = np.asarray(parts[3]).argmax(axis=1)
            return parts

        return split

    monkeypatch.setattr(sk_module, "train_test_split", spy("sklearn"))
    monkeypatch.setattr(our_module, "train_test_split", spy("sklmlp"))
    X = np.random.RandomState(0).randn(60, 4)
    y = np.repeat([0, 1, 2], 20)
    unbalanced = 0
    for seed in range(5):
        params = dict(
            hidden_layer_sizes=(3,),
            early_stopping=True,
            validation_fraction=0.15,
            max_iter=3,
            random_state=seed,
        )
        ours, theirs = MLPClassifierPrimer(**params), MLPClassifier(**params)
        _fit(ours, X, y)
        _fit(theirs, X, y)
        np.testing.assert_array_equal(held_out["sklmlp"], held_out["sklearn"])
        np.testing.assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, atol=TOL
        )
        # 9 held-out samples: not always 3 of each class (not stratified).
        unbalanced += np.bincount(held_out["sklearn"], minlength=3).tolist() != [3] * 3
    assert unbalanced > 0


def test_multioutput_squared_error_loss_is_summed_over_outputs():
    X, y = make_regression(
        n_samples=100, n_features=5, n_targets=3, noise=1.0, random_state=0
    )
    y /= 100
    params = {**SMALL, "solver": "sgd", "learning_rate_init": 0.01, "alpha": 0.0}
    ours, theirs = _Regressor(**params), MLPRegressor(**params)
    _fit(ours, X, y)
    _fit(theirs, X, y)
    # Same weights (same gradients), a loss three times scikit-learn's.
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-10)
    np.testing.assert_allclose(
        ours.loss_curve_, 3 * np.asarray(theirs.loss_curve_), rtol=1e-10
    )
