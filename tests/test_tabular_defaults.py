"""The tabular defaults: input scaling inside the model, and the switch back."""

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import numerical_gradient, quiet_fit, relative_error
from sklearn.datasets import load_breast_cancer, make_regression

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.network import Network

SMALL = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)


@pytest.fixture(scope="module")
def raw_table():
    # Columns on wildly different scales, far from zero, as tables come.
    X, y = load_breast_cancer(return_X_y=True)
    return X[:300], y[:300]


def test_auto_parameters_resolve_by_defaults():
    clf, reg = MLPClassifierPrimer(), MLPRegressorPrimer()
    assert clf.get_params()["input_scaling"] == "auto"
    assert (clf._param("input_scaling"), clf._param("beta_2")) == ("standard", 0.95)
    assert (reg._param("input_scaling"), reg._param("normalize_y")) == ("robust", True)
    for est in (clf.set_params(defaults="sklearn"), reg.set_params(defaults="sklearn")):
        assert est._param("input_scaling") is None and est._param("beta_2") == 0.999
    assert reg._param("normalize_y") is False
    # A value set explicitly is used under either.
    explicit = MLPClassifierPrimer(defaults="sklearn", input_scaling="robust")
    assert explicit._param("input_scaling") == "robust"


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_raw_features_train_as_well_as_any_positive_affine_rescaling(
    Estimator, raw_table
):
    # The scaling measures each column itself: a model of the same data in
    # other units (a positive scale and a shift per column) predicts the same.
    X, y = raw_table
    a = np.logspace(-4, 4, X.shape[1])
    b = np.linspace(-1e3, 1e3, X.shape[1])
    target = y if Estimator is MLPClassifierPrimer else X[:, 0] * 10 + y
    one = quiet_fit(Estimator(**SMALL), X, target)
    other = quiet_fit(Estimator(**SMALL), X * a + b, target)
    np.testing.assert_allclose(
        one.predict(X), other.predict(X * a + b), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(other.input_scale_, one.input_scale_ * a, rtol=1e-8)


def test_raw_features_beat_the_unscaled_network(raw_table):
    X, y = raw_table
    params = {**SMALL, "max_iter": 200}
    scaled = quiet_fit(MLPClassifierPrimer(**params), X, y)
    unscaled = quiet_fit(MLPClassifierPrimer(**params, input_scaling=None), X, y)
    assert scaled.score(X, y) > unscaled.score(X, y) + 0.02
    assert scaled.score(X, y) > 0.97


def test_statistics_are_fixed_by_the_first_call(raw_table):
    X, y = raw_table
    est = MLPClassifierPrimer(**SMALL).partial_fit(X[:100], y[:100], classes=[0, 1])
    center = est.input_center_.copy()
    est.partial_fit(X[100:] * 3, y[100:])
    np.testing.assert_array_equal(est.input_center_, center)
    warm = quiet_fit(MLPClassifierPrimer(**SMALL, warm_start=True), X, y)
    with pytest.raises(ValueError, match="input_scaling='standard'"):
        warm.set_params(input_scaling="robust").fit(X, y)


def test_weights_are_repeated_rows(raw_table):
    X, y = raw_table
    weights = np.random.RandomState(0).randint(1, 4, len(y))
    weighted = quiet_fit(
        MLPRegressorPrimer(**SMALL), X, X[:, 1], sample_weight=weights.astype(float)
    )
    repeated = quiet_fit(
        MLPRegressorPrimer(**SMALL),
        np.repeat(X, weights, axis=0),
        np.repeat(X[:, 1], weights),
    )
    np.testing.assert_array_equal(weighted.input_center_, repeated.input_center_)
    np.testing.assert_array_equal(weighted.input_scale_, repeated.input_scale_)


def test_sparse_input_is_scaled_by_its_largest_values(raw_table):
    X, y = raw_table
    X = np.where(X > np.median(X, axis=0), X, 0.0)
    est = quiet_fit(MLPClassifierPrimer(**SMALL), sp.csr_matrix(X), y)
    assert not est.input_center_.any()
    np.testing.assert_array_equal(est.input_scale_, np.abs(X).max(axis=0))
    np.testing.assert_allclose(
        est.predict_proba(sp.csc_matrix(X)), est.predict_proba(X), rtol=1e-12
    )


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_a_model_fitted_on_dense_input_predicts_sparse_input_alike(
    raw_table, Estimator
):
    # Its statistics have a center: the same rows as a sparse matrix must be
    # centered too, not only divided.
    X, y = raw_table
    est = quiet_fit(Estimator(**SMALL), X, y)
    assert est.input_center_.all()
    predict = est.predict_proba if hasattr(est, "predict_proba") else est.predict
    np.testing.assert_allclose(
        predict(sp.csr_matrix(X)), predict(X), rtol=1e-12, atol=1e-15
    )
    # More data as a sparse chunk continues the model as the dense chunk does.
    first = {"classes": [0, 1]} if hasattr(est, "classes_") else {}
    dense = Estimator(**SMALL, solver="sgd").partial_fit(X, y, **first)
    sparse = Estimator(**SMALL, solver="sgd").partial_fit(X, y, **first)
    dense.partial_fit(X[:50], y[:50])
    sparse.partial_fit(sp.csr_matrix(X[:50]), y[:50])
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_are_clipped_not_overflowed(raw_table, dtype):
    X, y = raw_table
    est = quiet_fit(MLPClassifierPrimer(**SMALL), X.astype(dtype), y)
    assert est.coefs_[0].dtype == dtype and est.input_center_ is not None
    huge = np.vstack([X[:5] * 1e39, -X[:5] * 1e300])
    proba = est.predict_proba(huge)
    assert np.isfinite(proba).all()
    # Beyond the bound every extreme row is the same row: its clipped image.
    assert proba.dtype == dtype
    hidden = est.hidden_activations(huge)[0]
    assert np.isfinite(hidden).all()


def test_gradient_through_the_input_scaling():
    # The scaling is a fixed first step: the gradient of the loss with respect
    # to the parameters is still exact (central differences).
    rng = np.random.RandomState(0)
    X = rng.randn(20, 3) * [1.0, 50.0, 1e3] + [0.0, 10.0, -5e3]
    Y = rng.randn(20, 2)
    center, scale = np.median(X, axis=0), np.array([0.5, 20.0, 800.0])
    net = Network([3, 5, 2], ["tanh"], "squared_error", input_scaling=(center, scale))
    params = net.init_params(rng, ["glorot", "glorot"], ["tanh", "tanh"], "auto")
    loss, grad = net.loss_and_grad(params, X, Y, alpha=0.1)
    numeric = numerical_gradient(lambda p: net.loss(p, X, Y, alpha=0.1), params)
    assert relative_error(grad, numeric) < 1e-7
    unscaled = Network([3, 5, 2], ["tanh"], "squared_error")
    assert unscaled.loss(params, X, Y) != pytest.approx(loss)


def test_sklearn_defaults_leave_inputs_and_targets_as_given():
    X, y = make_regression(100, 4, noise=1.0, random_state=0)
    est = quiet_fit(MLPRegressorPrimer(**SMALL, defaults="sklearn"), X, y)
    assert est.input_center_ is None and est.y_scale_ is None
    assert est._network.input_scaling is None
    assert est._optimizer.beta_2 == 0.999
