"""Batch normalization in the estimators: modes, statistics, every training path.

The core's gradients and statistics are checked in test_batchnorm_core.py;
this file checks what a user of ``batch_norm=True`` relies on.
"""

import copy
import pickle
import warnings

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
import skops.io as sio
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.network import Network
from sklmlp.callbacks import EarlyStopping

# Inputs as given: the tests read the network on the data they hold.
SMALL = dict(
    hidden_layer_sizes=(8, 6),
    random_state=0,
    learning_rate_init=0.01,
    input_scaling=None,
)


@pytest.fixture(scope="module")
def clf_data():
    return make_classification(
        n_samples=150, n_features=5, n_informative=4, n_redundant=0, n_classes=3,
        random_state=0,
    )  # fmt: skip


def _quiet_fit(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


def _state(est):
    # Read attribute by attribute, not through _fitted_arrays (what the
    # EarlyStopping callback restores with): a list that forgot the running
    # statistics would forget them on both sides.
    arrays = est.coefs_ + est.batch_norm_scale_ + est.batch_norm_shift_
    arrays += est.batch_norm_mean_ + est.batch_norm_var_
    return [a.copy() for a in arrays if a is not None]


def test_attributes_layout_and_parameter_count(clf_data):
    X, y = clf_data
    plain = _quiet_fit(MLPClassifierPrimer(**SMALL, max_iter=3), X, y)
    assert plain.batch_norm_scale_ == [None, None]
    assert plain.batch_norm_mean_ == [None, None]
    est = _quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=3, batch_norm=[True, False]), X, y
    )
    # The normalized layer has no bias; its scale and shift are parameters,
    # its running statistics are not.
    assert est.intercepts_[0] is None and est.intercepts_[1].shape == (6,)
    assert est.batch_norm_scale_[0].shape == est.batch_norm_var_[0].shape == (8,)
    assert est.batch_norm_scale_[1] is None and est.batch_norm_mean_[1] is None
    assert est.n_params_ == plain.n_params_ - 8 + 2 * 8
    # Training moved the running statistics from a fresh layer's (0, 1).
    assert np.abs(est.batch_norm_mean_[0]).max() > 0.01
    # Maxout normalizes each piece.
    maxout = _quiet_fit(
        MLPClassifierPrimer(
            (4,), activation="maxout", maxout_pieces=3, batch_norm=True, max_iter=2
        ),
        X,
        y,
    )
    assert maxout.batch_norm_scale_[0].shape == (12,)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_prediction_is_row_by_row_and_uses_the_running_statistics(clf_data, solver):
    X, y = clf_data
    est = _quiet_fit(
        MLPClassifierPrimer(**SMALL, solver=solver, max_iter=15, batch_norm=True), X, y
    )
    together = est.predict_proba(X[:20])
    one_by_one = np.vstack([est.predict_proba(X[i : i + 1]) for i in range(20)])
    np.testing.assert_allclose(one_by_one, together, rtol=1e-12)
    hidden = est.hidden_activations(X[:20])[0]
    np.testing.assert_allclose(est.hidden_activations(X[:1])[0], hidden[:1])
    # With other statistics, other predictions: they are the ones in use.
    before = est.decision_function(X[:20])
    est.batch_norm_mean_[0] += 1.0
    assert not np.allclose(est.decision_function(X[:20]), before)


def test_lbfgs_ends_with_the_training_datas_statistics(clf_data):
    # The running statistics are the data's own, so the fitted model predicts
    # its training set exactly as the last training pass (batch statistics)
    # saw it: its reported objective is the inference-mode one.
    X, y = clf_data
    est = _quiet_fit(
        MLPClassifierPrimer(
            **SMALL, solver="lbfgs", max_iter=30, alpha=0.1, batch_norm=True
        ),
        X,
        y,
    )
    penalty = 0.5 * 0.1 * sum(np.sum(W**2) for W in est.coefs_) / len(y)
    objective = log_loss(y, est.predict_proba(X)) + penalty
    assert est.loss_ == pytest.approx(objective, rel=1e-9)
    z = X @ est.coefs_[0]
    np.testing.assert_allclose(est.batch_norm_mean_[0], z.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(est.batch_norm_var_[0], z.var(axis=0), rtol=1e-9)


def test_weighted_statistics(clf_data):
    # A weight of 2 is the row twice, statistics included: with unweighted
    # batch statistics the two full-batch fits would differ.
    X, y = clf_data
    w = np.random.RandomState(0).randint(1, 4, len(y)).astype(float)
    rows = np.repeat(np.arange(len(y)), w.astype(int))
    params = dict(**SMALL, solver="lbfgs", max_iter=10, batch_norm=True)
    weighted = _quiet_fit(MLPClassifierPrimer(**params), X, y, sample_weight=w)
    repeated = _quiet_fit(MLPClassifierPrimer(**params), X[rows], y[rows])
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-7
    )
    np.testing.assert_allclose(
        weighted.batch_norm_var_[0], repeated.batch_norm_var_[0], rtol=1e-9
    )
    # Zero-weight rows change nothing.
    w0 = np.r_[w, np.zeros(10)]
    X0 = np.vstack([X, 50 * np.ones((10, X.shape[1]))])
    zeros = _quiet_fit(
        MLPClassifierPrimer(**params), X0, np.r_[y, y[:10]], sample_weight=w0
    )
    np.testing.assert_allclose(zeros.predict_proba(X), weighted.predict_proba(X))


def test_a_batch_of_one_row(clf_data):
    X, y = clf_data
    est = MLPClassifierPrimer(**SMALL, solver="sgd", batch_norm=True)
    est.partial_fit(X, y, classes=[0, 1, 2])
    stats, before = [est.batch_norm_mean_[0].copy()], est.coefs_[0].copy()
    # partial_fit on one row: normalized with the running statistics, which
    # it leaves as they are; the weights still learn; nothing is NaN.
    est.partial_fit(X[:1], y[:1])
    np.testing.assert_array_equal(est.batch_norm_mean_[0], stats[0])
    assert not np.array_equal(est.coefs_[0], before)
    assert np.isfinite(est.predict_proba(X)).all()

    # batch_size=1 never updates the statistics: it says so.
    ones = MLPClassifierPrimer(**SMALL, batch_size=1, max_iter=1, batch_norm=True)
    with pytest.warns(UserWarning, match="batch_size=1"):
        _quiet_fit(ones, X[:20], y[:20])
    np.testing.assert_array_equal(ones.batch_norm_var_[0], 1.0)


def test_no_batch_is_smaller_than_batch_size(clf_data, monkeypatch):
    # A batch of a few rows would normalize with noise: with batch
    # normalization, the remainder of an epoch joins the batch before (151
    # rows in batches of 50: 50, 50, 51); without it, batches are
    # scikit-learn's (50, 50, 50, 1).
    X, y = clf_data
    X1, y1 = np.vstack([X, X[:1]]), np.r_[y, y[:1]]
    sizes = []
    original = Network.loss_and_grad

    def spy(self, params, X, *args, **kwargs):
        sizes.append(X.shape[0])
        return original(self, params, X, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_and_grad", spy)
    for flag, expected in [(True, [50, 50, 51]), (False, [50, 50, 50, 1])]:
        sizes.clear()
        est = MLPClassifierPrimer(**SMALL, batch_size=50, max_iter=1, batch_norm=flag)
        assert np.isfinite(_quiet_fit(est, X1, y1).predict_proba(X)).all()
        assert sizes == expected


def test_early_stopping_restores_the_best_epochs_statistics(clf_data):
    X, y = clf_data
    record = []

    def keep(est, info):
        record.append((info.get("validation_score"), copy.deepcopy(_state(est))))

    est = _quiet_fit(
        MLPClassifierPrimer(
            **{**SMALL, "learning_rate_init": 0.2},
            solver="sgd",
            early_stopping=True,
            n_iter_no_change=3,
            max_iter=60,
            batch_norm=True,
            callbacks=keep,
        ),
        X,
        y,
    )
    best = int(np.argmax([score for score, _ in record]))
    assert best < len(record) - 1  # the last epoch was not the best
    for final, kept in zip(_state(est), record[best][1]):
        np.testing.assert_array_equal(final, kept)
    # The EarlyStopping callback restores the statistics with the weights.
    stop = EarlyStopping(patience=2, monitor="loss")
    cb = _quiet_fit(
        MLPClassifierPrimer(
            **{**SMALL, "learning_rate_init": 0.5}, solver="sgd", max_iter=60,
            batch_norm=True, callbacks=[stop, keep],
        ),
        X,
        y,
    )  # fmt: skip
    assert stop.best_epoch_ is not None
    epoch_state = record[-(cb.n_iter_ - stop.best_epoch_) - 1][1]
    for final, kept in zip(_state(cb), epoch_state):
        np.testing.assert_array_equal(final, kept)


def test_warm_start_and_partial_fit(clf_data):
    X, y = clf_data
    est = _quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=3, warm_start=True, batch_norm=True),
        X,
        y,
    )
    mean = est.batch_norm_mean_[0].copy()
    _quiet_fit(est.set_params(batch_norm_momentum=0.5), X, y)  # a training option
    assert not np.array_equal(est.batch_norm_mean_[0], mean)
    before = pickle.dumps(est)
    with pytest.raises(ValueError, match="batch_norm"):
        est.set_params(batch_norm=[True, False]).fit(X, y)
    with pytest.raises(ValueError, match="batch_norm_epsilon"):
        est.set_params(batch_norm=True, batch_norm_epsilon=1e-3).fit(X, y)
    # The failed calls left the model, statistics included, as it was.
    est.set_params(batch_norm_epsilon=1e-5)
    assert pickle.dumps(est) == before
    # partial_fit continues from the fitted statistics: one batch (the whole
    # data) moves them by the momentum toward its own, computed with the
    # weights before the step.
    est.set_params(batch_size=len(y), batch_norm_momentum=0.25)
    z = X @ est.coefs_[0]
    old_mean, old_var = est.batch_norm_mean_[0].copy(), est.batch_norm_var_[0].copy()
    est.partial_fit(X, y)
    np.testing.assert_allclose(
        est.batch_norm_mean_[0], 0.75 * old_mean + 0.25 * z.mean(axis=0), rtol=1e-10
    )
    np.testing.assert_allclose(
        est.batch_norm_var_[0], 0.75 * old_var + 0.25 * z.var(axis=0), rtol=1e-10
    )


def test_parameter_checks():
    X, y = np.random.RandomState(0).randn(20, 3), np.arange(20) % 2
    with pytest.raises(ValueError, match="batch_norm has 3 entries"):
        MLPClassifierPrimer((4, 4), batch_norm=[True] * 3).fit(X, y)
    with pytest.raises(ValueError, match="True or False"):
        MLPClassifierPrimer((4, 4), batch_norm=[1, 0]).fit(X, y)
    with pytest.raises(ValueError, match="batch_norm_momentum"):
        MLPClassifierPrimer(batch_norm_momentum=0.0).fit(X, y)
    with pytest.raises(ValueError, match="batch_norm_epsilon"):
        MLPClassifierPrimer(batch_norm_epsilon=0.0).fit(X, y)


def test_works_with_the_other_training_options(clf_data):
    X, y = clf_data
    params = dict(**SMALL, max_iter=5, batch_norm=True)
    longer = {**params, "max_iter": 40}
    base = _quiet_fit(MLPClassifierPrimer(**longer), X, y).predict_proba(X)
    for extra in (
        dict(dropout=0.3),
        dict(input_noise=0.2),
        dict(class_weight={0: 1.0, 1: 3.0, 2: 1.0}),
        dict(activation=["prelu", "maxout"]),
    ):
        est = _quiet_fit(MLPClassifierPrimer(**longer, **extra), X, y)
        proba = est.predict_proba(X)
        # Each option takes effect (another model) and the model learns.
        assert not np.allclose(proba, base)
        assert est.score(X, y) > 0.6
    # float32: parameters and statistics stay float32.
    est32 = _quiet_fit(MLPClassifierPrimer(**params), X.astype(np.float32), y)
    assert est32.batch_norm_mean_[0].dtype == np.float32
    assert est32.batch_norm_scale_[0].dtype == np.float32
    assert est32.predict_proba(X.astype(np.float32)).dtype == np.float32
    # Sparse input trains the same model as dense input.
    dense = _quiet_fit(MLPClassifierPrimer(**params), X, y)
    sparse = _quiet_fit(MLPClassifierPrimer(**params), sp.csr_matrix(X), y)
    np.testing.assert_allclose(
        sparse.predict_proba(X), dense.predict_proba(X), rtol=1e-10
    )
    # The regressor, on standardized targets.
    Xr, yr = make_regression(n_samples=100, n_features=4, noise=1, random_state=0)
    reg = _quiet_fit(MLPRegressorPrimer(**{**params, "max_iter": 100}), Xr, yr)
    assert reg.score(Xr, yr) > 0.9


def test_persistence(clf_data, tmp_path):
    X, y = clf_data
    est = _quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=5, batch_norm=[True, False]), X, y
    )
    expected = est.predict_proba(X)
    for loaded in (
        pickle.loads(pickle.dumps(est)),
        joblib.load(joblib.dump(est, tmp_path / "m.joblib")[0]),
    ):
        np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    sio.dump(est, tmp_path / "m.skops")
    untrusted = sio.get_untrusted_types(file=tmp_path / "m.skops")
    plain = _quiet_fit(MLPClassifierPrimer(**SMALL, max_iter=5), X, y)
    sio.dump(plain, tmp_path / "p.skops")
    # No new type to trust: the statistics are plain arrays.
    assert untrusted == sio.get_untrusted_types(file=tmp_path / "p.skops")
    loaded = sio.load(tmp_path / "m.skops", trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)
    # A loaded model goes on training from its statistics, exactly as the
    # original would.
    for model in (loaded, est):
        _quiet_fit(model.set_params(warm_start=True, max_iter=2), X, y)
    for a, b in zip(_state(loaded), _state(est)):
        np.testing.assert_array_equal(a, b)
