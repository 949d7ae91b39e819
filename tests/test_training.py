"""What happens while fitting: stopping rules, schedules, incremental fits,
weights, target types, input formats, divergence, and the training extras
(class weights, dropout, input noise, validation loss, callbacks, hidden-layer
diagnostics).

The numbers shared with scikit-learn are compared side by side in
test_training_sklearn_parity.py; this file checks the rules themselves.
"""

import copy
import io
import pickle
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import quiet_fit
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

import sklmlp._holdout
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.network import Network

# The network as the core sees it: inputs as given (input scaling has tests of
# its own, in test_tabular_defaults.py).
SMALL = dict(
    hidden_layer_sizes=(8,), activation="tanh", random_state=0, input_scaling=None
)


@pytest.fixture(scope="module")
def reg_data():
    X, y = make_regression(n_samples=120, n_features=5, noise=1.0, random_state=0)
    return X, y / 100


def _params(est):
    return np.concatenate([a.ravel() for a in est.coefs_ + est.intercepts_])


class _Recorder:
    """A callback that keeps each epoch's info and a copy of the weights."""

    def __init__(self, stop_at=None):
        self.infos, self.weights, self.stop_at = [], [], stop_at

    def __call__(self, est, info):
        self.infos.append(dict(info))
        self.weights.append(_params(est).copy())
        return info["epoch"] == self.stop_at


@pytest.fixture
def held_out(monkeypatch):
    """Record the validation arrays that early stopping holds out."""
    record = {}

    def split(*arrays, **kwargs):
        parts = train_test_split(*arrays, **kwargs)
        record["X"], record["Y"] = parts[1], parts[3]
        return parts

    monkeypatch.setattr(sklmlp._holdout, "train_test_split", split)
    return record


# -- early stopping -------------------------------------------------------------


def test_early_stopping_records_scores_and_restores_the_best_weights(clf_data):
    X, y = clf_data
    rec = _Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate_init=0.3,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=4,
        max_iter=200,
        callbacks=rec,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.fit(X, y)
    assert est.n_iter_ < 200  # stopped by the rule, without a ConvergenceWarning
    assert len(est.validation_scores_) == len(est.loss_curve_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None
    # The rule: n_iter_no_change + 1 epochs in a row not beating the best by tol.
    last = est.validation_scores_[-est.n_iter_no_change - 1 :]
    assert all(s < est.best_validation_score_ + est.tol for s in last)
    best = int(np.argmax(est.validation_scores_))
    # The weights of the best epoch are restored, not those of the last one.
    assert best < est.n_iter_ - 1
    np.testing.assert_array_equal(_params(est), rec.weights[best])
    assert not np.array_equal(_params(est), rec.weights[-1])
    # Every epoch, the stopping one included, reached the callback.
    assert [info["epoch"] for info in rec.infos] == list(range(1, est.n_iter_ + 1))
    assert [info["validation_score"] for info in rec.infos] == est.validation_scores_


@pytest.mark.parametrize("n_classes", [2, 3])
def test_early_stopping_with_string_labels(n_classes):
    X, y = make_classification(
        n_samples=90, n_features=5, n_classes=n_classes, n_informative=3, random_state=0
    )
    names = np.array(["ant", "bee", "cat"])[y]  # sorted as the integers are
    params = dict(**SMALL, early_stopping=True, max_iter=15, learning_rate_init=0.01)
    on_names = quiet_fit(MLPClassifierPrimer(**params), X, names)
    on_ints = quiet_fit(MLPClassifierPrimer(**params), X, y)
    assert on_names.validation_scores_ == on_ints.validation_scores_
    assert on_names.loss_curve_ == on_ints.loss_curve_
    assert set(on_names.predict(X)) <= set(names)
    np.testing.assert_array_equal(
        on_names.predict(X), np.array(["ant", "bee", "cat"])[on_ints.predict(X)]
    )


def test_validation_split_is_stratified_with_string_labels(held_out):
    X = np.random.RandomState(0).randn(80, 3)
    y = np.repeat(["a", "b"], [60, 20])
    est = MLPClassifierPrimer(
        **SMALL, early_stopping=True, validation_fraction=0.2, max_iter=2
    )
    quiet_fit(est, X, y)
    # 16 held-out samples, 12 of the first class and 4 of the second.
    assert held_out["Y"].ravel().tolist().count(1) == 4
    assert len(held_out["Y"]) == 16


def test_validation_split_is_random_when_a_class_is_too_rare(monkeypatch):
    # Stratifying needs two samples of every class and room for each class on
    # both sides; without them the split is a plain random one, as scikit-learn
    # makes for multiclass targets, instead of train_test_split's error.
    strata = []

    def split(*arrays, stratify=None, **kwargs):
        strata.append(stratify)
        return train_test_split(*arrays, stratify=stratify, **kwargs)

    monkeypatch.setattr(sklmlp._holdout, "train_test_split", split)
    rng = np.random.RandomState(0)
    params = dict(**SMALL, early_stopping=True, max_iter=2)
    seen_once = np.r_[np.zeros(20, int), 1]
    multiclass = np.repeat([0, 1, 2], 10)  # never stratified, as in scikit-learn
    enough = np.repeat([0, 1], 15)
    for y in (seen_once, multiclass, enough):
        est = quiet_fit(MLPClassifierPrimer(**params), rng.randn(len(y), 3), y)
        assert len(est.validation_scores_) == 2
    assert strata[0] is None and strata[1] is None
    assert strata[2] is not None
    np.testing.assert_array_equal(strata[2], enough)  # the encoded classes
    # Fewer than two held-out samples is still an error, as in scikit-learn.
    with pytest.raises(ValueError, match="validation set is too small"):
        MLPClassifierPrimer(**params, validation_fraction=0.01).fit(
            rng.randn(30, 3), enough
        )


def test_validation_set_too_small_raises(reg_data):
    X, y = reg_data
    est = MLPRegressorPrimer(**SMALL, early_stopping=True, validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation set is too small"):
        est.fit(X[:50], y[:50])
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("early_stopping", [False, True])
def test_tol_and_n_iter_no_change(clf_data, early_stopping):
    X, y = clf_data
    params = dict(**SMALL, early_stopping=early_stopping, max_iter=50)
    # No epoch can beat the best by this tolerance, so training stops after the
    # first epoch (which beats the initial +-inf) and n_iter_no_change + 1 more.
    for patience in [1, 4]:
        est = MLPClassifierPrimer(**params, tol=1e9, n_iter_no_change=patience)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            est.fit(X, y)
        assert est.n_iter_ == patience + 2
    # n_iter_no_change=np.inf never stops: max_iter is reached, with a warning.
    est = MLPClassifierPrimer(**params, tol=1e9, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        est.fit(X, y)
    assert est.n_iter_ == 50


def test_validation_loss_curve_is_the_held_out_loss(clf_data, held_out):
    X, y = clf_data
    rec = _Recorder()
    # A large alpha: the validation loss must be the data loss alone.
    est = MLPClassifierPrimer(
        **SMALL, early_stopping=True, alpha=5.0, max_iter=8, callbacks=rec
    )
    quiet_fit(est, X, y)
    assert len(est.validation_loss_curve_) == est.n_iter_ == 8
    X_val, y_val = held_out["X"], held_out["Y"].argmax(axis=1)
    for info, weights in zip(rec.infos, rec.weights):
        # The estimator as it was after this epoch.
        clone = pickle.loads(pickle.dumps(est))
        offset = 0
        for arr in clone.coefs_ + clone.intercepts_:
            arr[...] = weights[offset : offset + arr.size].reshape(arr.shape)
            offset += arr.size
        expected = log_loss(y_val, clone.predict_proba(X_val), labels=[0, 1, 2])
        assert info["validation_loss"] == pytest.approx(expected, rel=1e-10)
        assert info["validation_score"] == pytest.approx(
            np.mean(clone.predict(X_val) == y_val)
        )
    assert est.validation_loss_curve_ == [i["validation_loss"] for i in rec.infos]
    assert (
        quiet_fit(MLPClassifierPrimer(**SMALL, max_iter=3), X, y).validation_loss_curve_
        is None
    )


def test_regressor_validation_loss_is_half_the_mse(reg_data, held_out):
    X, y = reg_data
    est = MLPRegressorPrimer(**SMALL, early_stopping=True, max_iter=30)
    quiet_fit(est, X, y)
    # The network trains on standardized targets (held out as such): its
    # validation loss is in their units, its score (R^2) the same in either.
    X_val = held_out["X"]
    y_val = held_out["Y"].ravel() * est.y_scale_[0] + est.y_offset_[0]
    residual = est.predict(X_val) - y_val
    # The restored weights are those of the best validation score (R^2).
    best = int(np.argmax(est.validation_scores_))
    assert est.validation_loss_curve_[best] == pytest.approx(
        0.5 * np.mean((residual / est.y_scale_[0]) ** 2), rel=1e-10
    )
    assert est.validation_scores_[best] == pytest.approx(
        est.score(X_val, y_val), rel=1e-10
    )


# -- learning-rate schedules, momentum, shuffling, batch size ---------------------


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_learning_rate_schedules(clf_data, schedule):
    X, y = clf_data
    rec = _Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate=schedule,
        learning_rate_init=0.1,
        power_t=0.3,
        max_iter=6,
        callbacks=rec,
    )
    quiet_fit(est, X, y)
    rates = [info["learning_rate"] for info in rec.infos]
    if schedule == "constant":
        assert rates == [0.1] * 6
    else:
        # Epoch k runs at learning_rate_init / (t + 1) ** power_t, t the samples
        # seen before it (the first epoch at learning_rate_init).
        seen = [len(y) * k for k in range(6)]
        expected = [0.1] + [0.1 / (t + 1) ** 0.3 for t in seen[1:]]
        np.testing.assert_allclose(rates, expected, rtol=1e-15)


def test_adaptive_learning_rate_divides_by_5_then_stops(clf_data):
    X, y = clf_data
    rec = _Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=1e-3,
        tol=1e9,
        n_iter_no_change=1,
        max_iter=100,
        callbacks=rec,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.fit(X, y)
    # Every 2 stalled epochs the rate is divided by 5; once it is <= 1e-6 the
    # next stall stops training: 1e-3, 2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7.
    rates = [info["learning_rate"] for info in rec.infos]
    expected = [1e-3] * 3 + [1e-3 / 5**k for k in range(1, 6) for _ in range(2)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12)
    assert est.n_iter_ == 13


def test_nesterov_without_momentum_is_plain_sgd(clf_data):
    X, y = clf_data
    params = dict(**SMALL, solver="sgd", momentum=0.0, max_iter=5)
    fits = [
        quiet_fit(MLPClassifierPrimer(**params, nesterovs_momentum=n), X, y)
        for n in (False, True)
    ]
    np.testing.assert_array_equal(_params(fits[0]), _params(fits[1]))
    with_momentum = quiet_fit(MLPClassifierPrimer(**{**params, "momentum": 0.9}), X, y)
    assert not np.allclose(_params(fits[0]), _params(with_momentum))


def test_shuffle(clf_data):
    X, y = clf_data
    params = dict(**SMALL, solver="sgd", max_iter=5)
    # One batch: the visiting order changes nothing but rounding.
    full = [
        quiet_fit(MLPClassifierPrimer(**params, shuffle=s, batch_size=len(y)), X, y)
        for s in (False, True)
    ]
    np.testing.assert_allclose(_params(full[0]), _params(full[1]), atol=1e-12)
    # Minibatches: shuffling changes the path; without it, order is data order.
    mini = [
        quiet_fit(MLPClassifierPrimer(**params, shuffle=s, batch_size=10), X, y)
        for s in (False, True)
    ]
    assert not np.allclose(_params(mini[0]), _params(mini[1]))
    perm = np.random.RandomState(1).permutation(len(y))
    reordered = quiet_fit(
        MLPClassifierPrimer(**params, shuffle=False, batch_size=10), X[perm], y[perm]
    )
    assert not np.allclose(_params(mini[0]), _params(reordered))


def test_batch_size_auto_and_clipping():
    X, y = make_classification(n_samples=250, n_features=5, random_state=0)
    params = dict(**SMALL, solver="sgd", max_iter=3)

    def fit(X, y, batch_size):
        est = MLPClassifierPrimer(**params, batch_size=batch_size)
        return _params(quiet_fit(est, X, y))

    # 'auto' is min(200, n_samples).
    np.testing.assert_array_equal(fit(X, y, "auto"), fit(X, y, 200))
    assert not np.allclose(fit(X, y, "auto"), fit(X, y, 250))
    np.testing.assert_array_equal(fit(X[:60], y[:60], "auto"), fit(X[:60], y[:60], 60))
    assert not np.allclose(fit(X[:60], y[:60], "auto"), fit(X[:60], y[:60], 30))
    # Larger than the data: clipped to n_samples, with scikit-learn's warning.
    with pytest.warns(UserWarning, match="It is going to be clipped"):
        clipped = fit(X[:60], y[:60], 1000)
    np.testing.assert_array_equal(clipped, fit(X[:60], y[:60], 60))


# -- partial_fit, warm_start, pickling --------------------------------------------


def test_partial_fit_classes(clf_data):
    X, y = clf_data
    est = MLPClassifierPrimer(**SMALL)
    with pytest.raises(ValueError, match="classes must be passed"):
        est.partial_fit(X, y)
    assert not hasattr(est, "coefs_")
    # A class missing from the first chunk still gets its output.
    first = y != 2
    est.partial_fit(X[first], y[first], classes=[0, 1, 2, 3])
    np.testing.assert_array_equal(est.classes_, [0, 1, 2, 3])
    assert est.predict_proba(X).shape == (len(y), 4)
    est.partial_fit(X, y)  # class 2 is known: fine, classes= may be omitted
    est.partial_fit(X, y, classes=[0, 1, 2, 3])
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 3
    before = _params(est).copy()
    with pytest.raises(ValueError, match="classes not in"):
        est.partial_fit(X, np.where(y == 0, 7, y))
    with pytest.raises(ValueError, match="not the same as on the first call"):
        est.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(_params(est), before)
    assert len(est.loss_curve_) == 3
    # Multilabel targets carry their classes with them.
    Y = np.column_stack([y == 0, y == 1]).astype(int)
    assert MLPClassifierPrimer(**SMALL).partial_fit(X, Y).predict(X).shape == Y.shape


def test_first_partial_fit_is_one_epoch_of_fit(reg_data):
    X, y = reg_data
    for solver in ["sgd", "adam"]:
        inc = MLPRegressorPrimer(**SMALL, solver=solver).partial_fit(X, y)
        full = quiet_fit(MLPRegressorPrimer(**SMALL, solver=solver, max_iter=1), X, y)
        np.testing.assert_array_equal(_params(inc), _params(full))
        assert inc.loss_curve_ == full.loss_curve_ and inc.t_ == len(y)


def test_partial_fit_restrictions(reg_data):
    X, y = reg_data
    assert not hasattr(MLPRegressorPrimer(solver="lbfgs"), "partial_fit")
    with pytest.raises(ValueError, match="early_stopping"):
        MLPRegressorPrimer(**SMALL, early_stopping=True).partial_fit(X, y)
    with pytest.raises(ValueError, match="balanced"):
        MLPClassifierPrimer(**SMALL, class_weight="balanced").partial_fit(
            X, y > 0, classes=[False, True]
        )


def test_warm_start_continues_and_counts_iterations_per_call(clf_data):
    X, y = clf_data
    # Plain SGD without shuffling keeps no state between epochs, so two
    # warm-started fits of 4 epochs are one fit of 8.
    params = dict(**SMALL, solver="sgd", momentum=0.0, shuffle=False, max_iter=4)
    warm = MLPClassifierPrimer(**params, warm_start=True)
    quiet_fit(warm, X, y)
    quiet_fit(warm, X, y)
    once = quiet_fit(MLPClassifierPrimer(**{**params, "max_iter": 8}), X, y)
    np.testing.assert_allclose(_params(warm), _params(once), rtol=0, atol=1e-14)
    np.testing.assert_allclose(warm.loss_curve_, once.loss_curve_, atol=1e-14)
    assert warm.n_iter_ == 4 and warm.t_ == 8 * len(y)
    # Without warm_start a second fit starts over.
    cold = MLPClassifierPrimer(**params)
    first = _params(quiet_fit(cold, X, y)).copy()
    np.testing.assert_array_equal(_params(quiet_fit(cold, X, y)), first)
    assert len(cold.loss_curve_) == 4


def test_warm_start_needs_the_same_architecture_and_classes(clf_data):
    X, y = clf_data
    est = quiet_fit(MLPClassifierPrimer(**SMALL, warm_start=True, max_iter=2), X, y)
    before = _params(est).copy()
    with pytest.raises(ValueError, match="architecture"):
        est.set_params(hidden_layer_sizes=(9,)).fit(X, y)
    est.set_params(hidden_layer_sizes=(8,))
    with pytest.raises(ValueError, match="same classes"):
        est.fit(X, np.where(y == 2, 0, y))
    np.testing.assert_array_equal(_params(est), before)


def test_warm_start_ignores_options_of_activations_it_does_not_use(clf_data):
    # maxout_pieces shapes only maxout layers, leaky_relu_slope only leaky ones:
    # changing them on a tanh net changes nothing, so training continues.
    X, y = clf_data
    est = quiet_fit(MLPClassifierPrimer(**SMALL, warm_start=True, max_iter=2), X, y)
    est.set_params(maxout_pieces=4, leaky_relu_slope=0.3)
    quiet_fit(est, X, y)
    assert len(est.loss_curve_) == 4
    # On a maxout net, the same change is refused (test_bad_input.py).
    est.set_params(activation="maxout", warm_start=False)
    quiet_fit(est, X, y)
    est.set_params(warm_start=True, maxout_pieces=2)
    with pytest.raises(ValueError, match="built with maxout_pieces=4"):
        est.fit(X, y)


@pytest.mark.parametrize("first_early_stopping", [False, True])
def test_warm_start_may_switch_early_stopping(clf_data, first_early_stopping):
    # scikit-learn fails here (a None record); sklmlp starts the missing one.
    X, y = clf_data
    params = dict(**SMALL, warm_start=True, max_iter=3)
    est = MLPClassifierPrimer(**params, early_stopping=first_early_stopping)
    quiet_fit(est, X, y)
    est.set_params(early_stopping=not first_early_stopping)
    quiet_fit(est, X, y)
    assert len(est.loss_curve_) == 6
    if first_early_stopping:
        assert est.best_loss_ == min(est.loss_curve_[3:])
    else:
        assert len(est.validation_scores_) == 3


def test_pickled_model_continues_with_partial_fit(reg_data):
    X, y = reg_data
    est = quiet_fit(MLPRegressorPrimer(**SMALL, solver="sgd", max_iter=3), X, y)
    copy = pickle.loads(pickle.dumps(est))
    for model in (est, copy):
        model.partial_fit(X[:60], y[:60])
        model.partial_fit(X[60:], y[60:])
    np.testing.assert_array_equal(_params(copy), _params(est))
    assert copy.loss_curve_ == est.loss_curve_ and copy.t_ == est.t_


# -- sample weights and class weights ---------------------------------------------


@pytest.mark.parametrize("Est", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_lbfgs_integer_weights_repeat_rows_and_zero_weights_drop_them(
    Est, clf_data, reg_data
):
    X, y = clf_data if Est is MLPClassifierPrimer else reg_data
    w = np.random.RandomState(0).randint(0, 4, size=len(y))
    params = dict(**SMALL, solver="lbfgs", max_iter=30, alpha=0.01)
    weighted = quiet_fit(Est(**params), X, y, sample_weight=w)
    repeated = quiet_fit(Est(**params), np.repeat(X, w, axis=0), np.repeat(y, w))
    assert 0 in w and weighted.loss_ == pytest.approx(repeated.loss_, rel=1e-9)
    np.testing.assert_allclose(_params(weighted), _params(repeated), atol=1e-7)
    assert weighted.n_iter_ == repeated.n_iter_


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_stochastic_weights_in_one_batch_repeat_rows(clf_data, solver):
    # With the whole data in one batch and a constant step, weighting a row by
    # k and repeating it k times give the same gradients.
    X, y = clf_data
    w = np.random.RandomState(0).randint(1, 4, size=len(y))
    params = dict(**SMALL, solver=solver, batch_size=1000, max_iter=5)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Got `batch_size`", UserWarning)
        weighted = quiet_fit(MLPClassifierPrimer(**params), X, y, sample_weight=w)
        repeated = quiet_fit(
            MLPClassifierPrimer(**params), np.repeat(X, w, axis=0), np.repeat(y, w)
        )
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(_params(weighted), _params(repeated), atol=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_zero_weights_drop_rows_in_minibatches(clf_data, solver):
    # Small batches of only zero-weight rows used to divide by a zero weight
    # sum (scikit-learn raises ZeroDivisionError there).
    X, y = clf_data
    w = np.zeros(len(y))
    w[::4] = 1.0
    params = dict(**SMALL, solver=solver, batch_size=5, max_iter=4)
    weighted = quiet_fit(MLPClassifierPrimer(**params), X, y, sample_weight=w)
    dropped = quiet_fit(MLPClassifierPrimer(**params), X[::4], y[::4])
    # Equal up to rounding: unit weights divide by their sum, not by a count.
    np.testing.assert_allclose(_params(weighted), _params(dropped), atol=1e-14)
    inc = MLPClassifierPrimer(**params).partial_fit(X, y, w, classes=[0, 1, 2])
    ref = MLPClassifierPrimer(**params).partial_fit(X[::4], y[::4], classes=[0, 1, 2])
    np.testing.assert_allclose(_params(inc), _params(ref), atol=1e-14)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_stochastic_weights_repeat_rows_in_distribution(solver):
    # In minibatches, a weighted batch and a batch of repeated rows have the
    # same expected gradient. Same number of updates (weights 1 and 3 double
    # the data, so half the epochs), different seeds: the weighted fit must
    # land nearer the repeated fit than the unweighted fit does.
    X, y = make_classification(n_samples=128, n_features=6, flip_y=0.1, random_state=0)
    w = np.tile([1, 3], 64)
    Xr, yr = np.repeat(X, w, axis=0), np.repeat(y, w)
    losses = {"weighted": [], "repeated": [], "unweighted": []}
    for seed in range(4):
        params = dict(
            SMALL,
            solver=solver,
            batch_size=16,
            learning_rate_init=0.01,
            random_state=seed,
        )
        fits = {
            "weighted": (MLPClassifierPrimer(max_iter=40, **params), X, y, w),
            "repeated": (MLPClassifierPrimer(max_iter=20, **params), Xr, yr, None),
            "unweighted": (MLPClassifierPrimer(max_iter=40, **params), X, y, None),
        }
        for name, (est, Xf, yf, wf) in fits.items():
            quiet_fit(est, Xf, yf, sample_weight=wf)
            losses[name].append(log_loss(y, est.predict_proba(X), sample_weight=w))
    mean = {name: np.mean(values) for name, values in losses.items()}
    gap = abs(mean["unweighted"] - mean["repeated"])
    assert abs(mean["weighted"] - mean["repeated"]) < 0.5 * gap


def _continue_both(X, y, params, class_weight, sample_weight=None):
    """Fit with class_weight, and from that model's start with sample weights.

    class_weight starts the output layer at the reweighted class frequencies;
    sample_weight keeps scikit-learn's start. From one starting point the two
    must train identically: a warm start from a copy of a one-iteration model.
    """
    start = quiet_fit(
        MLPClassifierPrimer(**{**params, "max_iter": 1}, class_weight=class_weight),
        X,
        y,
        sample_weight=sample_weight,
    )
    as_class = copy.deepcopy(start).set_params(warm_start=True, **params)
    as_sample = copy.deepcopy(start).set_params(
        warm_start=True, class_weight=None, **params
    )
    weights = compute_sample_weight(class_weight, y)
    if sample_weight is not None:
        weights = weights * sample_weight
    quiet_fit(as_class, X, y, sample_weight=sample_weight)
    quiet_fit(as_sample, X, y, sample_weight=weights)
    return as_class, as_sample


def test_class_weight_equals_sample_weight(clf_data):
    X, y = clf_data
    params = dict(**SMALL, solver="lbfgs", max_iter=20)
    cw = {0: 0.5, 1: 2.0, 2: 1.0}
    sw = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    for class_weight, sample_weight in [(cw, None), (cw, sw), ("balanced", None)]:
        # Combined with sample_weight: the product; 'balanced' is
        # n_samples / (n_classes * count).
        as_class, as_sample = _continue_both(X, y, params, class_weight, sample_weight)
        np.testing.assert_array_equal(_params(as_class), _params(as_sample))
    # Class weights work with partial_fit (a dict) and with string labels.
    names = np.array(["x", "y", "z"])[y]
    sgd = dict(SMALL, solver="sgd")
    a = MLPClassifierPrimer(**sgd, class_weight={"x": 0.5, "y": 2.0, "z": 1.0})
    a.partial_fit(X, names, classes=["x", "y", "z"])
    b = copy.deepcopy(a).set_params(class_weight=None)
    a.partial_fit(X, names)
    b.partial_fit(X, names, sample_weight=compute_sample_weight(cw, y))
    np.testing.assert_array_equal(_params(a), _params(b))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_class_weight_starts_at_the_reweighted_class_frequencies(n_classes):
    X, y = make_classification(
        n_samples=200,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        random_state=0,
    )
    cw = {0: 1000.0, 1: 1e-4, 2: 1e-4}
    cw = {c: cw[c] for c in range(n_classes)}
    # One epoch of a negligible step: the fitted biases are the starting ones.
    frozen = dict(SMALL, solver="sgd", learning_rate_init=1e-12, max_iter=1)
    est = quiet_fit(MLPClassifierPrimer(**frozen, class_weight=cw), X, y)
    weighted = np.bincount(y) * np.array(list(cw.values()))
    p = weighted / weighted.sum()
    if n_classes == 2:  # one logistic output: log-odds of class 1
        expected = [np.log(p[1] / p[0])]
    else:  # softmax: log-frequencies, centered
        expected = np.log(p) - np.log(p).mean()
    np.testing.assert_allclose(est.intercepts_[-1], expected, rtol=1e-8)
    assert (est.predict(X) == 0).all()
    # Without class_weight the biases are scikit-learn's Glorot draws.
    plain = quiet_fit(MLPClassifierPrimer(**frozen), X, y)
    bound = np.sqrt(6 / (8 + est.n_outputs_))
    assert np.abs(plain.intercepts_[-1]).max() < bound


def test_partial_fit_with_class_weight_learns_a_class_its_first_chunk_lacks():
    # The first chunk has no row of class 2: starting at its frequency there
    # (log(eps) = -36) would keep it out of reach. partial_fit keeps the
    # random start, and class 2 is learned from the later chunks.
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    cw = {0: 1.0, 1: 1.0, 2: 1.0}
    est = MLPClassifierPrimer((8,), learning_rate_init=0.01, class_weight=cw)
    est.set_params(random_state=0).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert np.abs(est.intercepts_[-1]).max() < 1.0
    for _ in range(150):
        est.partial_fit(X, y)
    assert np.mean(est.predict(X[y == 2]) == 2) > 0.8


def test_poisson_baseline_of_an_all_zero_chunk_stays_within_reach():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 3)
    y = rng.poisson(np.exp(1 + 0.5 * X[:, 0]))
    est = MLPRegressorPrimer(
        hidden_layer_sizes=(8,), loss="poisson", learning_rate_init=0.05, random_state=0
    )
    est.partial_fit(X[:50], np.zeros(50))
    # As if one of the 50 rows had counted one: log(1/50), not log(tiny) =
    # -708 (give or take the one Adam step of 0.05 the call took).
    assert est.intercepts_[-1][0] == pytest.approx(np.log(1 / 50), abs=0.051)
    for _ in range(100):
        est.partial_fit(X, y)
    assert est.score(X, y) > 0.3


def test_balanced_class_weight_helps_the_minority_class():
    X, y = make_classification(
        n_samples=300, n_features=5, weights=[0.9], flip_y=0.05, random_state=0
    )
    params = dict(**SMALL, solver="lbfgs", max_iter=100)
    recall = {}
    for cw in (None, "balanced"):
        est = quiet_fit(MLPClassifierPrimer(**params, class_weight=cw), X, y)
        recall[cw] = np.mean(est.predict(X)[y == 1] == 1)
    assert recall["balanced"] > recall[None]


# -- targets, input formats, dtypes -----------------------------------------------


def test_multilabel_and_multioutput(clf_data, reg_data):
    X, y = clf_data
    Y = np.column_stack([y == 0, y != 1, X[:, 0] > 0]).astype(int)
    clf = quiet_fit(MLPClassifierPrimer(**SMALL, solver="lbfgs", max_iter=200), X, Y)
    assert clf.predict(X).shape == Y.shape and clf.out_activation_ == "logistic"
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and not np.allclose(proba.sum(axis=1), 1)
    assert clf.score(X, Y) > 0.9  # subset accuracy
    X, y = reg_data
    Y2 = np.column_stack([y, -2 * y])
    reg = quiet_fit(MLPRegressorPrimer(**SMALL, solver="lbfgs", max_iter=200), X, Y2)
    assert reg.predict(X).shape == Y2.shape and reg.n_outputs_ == 2
    assert reg.score(X, Y2) > 0.95


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csc_matrix])
def test_sparse_input_trains_as_dense(clf_data, solver, fmt):
    X, y = clf_data
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    params = dict(**SMALL, solver=solver, max_iter=10)
    dense = quiet_fit(MLPClassifierPrimer(**params), X, y)
    sparse = quiet_fit(MLPClassifierPrimer(**params), fmt(X), y)
    np.testing.assert_allclose(_params(sparse), _params(dense), atol=1e-12)
    np.testing.assert_allclose(sparse.predict_proba(fmt(X)), dense.predict_proba(X))


def test_float32_trains_and_predicts_in_float32(clf_data, reg_data):
    X, y = clf_data
    X32 = X.astype(np.float32)
    for solver in ["adam", "lbfgs"]:
        est = quiet_fit(
            MLPClassifierPrimer(**SMALL, solver=solver, max_iter=10), X32, y
        )
        assert all(a.dtype == np.float32 for a in est.coefs_ + est.intercepts_)
        assert est.predict_proba(X32).dtype == np.float32
        assert est.predict_proba(X).dtype == np.float32  # float64 input, cast
        ref = quiet_fit(MLPClassifierPrimer(**SMALL, solver=solver, max_iter=10), X, y)
        np.testing.assert_allclose(
            est.predict_proba(X32), ref.predict_proba(X), atol=1e-3
        )
    X, y = reg_data
    reg = MLPRegressorPrimer(**SMALL, max_iter=5, warm_start=True)
    quiet_fit(reg, X.astype(np.float32), y)
    assert reg.predict(X).dtype == np.float32


@pytest.mark.parametrize("model_dtype", [np.float64, np.float32])
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_more_data_of_another_dtype_is_cast_to_the_models(reg_data, model_dtype, how):
    # A fitted model keeps its dtype: float32 data for a float64 model (and the
    # reverse) trains exactly as the same data cast to the model's dtype would.
    X, y = reg_data
    other = np.float32 if model_dtype == np.float64 else np.float64
    X_more = (X[::-1] * 0.5).astype(other)

    def run(X_second):
        params = dict(SMALL, max_iter=3, warm_start=how == "warm_start")
        est = MLPRegressorPrimer(**params)
        quiet_fit(est, X.astype(model_dtype), y)
        if how == "partial_fit":
            return est.partial_fit(X_second, y[::-1])
        return quiet_fit(est, X_second, y[::-1])

    mixed, same = run(X_more), run(X_more.astype(model_dtype))
    assert mixed.coefs_[0].dtype == model_dtype
    assert mixed.n_iter_ == same.n_iter_ and mixed.t_ == same.t_
    for a, b in zip(mixed.coefs_ + mixed.intercepts_, same.coefs_ + same.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert mixed.loss_curve_ == same.loss_curve_


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_convergence_warning_only_when_max_iter_is_reached(clf_data, solver):
    X, y = clf_data
    with pytest.warns(ConvergenceWarning):
        MLPClassifierPrimer(**SMALL, solver=solver, max_iter=3).fit(X, y)
    est = MLPClassifierPrimer(**SMALL, solver=solver, max_iter=3000, tol=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.fit(X, y)
    assert est.n_iter_ < 3000


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_prints_one_line_per_iteration(clf_data, solver):
    X, y = clf_data
    out = io.StringIO()
    with redirect_stdout(out):
        est = quiet_fit(
            MLPClassifierPrimer(**SMALL, solver=solver, max_iter=7, verbose=True), X, y
        )
    lines = [
        line for line in out.getvalue().splitlines() if line.startswith("Iteration")
    ]
    assert len(lines) == est.n_iter_ == len(est.loss_curve_)
    assert lines[-1] == f"Iteration {est.n_iter_}, loss = {est.loss_curve_[-1]:.8f}"
    silent = io.StringIO()
    with redirect_stdout(silent):
        quiet_fit(MLPClassifierPrimer(**SMALL, solver=solver, max_iter=7), X, y)
    assert silent.getvalue() == ""


def test_loss_curve_is_the_training_objective(clf_data):
    # With one batch per epoch, epoch k reports the objective at the weights
    # epoch k - 1 ended with: mean log loss plus 0.5 * alpha * ||W||^2 / n.
    X, y = clf_data
    est = MLPClassifierPrimer(
        **SMALL, solver="sgd", alpha=0.5, max_iter=1, warm_start=True
    )
    quiet_fit(est, X, y)
    assert est.loss_ == est.loss_curve_[-1]
    penalty = 0.5 * 0.5 * sum(np.sum(c**2) for c in est.coefs_) / len(y)
    expected = log_loss(y, est.predict_proba(X)) + penalty
    quiet_fit(est, X, y)
    assert est.loss_curve_[1] == pytest.approx(expected, rel=1e-12)


# -- target scaling (normalize_y) -------------------------------------------------


def test_normalize_y_makes_predictions_equivariant_to_the_target_scale(reg_data):
    # Standardized targets are the same whatever the units: a model of
    # 1000 * y + 5000 predicts 1000 * (the model of y) + 5000.
    X, y = reg_data
    params = dict(SMALL, solver="lbfgs", max_iter=30)
    small = quiet_fit(MLPRegressorPrimer(**params), X, y)
    large = quiet_fit(MLPRegressorPrimer(**params), X, 1000 * y + 5000)
    np.testing.assert_allclose(
        large.predict(X), 1000 * small.predict(X) + 5000, rtol=1e-6
    )
    np.testing.assert_allclose(large.loss_curve_, small.loss_curve_, rtol=1e-6)
    # Without it, the scale changes the fit (scikit-learn's path).
    raw = dict(params, normalize_y=False)
    small = quiet_fit(MLPRegressorPrimer(**raw), X, y)
    large = quiet_fit(MLPRegressorPrimer(**raw), X, 1000 * y + 5000)
    assert large.y_scale_ is None and large.y_offset_ is None
    gap = np.abs(large.predict(X) - (1000 * small.predict(X) + 5000)).max()
    assert gap > 1.0


def test_normalize_y_is_a_standard_scaler_on_the_targets(reg_data):
    X, y = reg_data
    y = np.column_stack([300 * y + 20, -y])
    params = dict(SMALL, solver="lbfgs", max_iter=30)
    ours = quiet_fit(MLPRegressorPrimer(**params), X, y)
    reference = TransformedTargetRegressor(
        MLPRegressorPrimer(**params, normalize_y=False), transformer=StandardScaler()
    )
    quiet_fit(reference, X, y)
    np.testing.assert_allclose(ours.y_offset_, y.mean(axis=0))
    np.testing.assert_allclose(ours.y_scale_, y.std(axis=0))
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-6)
    # Weighted as the loss weights samples.
    w = np.random.RandomState(0).uniform(0, 3, size=len(y))
    weighted = quiet_fit(MLPRegressorPrimer(**params), X, y, sample_weight=w)
    mean = np.average(y, axis=0, weights=w)
    np.testing.assert_allclose(weighted.y_offset_, mean)
    np.testing.assert_allclose(
        weighted.y_scale_, np.sqrt(np.average((y - mean) ** 2, axis=0, weights=w))
    )


def test_normalize_y_poisson_starts_at_the_intercept_only_model(reg_data):
    X, _ = reg_data
    y = np.random.RandomState(0).poisson(np.exp(0.5 * X[:, 0] + 4))
    # One epoch of a negligible step: the fitted model is the starting one.
    frozen = dict(SMALL, loss="poisson", learning_rate_init=1e-12, max_iter=1)
    est = quiet_fit(MLPRegressorPrimer(**frozen), X, y)
    # The counts as given (the log link turns their scale into the bias),
    # the output bias at the log of their mean, zero output weights: every
    # prediction is the mean count.
    assert est.y_offset_ is None and est.y_scale_ is None
    assert est.weight_init_ == ["glorot", "zeros"]
    np.testing.assert_allclose(est.intercepts_[-1], np.log(y.mean()), rtol=1e-9)
    np.testing.assert_allclose(est.predict(X), y.mean(), rtol=1e-9)
    # normalize_y=False: scikit-learn's random start, far from the counts.
    raw = quiet_fit(MLPRegressorPrimer(**frozen, normalize_y=False), X, y)
    assert raw.weight_init_ == ["glorot", "glorot"]
    assert np.abs(raw.intercepts_[-1]).max() < 1.0


def test_normalize_y_adam_starts_at_the_mean_target(reg_data):
    X, y = reg_data
    frozen = dict(SMALL, learning_rate_init=1e-12, max_iter=1)
    est = quiet_fit(MLPRegressorPrimer(**frozen), X, 50 * y + 3)
    assert est.weight_init_ == ["glorot", "zeros"]
    np.testing.assert_allclose(est.predict(X), np.mean(50 * y + 3), rtol=1e-9)
    # SGD keeps a random output layer (its steps scale with the gradient,
    # and zero output weights would hold back the hidden layers).
    sgd = quiet_fit(MLPRegressorPrimer(**frozen, solver="sgd"), X, 50 * y + 3)
    assert sgd.weight_init_ == ["glorot", "glorot"]
    # An explicit scheme is taken as given.
    he = quiet_fit(MLPRegressorPrimer(**frozen, weight_init="he"), X, y)
    assert he.weight_init_ == ["he", "he"]


def test_normalize_y_scale_is_fixed_by_the_first_call(reg_data):
    X, y = reg_data
    est = MLPRegressorPrimer(**SMALL, solver="sgd")
    est.partial_fit(X[:60], y[:60])
    offset, scale = est.y_offset_.copy(), est.y_scale_.copy()
    est.partial_fit(X[60:], 10 * y[60:])
    assert est.y_offset_ == offset and est.y_scale_ == scale
    # A warm-started fit continues on the same scale; switching the option
    # is a change of model, refused as architecture changes are.
    warm = quiet_fit(MLPRegressorPrimer(**SMALL, max_iter=5, warm_start=True), X, y)
    scale = warm.y_scale_.copy()
    quiet_fit(warm, X, 3 * y)
    assert warm.y_scale_ == scale
    with pytest.raises(ValueError, match="normalize_y=True; got normalize_y=False"):
        warm.set_params(normalize_y=False).fit(X, y)


@pytest.mark.parametrize("scale", [1e-15, 1e-200, 1e200])
def test_normalize_y_at_any_magnitude(reg_data, scale):
    # The scale is taken relative to the targets' own magnitude: 1e-15 is a
    # spread like any other, as StandardScaler sees it.
    X, y = reg_data
    params = dict(SMALL, solver="lbfgs", max_iter=30)
    unit = quiet_fit(MLPRegressorPrimer(**params), X, y)
    scaled = quiet_fit(MLPRegressorPrimer(**params), X, scale * y)
    assert scaled.y_scale_[0] == pytest.approx(scale * y.std(), rel=1e-12)
    np.testing.assert_allclose(scaled.predict(X), scale * unit.predict(X), rtol=1e-6)


def test_normalize_y_constant_and_single_row_targets():
    X = np.random.RandomState(0).randn(20, 3)
    est = quiet_fit(MLPRegressorPrimer(**SMALL, solver="lbfgs"), X, np.full(20, 7.0))
    assert est.y_scale_ == 1.0 and est.y_offset_ == 7.0
    np.testing.assert_allclose(est.predict(X), 7.0, atol=0.01)
    one = MLPRegressorPrimer(**SMALL).partial_fit(X[:1], [5.0])
    assert one.y_scale_ == 1.0 and np.isfinite(one.predict(X)).all()


def test_normalize_y_keeps_float32(reg_data):
    X, y = reg_data
    est = quiet_fit(
        MLPRegressorPrimer(**SMALL, max_iter=5), X.astype(np.float32), 1e4 * y
    )
    assert est.y_scale_.dtype == est.y_offset_.dtype == np.float32
    assert est.predict(X.astype(np.float32)).dtype == np.float32


# -- divergence --------------------------------------------------------------------


def test_poisson_sgd_on_unscaled_inputs_raises_and_leaves_the_estimator_unfitted():
    rng = np.random.RandomState(0)
    X = rng.normal(100, 1, size=(100, 3))
    y = X[:, 0]
    est = MLPRegressorPrimer(
        loss="poisson", solver="sgd", random_state=0, max_iter=20, input_scaling=None
    )
    before = dict(est.__dict__)
    with pytest.raises(ValueError, match="Training diverged"):
        est.fit(X, y)
    assert est.__dict__ == before
    with pytest.raises(NotFittedError):
        est.predict(X)


@pytest.mark.parametrize("warm_start", [True, False])
def test_divergence_leaves_a_fitted_estimator_unchanged(reg_data, warm_start):
    # warm_start=False: fit trains a new model in place in the vector its
    # initial weights were drawn into; the fitted one must survive regardless.
    X, y = reg_data
    params = dict(SMALL, solver="sgd", shuffle=False, batch_size=10, max_iter=3)
    # normalize_y=False: targets of 1e200, as given, overflow the loss.
    params["normalize_y"] = False
    est = quiet_fit(MLPRegressorPrimer(**params, warm_start=warm_start), X, y)
    state = pickle.dumps(est)
    # The last batch overflows, after eleven updates of the weights and of the
    # optimizer's velocity: none of them may survive the failed call.
    y_bad = y.copy()
    y_bad[-5:] = 1e200
    for call in (est.fit, est.partial_fit):
        with pytest.raises(ValueError, match="Training diverged at epoch 1"):
            call(X, y_bad)
        assert pickle.dumps(est) == state
        assert np.isfinite(est.predict(X)).all()


# -- dropout and input noise ----------------------------------------------------------


def test_dropout(clf_data):
    X, y = clf_data
    params = dict(SMALL, hidden_layer_sizes=(16, 16), max_iter=5)
    plain = quiet_fit(MLPClassifierPrimer(**params), X, y)
    dropped = quiet_fit(MLPClassifierPrimer(**params, dropout=0.5), X, y)
    again = quiet_fit(MLPClassifierPrimer(**params, dropout=0.5), X, y)
    assert not np.allclose(_params(plain), _params(dropped))
    np.testing.assert_array_equal(_params(dropped), _params(again))  # seeded masks
    # Off at predict time: deterministic, and the plain forward pass.
    np.testing.assert_array_equal(dropped.predict_proba(X), dropped.predict_proba(X))
    h = X
    for W, b in zip(dropped.coefs_[:-1], dropped.intercepts_[:-1]):
        h = np.tanh(h @ W + b)
    logits = h @ dropped.coefs_[-1] + dropped.intercepts_[-1]
    np.testing.assert_allclose(dropped.decision_function(X), logits, rtol=1e-12)
    # One rate per hidden layer; a scalar is that rate everywhere.
    per_layer = quiet_fit(MLPClassifierPrimer(**params, dropout=[0.5, 0.5]), X, y)
    np.testing.assert_array_equal(_params(per_layer), _params(dropped))
    first_only = quiet_fit(MLPClassifierPrimer(**params, dropout=[0.5, 0.0]), X, y)
    second_only = quiet_fit(MLPClassifierPrimer(**params, dropout=[0.0, 0.5]), X, y)
    assert not np.allclose(_params(first_only), _params(second_only))
    with pytest.raises(ValueError, match="2 hidden"):
        MLPClassifierPrimer(**params, dropout=[0.5]).fit(X, y)
    with pytest.raises(ValueError):
        MLPClassifierPrimer(**params, dropout=1.0).fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver"):
        MLPClassifierPrimer(**params, dropout=0.5, solver="lbfgs").fit(X, y)


def test_inverted_dropout_preserves_the_expected_activation():
    # The core's training pass: kept units are scaled by 1 / (1 - p), so the
    # mean over masks of a dropped-out activation is the activation itself.
    rng = np.random.RandomState(0)
    net = Network([3, 50, 2], ["relu"], "squared_error")
    params = net.init_params(rng, ["he", "he"], ["relu", "relu"], "auto")
    x = np.repeat(rng.randn(1, 3), 20000, axis=0)
    _, inputs, outputs, _, masks, _ = net._forward_train(
        net.unpack(params), x, rng=rng, dropout=[0.3]
    )
    activation, dropped = outputs[0][0], inputs[1]
    assert np.mean(masks[0] == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(dropped.mean(axis=0), activation, rtol=0.05, atol=1e-12)


def test_input_noise(clf_data):
    X, y = clf_data
    X_before = X.copy()
    params = dict(**SMALL, max_iter=5)
    plain = quiet_fit(MLPClassifierPrimer(**params), X, y)
    noisy = quiet_fit(MLPClassifierPrimer(**params, input_noise=0.5), X, y)
    again = quiet_fit(MLPClassifierPrimer(**params, input_noise=0.5), X, y)
    assert not np.allclose(_params(plain), _params(noisy))
    np.testing.assert_array_equal(_params(noisy), _params(again))
    np.testing.assert_array_equal(X, X_before)  # the noise goes on a copy
    Xs = sp.csr_matrix(X)
    quiet_fit(MLPClassifierPrimer(**params, input_noise=0.5), Xs, y)
    np.testing.assert_array_equal(Xs.toarray(), X_before)
    np.testing.assert_array_equal(noisy.predict_proba(X), noisy.predict_proba(X))
    with pytest.raises(ValueError, match="stochastic solver"):
        MLPClassifierPrimer(**params, input_noise=0.5, solver="lbfgs").fit(X, y)


@pytest.mark.parametrize("perturbation", [{"dropout": 0.5}, {"input_noise": 0.3}])
def test_partial_fit_draws_fresh_dropout_and_noise_on_every_call(
    clf_data, monkeypatch, perturbation
):
    # An int random_state re-seeds each call (scikit-learn's partial_fit replays
    # its shuffling order too), but replayed masks or noise would be a fixed
    # perturbation of each sample, not a random one.
    X, y = clf_data
    first_draws = []
    forward = Network._forward_train

    def spy(self, views, X, *, rng, **kwargs):
        _, key, pos, *_ = rng.get_state()
        first_draws.append(hash((key.tobytes(), pos)))  # where the stream is
        return forward(self, views, X, rng=rng, **kwargs)

    monkeypatch.setattr(Network, "_forward_train", spy)
    params = dict(**SMALL, solver="sgd", shuffle=False, batch_size=len(y))
    est = MLPClassifierPrimer(**params, **perturbation)
    for _ in range(3):
        est.partial_fit(X, y, classes=np.unique(y))
    assert len(set(first_draws)) == 3, first_draws
    # Still deterministic: the same calls give the same model.
    again = MLPClassifierPrimer(**params, **perturbation)
    for _ in range(3):
        again.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_array_equal(_params(again), _params(est))
    # Without dropout or noise every call starts over, as in scikit-learn.
    first_draws.clear()
    plain = MLPClassifierPrimer(**{**params, "shuffle": True})
    for _ in range(3):
        plain.partial_fit(X, y, classes=np.unique(y))
    assert first_draws[1] == first_draws[2]  # (the first call also drew weights)


# -- callbacks ----------------------------------------------------------------------


def test_callbacks(clf_data):
    X, y = clf_data
    seen, rec = [], _Recorder(stop_at=3)
    est = MLPClassifierPrimer(
        **SMALL, solver="sgd", max_iter=20, callbacks=[lambda e, i: seen.append(e), rec]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # stopped by a callback: no warning
        est.fit(X, y)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    assert all(e is est for e in seen) and len(seen) == 3
    assert [i["epoch"] for i in rec.infos] == [1, 2, 3]
    assert [i["loss"] for i in rec.infos] == est.loss_curve_
    assert set(rec.infos[0]) == {"epoch", "loss", "learning_rate"}
    np.testing.assert_array_equal(_params(est), rec.weights[-1])
    # The first callback asking to stop does not skip the others.
    calls = []
    est = MLPClassifierPrimer(
        **SMALL,
        max_iter=20,
        callbacks=[lambda e, i: True, lambda e, i: calls.append(i["epoch"])],
    )
    est.fit(X, y)
    assert calls == [1] and est.n_iter_ == 1
    # With lbfgs a callback sees every iteration and can stop it too.
    rec = _Recorder(stop_at=4)
    est = MLPClassifierPrimer(**SMALL, solver="lbfgs", callbacks=rec).fit(X, y)
    ref = quiet_fit(MLPClassifierPrimer(**SMALL, solver="lbfgs", max_iter=4), X, y)
    assert est.n_iter_ == 4 and [i["epoch"] for i in rec.infos] == [1, 2, 3, 4]
    np.testing.assert_array_equal(_params(est), _params(ref))
    np.testing.assert_array_equal(rec.weights[-1], _params(ref))
    with pytest.raises(TypeError, match="callables"):
        MLPClassifierPrimer(**SMALL, callbacks=[1]).fit(X, y)


def test_a_failing_callback_leaves_the_estimator_unchanged(clf_data):
    X, y = clf_data

    def boom(est, info):
        if info["epoch"] == 2:
            raise RuntimeError("boom")

    est = MLPClassifierPrimer(**SMALL, max_iter=5, callbacks=boom)
    with pytest.raises(RuntimeError, match="boom"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


def _held_values(est):
    """The objects the estimator holds, each with its pickled contents."""
    return {key: (value, pickle.dumps(value)) for key, value in vars(est).items()}


def _assert_held_unchanged(est, held):
    # Every value the estimator held before the call is still there and
    # unchanged: the call trained copies and only rebound attributes.
    for key, (value, dumped) in held.items():
        assert pickle.dumps(value) == dumped, key


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_call_changes_none_of_the_values_the_estimator_held(clf_data, solver):
    from sklmlp.callbacks import EpochScoring

    X, y = clf_data
    scoring = [EpochScoring("accuracy")]
    est = quiet_fit(
        MLPClassifierPrimer(
            **SMALL, solver=solver, max_iter=3, warm_start=True, callbacks=scoring
        ),
        X,
        y,
    )
    calls = [est.fit] if solver == "lbfgs" else [est.fit, est.partial_fit]

    def boom(estimator, info):
        raise RuntimeError("boom")

    for call in calls:
        # A failed call: the estimator names the very objects it held.
        held = _held_values(est)
        est.set_params(callbacks=[EpochScoring("neg_log_loss"), boom])
        with pytest.raises(RuntimeError, match="boom"):
            call(X, y)
        est.set_params(callbacks=scoring)
        assert list(vars(est)) == list(held)
        for key, (value, _) in held.items():
            assert vars(est)[key] is value, key
        _assert_held_unchanged(est, held)
        # A call that succeeds publishes new records, moments and weights,
        # and leaves the old ones as they were too.
        held = _held_values(est)
        n_epochs = len(est.history_)
        quiet_fit(est, X, y) if call == est.fit else call(X, y)
        assert len(est.history_) > n_epochs
        _assert_held_unchanged(est, held)


def test_the_fit_state_is_not_kept_on_the_estimator(clf_data):
    # Saved files keep the attributes of sklmlp 0.2.0 (and skops's trusted
    # types): the fit state is published as attributes, never stored whole.
    from sklmlp._fit_state import FitState, Records

    X, y = clf_data
    for params in (dict(solver="adam"), dict(solver="lbfgs")):
        est = quiet_fit(MLPClassifierPrimer(**SMALL, **params), X, y)
        est.partial_fit(X, y) if params["solver"] == "adam" else None
        kept = [type(v) for v in vars(est).values()]
        assert FitState not in kept and Records not in kept


# -- hidden-layer diagnostics ---------------------------------------------------------


def test_hidden_activations_and_dead_units(clf_data):
    X, y = clf_data
    est = quiet_fit(
        MLPClassifierPrimer(hidden_layer_sizes=(10, 6), random_state=0, max_iter=5),
        X,
        y,
    )
    hidden = est.hidden_activations(X)
    # The network takes the inputs scaled and smoothly clipped.
    z = (X - est.input_center_) / est.input_scale_
    z /= np.sqrt(1 + (z / 5) ** 2)
    h1 = np.maximum(z @ est.coefs_[0] + est.intercepts_[0], 0)
    h2 = np.maximum(h1 @ est.coefs_[1] + est.intercepts_[1], 0)
    assert [h.shape for h in hidden] == [(len(y), 10), (len(y), 6)]
    np.testing.assert_allclose(hidden[0], h1)
    np.testing.assert_allclose(hidden[1], h2)
    expected = [np.mean(np.all(h == 0, axis=0)) for h in (h1, h2)]
    np.testing.assert_array_equal(est.dead_unit_fraction(X), expected)
    # Kill two units of the first layer and one of the second.
    est.intercepts_[0][[1, 4]] = -1e6
    est.intercepts_[1][0] = -1e6
    fractions = est.dead_unit_fraction(X)
    assert fractions[0] == pytest.approx(expected[0] + 2 / 10)
    assert fractions[1] >= 1 / 6
    # A logistic unit never outputs exactly zero.
    logistic = quiet_fit(
        MLPClassifierPrimer(hidden_layer_sizes=(5,), activation="logistic", max_iter=2),
        X,
        y,
    )
    np.testing.assert_array_equal(logistic.dead_unit_fraction(X), [0.0])
    with pytest.raises(NotFittedError):
        MLPClassifierPrimer().hidden_activations(X)


def test_keyboard_interrupt_keeps_the_epochs_trained_so_far():
    """Ctrl-C ends training as in scikit-learn: a warning, the weights so far."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(120, 4), rng.randint(3, size=120)

    def interrupt(estimator, info):
        if info["epoch"] == 3:
            raise KeyboardInterrupt

    params = dict(hidden_layer_sizes=(6,), solver="sgd", random_state=0)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        stopped = MLPClassifierPrimer(callbacks=interrupt, **params).fit(X, y)
    assert stopped.n_iter_ == 3 and len(stopped.loss_curve_) == 3
    with pytest.warns(ConvergenceWarning):
        three = MLPClassifierPrimer(max_iter=3, **params).fit(X, y)
    for a, b in zip(
        stopped.coefs_ + stopped.intercepts_, three.coefs_ + three.intercepts_
    ):
        np.testing.assert_array_equal(a, b)


def test_lbfgs_ignores_early_stopping_and_keeps_no_validation_records():
    rng = np.random.RandomState(0)
    X, y = rng.randn(80, 3), rng.randint(2, size=80)
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=300, random_state=0)
    stopped = MLPClassifierPrimer(early_stopping=True, **params).fit(X, y)
    plain = MLPClassifierPrimer(**params).fit(X, y)
    assert stopped.validation_scores_ is None
    assert stopped.best_validation_score_ is None
    assert stopped.validation_loss_curve_ is None
    assert stopped.best_loss_ == stopped.loss_ == plain.loss_
    np.testing.assert_array_equal(stopped.coefs_[0], plain.coefs_[0])


def test_predict_proba_follows_the_fitted_loss(clf_data):
    X, y = clf_data
    hinge = quiet_fit(MLPClassifierPrimer(**SMALL, loss="hinge", max_iter=5), X, y)
    hinge.set_params(loss="log_loss")  # a parameter, not the fitted model
    assert not hasattr(hinge, "predict_proba")
    with pytest.raises(AttributeError):
        hinge.predict_proba(X)
    proba = quiet_fit(MLPClassifierPrimer(**SMALL, max_iter=5), X, y)
    proba.set_params(loss="hinge")
    assert hasattr(proba, "predict_proba")


# -- history_: one dict per epoch, the records scikit-learn users know read from it --


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_history_has_one_entry_per_epoch_and_the_curves_come_from_it(clf_data, solver):
    from sklmlp.callbacks import EpochScoring

    X, y = clf_data
    early = solver != "lbfgs"
    est = MLPClassifierPrimer(
        **{**SMALL, "max_iter": 6},
        solver=solver,
        early_stopping=early,
        callbacks=[EpochScoring("accuracy")],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    history = est.history_
    assert len(history) == len(est.loss_curve_) == est.n_iter_ > 0
    assert [e["epoch"] for e in history] == list(range(1, len(history) + 1))
    assert [e["loss"] for e in history] == est.loss_curve_
    assert est.epoch_scores_ == {"accuracy": [e["accuracy"] for e in history]}
    assert all(e["time"] >= 0 for e in history)
    if early:
        assert [e["validation_score"] for e in history] == est.validation_scores_
        assert [e["validation_loss"] for e in history] == est.validation_loss_curve_
        assert all(e["learning_rate"] > 0 for e in history)
    else:
        assert est.validation_scores_ is None and est.validation_loss_curve_ is None


def test_history_runs_on_across_warm_starts_while_an_lbfgs_curve_starts_again(
    clf_data,
):
    X, y = clf_data
    est = MLPClassifierPrimer(
        **{**SMALL, "max_iter": 4}, solver="sgd", early_stopping=True, warm_start=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
        held_out = est.validation_scores_
        est.set_params(solver="lbfgs").fit(X, y)
    assert len(est.history_) == 4 + len(est.loss_curve_)
    assert est.loss_curve_ == [e["loss"] for e in est.history_[4:]]
    # lbfgs holds nothing out and leaves the held-out records as they were.
    assert est.validation_scores_ == held_out and len(held_out) == 4


def test_unfitted_estimator_has_no_records():
    est = MLPClassifierPrimer()
    for name in ("history_", "loss_curve_", "validation_scores_", "epoch_scores_"):
        assert not hasattr(est, name)
    with pytest.raises(AttributeError, match="loss_curve_"):
        est.loss_curve_
