"""Optimizers on the flat vector: scikit-learn's update rules, in place."""

import pickle

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sklmlp._core.network import Network
from sklmlp._core.optimizers import SGD, Adam
from sklmlp._training import minimize_lbfgs, run_epoch


def _steps(ours, theirs, n_steps=6):
    rng = np.random.RandomState(0)
    flat = rng.randn(10)
    # scikit-learn's optimizers take a list of per-layer arrays.
    layered = [flat[:4].copy(), flat[4:].copy()]
    for _ in range(n_steps):
        g = rng.randn(10)
        ours.update(flat, g.copy())
        theirs.update_params(layered, [g[:4].copy(), g[4:].copy()])
    return flat, np.concatenate(layered)


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_scikit_learn(nesterov, momentum):
    ours = SGD(10, np.float64, 0.1, "constant", momentum, nesterov, 0.5)
    theirs = SGDOptimizer(
        [np.zeros(4), np.zeros(6)], 0.1, "constant", momentum, nesterov, 0.5
    )
    a, b = _steps(ours, theirs)
    np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


def test_adam_matches_scikit_learn():
    ours = Adam(10, np.float64, 0.01, 0.9, 0.999, 1e-8)
    theirs = AdamOptimizer([np.zeros(4), np.zeros(6)], 0.01, 0.9, 0.999, 1e-8)
    a, b = _steps(ours, theirs)
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    assert ours.t == 6


def test_schedules():
    sgd = SGD(3, np.float64, 0.1, "invscaling", 0.9, True, 0.5)
    sgd.iteration_ends(99)
    assert sgd.learning_rate == pytest.approx(0.1 / 100**0.5)
    adaptive = SGD(3, np.float64, 0.1, "adaptive", 0.9, True, 0.5)
    assert adaptive.trigger_stopping("stalled.")[0] is False
    assert adaptive.learning_rate == pytest.approx(0.02)
    adaptive.learning_rate = 1e-7
    assert adaptive.trigger_stopping("stalled.")[0] is True
    constant = SGD(3, np.float64, 0.1, "constant", 0.9, True, 0.5)
    assert constant.trigger_stopping("stalled.")[0] is True
    assert Adam(3, np.float64, 0.1, 0.9, 0.999, 1e-8).trigger_stopping("")[0]


def test_a_base_rate_replaces_learning_rate_init_in_every_schedule():
    # What a learning-rate scheduler sets between epochs: the base rate. The
    # rate in effect follows each schedule's rule from it.
    sgd = SGD(3, np.float64, 0.1, "constant", 0.9, True, 0.5)
    sgd.set_base_learning_rate(0.03)
    assert sgd.base_learning_rate == sgd.learning_rate == 0.03
    inv = SGD(3, np.float64, 0.1, "invscaling", 0.9, True, 0.5)
    inv.iteration_ends(99)
    inv.set_base_learning_rate(0.4)
    assert inv.learning_rate == pytest.approx(0.4 / 100**0.5)
    inv.iteration_ends(399)
    assert inv.learning_rate == pytest.approx(0.4 / 400**0.5)
    adaptive = SGD(3, np.float64, 0.1, "adaptive", 0.9, True, 0.5)
    adaptive.trigger_stopping("stalled.")
    adaptive.trigger_stopping("stalled.")
    assert adaptive.learning_rate == pytest.approx(0.1 / 25)
    adaptive.set_base_learning_rate(0.5)
    assert adaptive.learning_rate == pytest.approx(0.5 / 25)
    # Adam's bias-corrected step size derives from the base rate, every step.
    ours = Adam(10, np.float64, 0.01, 0.9, 0.999, 1e-8)
    theirs = AdamOptimizer([np.zeros(4), np.zeros(6)], 0.01, 0.9, 0.999, 1e-8)
    _steps(ours, theirs, n_steps=3)
    ours.set_base_learning_rate(0.002)
    theirs.learning_rate_init = 0.002
    a, b = _steps(ours, theirs, n_steps=3)  # scikit-learn's rule at lr 0.002
    np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    assert ours.t == 6
    assert ours.learning_rate == pytest.approx(
        0.002 * np.sqrt(1 - 0.999**6) / (1 - 0.9**6), rel=1e-14
    )


def test_optimizers_saved_before_base_rates_load_with_one():
    for opt in [
        SGD(3, np.float64, 0.1, "adaptive", 0.9, True, 0.5),
        Adam(3, np.float64, 0.1, 0.9, 0.999, 1e-8),
    ]:
        for new in ("base_learning_rate", "time_step", "n_reductions"):
            opt.__dict__.pop(new, None)  # as an older sklmlp pickled it
        loaded = pickle.loads(pickle.dumps(opt))
        assert loaded.base_learning_rate == 0.1
        params = np.ones(3)
        loaded.update(params, np.ones(3))
        assert np.all(params < 1)
        if isinstance(loaded, SGD):
            loaded.set_base_learning_rate(0.2)
            assert loaded.learning_rate == 0.2


def test_optimizer_state_keeps_the_dtype():
    for opt in [
        SGD(5, np.float32, 0.1, "constant", 0.9, True, 0.5),
        Adam(5, np.float32, 0.1, 0.9, 0.999, 1e-8),
    ]:
        for state in vars(opt).values():
            if isinstance(state, np.ndarray):  # velocity, or Adam's moments
                assert state.dtype == np.float32
                np.testing.assert_array_equal(state, 0)
        params = np.ones(5, dtype=np.float32)
        opt.update(params, np.full(5, 0.5, dtype=np.float32))
        assert params.dtype == np.float32
        assert np.all(params < 1)


def test_lbfgs_solves_least_squares():
    """A net without hidden layers under squared error is linear least squares."""
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    Y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 + 0.01 * rng.randn(50, 1)
    net = Network([3, 1], [], "squared_error")
    result = minimize_lbfgs(
        net,
        np.zeros(net.n_params),
        X,
        Y,
        None,
        alpha=0.0,
        max_iter=200,
        max_fun=1000,
        tol=1e-10,
    )
    A = np.hstack([X, np.ones((50, 1))])
    exact = np.linalg.lstsq(A, Y, rcond=None)[0].ravel()
    # L-BFGS-B stops on its relative-reduction test (ftol) near 1e-9.
    np.testing.assert_allclose(result.x, exact, rtol=1e-4, atol=1e-5)
    assert result.fun == pytest.approx(net.loss(exact, X, Y), rel=1e-7)


def test_run_epoch_reports_divergence_as_non_finite():
    rng = np.random.RandomState(0)
    X, Y = rng.randn(40, 3) * 100, rng.randn(40, 1) * 100
    net = Network([3, 8, 1], ["relu"], "squared_error")
    params = net.init_params(rng, ["he", "he"], ["relu", "relu"], 0.0)
    opt = SGD(net.n_params, np.float64, 10.0, "constant", 0.9, True, 0.5)
    losses = [
        run_epoch(net, params, opt, X, Y, None, 10, rng, order=rng.permutation(40))
        for _ in range(5)
    ]
    assert not np.isfinite(losses[-1])
