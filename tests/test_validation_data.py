"""Validation data given to ``fit``: ``X_val``, ``y_val``, ``sample_weight_val``.

They replace the held-out fraction of early stopping, are recorded every epoch
without it, reach the callbacks, are checked before any training, and are
routed through scikit-learn's meta-estimators like ``sample_weight``.
"""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from helpers import quiet_fit
from sklearn.datasets import make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp.callbacks import EpochScoring


@pytest.fixture
def split(clf_data):
    X, y = clf_data
    return X[:80], y[:80], X[80:], y[80:]


@pytest.fixture
def reg_split():
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    return X[:80], y[:80], X[80:], y[80:]


def _clf(**params):
    return MLPClassifierPrimer(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0, **params
    )


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_early_stopping_keeps_the_best_score_on_the_given_set(split, solver):
    X, y, X_val, y_val = split
    clf = _clf(solver=solver, early_stopping=True, n_iter_no_change=5, max_iter=300)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.n_iter_ < 300  # stopped on the given set
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # The restored weights are those of the best epoch on the given set.
    assert clf.score(X_val, y_val) == pytest.approx(clf.best_validation_score_)
    # All of X trained: nothing was held out of it.
    assert clf.t_ == clf.n_iter_ * len(X)


def test_early_stopping_on_the_given_set_for_the_regressor(reg_split):
    X, y, X_val, y_val = reg_split
    reg = MLPRegressorPrimer(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        max_iter=400,
        learning_rate_init=0.01,
        random_state=0,
    )
    quiet_fit(reg, X, y, X_val=X_val, y_val=y_val)
    best = reg.best_validation_score_
    assert best == max(reg.validation_scores_)
    assert reg.score(X_val, y_val) == pytest.approx(best, rel=1e-9)
    losses = reg.validation_loss_curve_
    assert len(losses) == len(reg.validation_scores_) == reg.n_iter_


def test_sample_weight_val_weights_the_score(split):
    X, y, X_val, y_val = split
    weights = np.linspace(0.1, 2.0, len(y_val))
    clf = _clf(early_stopping=True, max_iter=300)
    clf.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    expected = clf.score(X_val, y_val, sample_weight=weights)
    assert clf.best_validation_score_ == pytest.approx(expected)
    assert clf.best_validation_score_ != pytest.approx(clf.score(X_val, y_val))


def test_without_early_stopping_the_scores_are_only_recorded(split):
    X, y, X_val, y_val = split
    plain = quiet_fit(_clf(max_iter=15), X, y)
    clf = quiet_fit(_clf(max_iter=15), X, y, X_val=X_val, y_val=y_val)
    # The same training (the validation set changes nothing of it) ...
    np.testing.assert_array_equal(clf.loss_curve_, plain.loss_curve_)
    for a, b in zip(clf.coefs_, plain.coefs_):
        np.testing.assert_array_equal(a, b)
    # ... with a score and a loss per epoch, the last one the final model's.
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 15
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(X_val, y_val))
    assert all("validation_score" in entry for entry in clf.history_)
    assert clf.best_validation_score_ is None
    assert plain.validation_scores_ is None


def test_lbfgs_records_the_given_set_every_iteration(split):
    X, y, X_val, y_val = split
    clf = quiet_fit(_clf(solver="lbfgs", max_iter=20), X, y, X_val=X_val, y_val=y_val)
    plain = quiet_fit(_clf(solver="lbfgs", max_iter=20), X, y)
    np.testing.assert_allclose(clf.loss_curve_, plain.loss_curve_)
    assert len(clf.validation_scores_) == clf.n_iter_ == 20
    assert clf.validation_scores_[-1] == pytest.approx(clf.score(X_val, y_val))


def test_validation_fraction_is_ignored_when_a_set_is_given(split):
    X, y, X_val, y_val = split
    a = _clf(early_stopping=True, validation_fraction=0.5, max_iter=300)
    b = _clf(early_stopping=True, validation_fraction=0.1, max_iter=300)
    a.fit(X, y, X_val=X_val, y_val=y_val)
    b.fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(a.validation_scores_, b.validation_scores_)


def test_callbacks_see_the_given_set(split):
    X, y, X_val, y_val = split
    seen = []

    class Spy:
        def on_train_begin(self, estimator, run):
            seen.append(run)

        def __call__(self, estimator, info):
            return False

    scoring = EpochScoring("accuracy", name="val_acc")
    clf = quiet_fit(
        _clf(max_iter=5, callbacks=[Spy(), scoring]), X, y, X_val=X_val, y_val=y_val
    )
    np.testing.assert_array_equal(seen[0].X_val, X_val)
    np.testing.assert_array_equal(seen[0].y_val, y_val)
    # EpochScoring scores the given set, not the training data.
    assert clf.epoch_scores_["val_acc"][-1] == pytest.approx(clf.score(X_val, y_val))
    assert clf.history_[-1]["validation_score"] == clf.epoch_scores_["val_acc"][-1]


def test_class_weight_applies_to_the_given_set(split):
    X, y, X_val, y_val = split
    clf = _clf(early_stopping=True, class_weight="balanced", max_iter=300)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    weights = compute_sample_weight("balanced", y_val)
    expected = clf.score(X_val, y_val, sample_weight=weights)
    assert clf.best_validation_score_ == pytest.approx(expected)


# -- bad validation data: a clear error before any training, the model kept ------


def _bad_cases(X_val, y_val):
    n = len(y_val)
    nan = X_val.copy()
    nan[0, 0] = np.nan
    inf = X_val.copy()
    inf[1, 2] = np.inf
    unseen = y_val.copy()
    unseen[0] = 7
    return {
        "n_features": (dict(X_val=X_val[:, :4], y_val=y_val), "4 features"),
        "nan": (dict(X_val=nan, y_val=y_val), "NaN"),
        "inf": (dict(X_val=inf, y_val=y_val), "infinity"),
        "unseen_label": (dict(X_val=X_val, y_val=unseen), "classes not in"),
        "y_val_only": (dict(y_val=y_val), "y_val is given but X_val is not"),
        "X_val_only": (dict(X_val=X_val), "X_val is given but y_val is not"),
        "weights_only": (
            dict(sample_weight_val=np.ones(n)),
            "sample_weight_val is given without X_val",
        ),
        "lengths": (dict(X_val=X_val, y_val=y_val[:-1]), "inconsistent numbers"),
        "weight_length": (
            dict(X_val=X_val, y_val=y_val, sample_weight_val=np.ones(n + 1)),
            "sample_weight.shape",
        ),
        "negative_weight": (
            dict(
                X_val=X_val, y_val=y_val, sample_weight_val=np.r_[-1.0, np.ones(n - 1)]
            ),
            "Negative values",
        ),
        "zero_weights": (
            dict(X_val=X_val, y_val=y_val, sample_weight_val=np.zeros(n)),
            "non-zero",
        ),
        "one_sample": (dict(X_val=X_val[:1], y_val=y_val[:1]), "at least 2"),
        "outputs": (
            dict(X_val=X_val, y_val=np.c_[y_val, y_val]),
            "Invalid validation data",
        ),
    }


BAD = list(_bad_cases(np.zeros((4, 6)), np.zeros(4)))


class _CountEpochs:
    def __init__(self):
        self.epochs = 0

    def __call__(self, estimator, info):
        self.epochs += 1
        return False


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_bad_validation_data_fails_before_training(split, case, solver):
    X, y, X_val, y_val = split
    kwargs, match = _bad_cases(X_val, y_val)[case]
    counter = _CountEpochs()
    clf = _clf(solver=solver, early_stopping=True, max_iter=5, callbacks=[counter])
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **kwargs)
    assert counter.epochs == 0
    assert not hasattr(clf, "coefs_")
    # A fitted model stays exactly as it was.
    quiet_fit(clf, X, y)
    before = pickle.dumps(clf)
    state = copy.deepcopy(clf.__dict__)
    epochs = counter.epochs
    with pytest.raises(ValueError, match=match):
        clf.set_params(warm_start=True).fit(X, y, **kwargs)
    assert counter.epochs == epochs
    assert pickle.dumps(clf.set_params(warm_start=False)) == before
    assert clf.__dict__.keys() == state.keys()


def test_bad_regression_targets(reg_split):
    X, y, X_val, y_val = reg_split
    bad = y_val.copy()
    bad[3] = np.nan
    reg = MLPRegressorPrimer(hidden_layer_sizes=(8,), max_iter=5)
    with pytest.raises(ValueError, match="Invalid validation data.*NaN"):
        reg.fit(X, y, X_val=X_val, y_val=bad)
    with pytest.raises(ValueError, match="negative"):
        MLPRegressorPrimer(hidden_layer_sizes=(8,), loss="poisson").fit(
            X, np.abs(y), X_val=X_val, y_val=y_val - 1000
        )


def test_feature_names_of_the_given_set_are_checked(split):
    X, y, X_val, y_val = split
    columns = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    renamed = pd.DataFrame(X_val, columns=columns[::-1])
    with pytest.raises(ValueError, match="feature names"):
        _clf(max_iter=5).fit(frame, y, X_val=renamed, y_val=y_val)


def test_sparse_and_float32_validation_data(split):
    X, y, X_val, y_val = split
    # Inputs as given: a sparse model is the dense one.
    given = dict(max_iter=5, input_scaling=None)
    dense = quiet_fit(_clf(**given), X, y, X_val=X_val, y_val=y_val)
    sparse = quiet_fit(
        _clf(**given), sp.csr_matrix(X), y, X_val=sp.csr_matrix(X_val), y_val=y_val
    )
    np.testing.assert_allclose(sparse.validation_scores_, dense.validation_scores_)
    # Scaled inputs (sparse ones by their largest values): a sparse model
    # scores dense and sparse validation data alike.
    sparse = quiet_fit(
        _clf(max_iter=5), sp.csr_matrix(X), y, X_val=sp.csr_matrix(X_val), y_val=y_val
    )
    mixed = quiet_fit(_clf(max_iter=5), sp.csr_matrix(X), y, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(sparse.validation_scores_, mixed.validation_scores_)
    # A float32 model takes float64 validation data at its own precision.
    single = quiet_fit(
        _clf(max_iter=5), X.astype(np.float32), y, X_val=X_val, y_val=y_val
    )
    assert single.coefs_[0].dtype == np.float32
    assert single.validation_scores_[-1] == pytest.approx(single.score(X_val, y_val))


# -- through scikit-learn's meta-estimators ----------------------------------------


def test_pipeline_passes_X_val_untransformed_by_default(split):
    X, y, X_val, y_val = split
    double = FunctionTransformer(lambda Z: 2.0 * Z)
    pipe = Pipeline([("double", double), ("mlp", _clf(max_iter=5))])
    quiet_fit(pipe, X, y, mlp__X_val=X_val, mlp__y_val=y_val)
    direct = quiet_fit(_clf(max_iter=5), 2.0 * X, y, X_val=X_val, y_val=y_val)
    assert pipe[-1].validation_scores_ == direct.validation_scores_


def test_routing_through_a_pipeline_that_transforms_X_val(split):
    X, y, X_val, y_val = split
    with sklearn.config_context(enable_metadata_routing=True):
        mlp = _clf(max_iter=5).set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline(
            [("scale", StandardScaler()), ("mlp", mlp)], transform_input=["X_val"]
        )
        quiet_fit(pipe, X, y, X_val=X_val, y_val=y_val)
    scaler = StandardScaler().fit(X)
    direct = quiet_fit(
        _clf(max_iter=5),
        scaler.transform(X),
        y,
        X_val=scaler.transform(X_val),
        y_val=y_val,
    )
    np.testing.assert_allclose(pipe[-1].validation_scores_, direct.validation_scores_)
    np.testing.assert_allclose(
        pipe[-1].validation_loss_curve_, direct.validation_loss_curve_
    )


def test_routing_through_a_grid_search(split):
    X, y, X_val, y_val = split
    with sklearn.config_context(enable_metadata_routing=True):
        mlp = _clf(early_stopping=True, max_iter=200).set_fit_request(
            X_val=True, y_val=True
        )
        search = GridSearchCV(mlp, {"alpha": [1e-4, 1e-1]}, cv=2)
        search.fit(X, y, X_val=X_val, y_val=y_val)
    best = search.best_estimator_
    # The refit model stopped on the given set, which every fit saw whole.
    assert best.best_validation_score_ == pytest.approx(best.score(X_val, y_val))
    direct = _clf(early_stopping=True, max_iter=200, alpha=best.alpha)
    direct.fit(X, y, X_val=X_val, y_val=y_val)
    assert best.validation_scores_ == direct.validation_scores_


def test_routing_refuses_an_unrequested_X_val(split):
    X, y, X_val, y_val = split
    with sklearn.config_context(enable_metadata_routing=True):
        search = GridSearchCV(_clf(max_iter=5), {"alpha": [1e-4]}, cv=2)
        with pytest.raises(Exception, match="X_val"):
            search.fit(X, y, X_val=X_val, y_val=y_val)
