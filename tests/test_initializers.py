"""Initialization heuristics: the notes' scales, scikit-learn's Glorot scheme."""

import numpy as np
import pytest

from sklmlp import MLPClassifierPrimer
from sklmlp._core.initializers import AUTO, INITIALIZERS, init_layer, resolve_init

FAN_IN, FAN_OUT = 400, 300


@pytest.mark.parametrize(
    "scheme, expected_std",
    [
        ("he", np.sqrt(2.0 / FAN_IN)),  # w = randn(n) * sqrt(2 / n)
        ("lecun", 1.0 / np.sqrt(FAN_IN)),  # w = randn(n) / sqrt(n)
        ("small", 0.01),  # W = 0.01 * randn(D, H)
        ("glorot", np.sqrt(6.0 / (FAN_IN + FAN_OUT)) / np.sqrt(3.0)),  # U(-b, b)
    ],
)
def test_weight_scales(scheme, expected_std):
    W, b = init_layer(np.random.RandomState(0), scheme, "tanh", FAN_IN, FAN_OUT, 0.0)
    assert W.shape == (FAN_IN, FAN_OUT)
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(W.mean()) < 0.05 * expected_std
    np.testing.assert_array_equal(b, 0.0)


def test_glorot_bound_and_logistic_factor():
    W, _ = init_layer(np.random.RandomState(0), "glorot", "tanh", 50, 30, 0.0)
    assert np.abs(W).max() <= np.sqrt(6.0 / 80)
    W, _ = init_layer(np.random.RandomState(0), "glorot", "logistic", 50, 30, 0.0)
    assert np.abs(W).max() <= np.sqrt(2.0 / 80)
    assert np.abs(W).max() > 0.9 * np.sqrt(2.0 / 80)


def test_bias_init_constant_and_auto():
    _, b = init_layer(np.random.RandomState(0), "he", "relu", 5, 4, 0.01)
    np.testing.assert_array_equal(b, 0.01)
    _, b = init_layer(np.random.RandomState(0), "he", "relu", 5, 4, "auto")
    np.testing.assert_array_equal(b, 0.0)
    # Glorot under 'auto' draws the biases like the weights (scikit-learn).
    _, b = init_layer(np.random.RandomState(0), "glorot", "tanh", 5, 4, "auto")
    assert np.all(np.abs(b) <= np.sqrt(6.0 / 9)) and np.unique(b).size == 4


def test_zeros_never_breaks_symmetry():
    W, _ = init_layer(np.random.RandomState(0), "zeros", "tanh", 5, 4, 0.0)
    assert not W.any()


def test_auto_choices():
    assert {act: resolve_init("auto", act) for act in AUTO} == {
        "identity": "glorot",
        "logistic": "glorot",
        "tanh": "glorot",
        "relu": "glorot",
        "leaky_relu": "glorot",
        "prelu": "glorot",
        "maxout": "glorot",
    }
    assert resolve_init("lecun", "relu") == "lecun"
    assert set(INITIALIZERS) == {"glorot", "he", "lecun", "small", "zeros"}


@pytest.mark.parametrize("activation", ["tanh", "logistic", "identity", "relu"])
def test_default_init_is_scikit_learns(activation):
    """Same random_state, same starting weights as MLPClassifier, bit for bit."""
    from sklearn.neural_network import MLPClassifier

    rng = np.random.RandomState(0)
    X, y = rng.randn(30, 5), rng.randint(3, size=30)
    kw = dict(hidden_layer_sizes=(7, 6), activation=activation, random_state=3)
    ours = MLPClassifierPrimer(**kw, max_iter=1, learning_rate_init=1e-300)
    theirs = MLPClassifier(**kw, max_iter=1, learning_rate_init=1e-300)
    with pytest.warns(Warning):
        ours.fit(X, y)
    with pytest.warns(Warning):
        theirs.fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert ours.weight_init_ == ["glorot"] * 3


def test_he_gives_relu_layers_unit_gain():
    """He init keeps the second moment of ReLU layers roughly constant."""
    clf = MLPClassifierPrimer(
        hidden_layer_sizes=(256,) * 6, weight_init="he", max_iter=1, random_state=0
    )
    rng = np.random.RandomState(1)
    X, y = rng.randn(500, 256), rng.randint(2, size=500)
    clf.set_params(learning_rate_init=1e-300)
    with pytest.warns(Warning):
        clf.fit(X, y)
    assert clf.weight_init_ == ["he"] * 7
    second_moments = [np.mean(h**2) for h in clf.hidden_activations(X)]
    # E[relu(z)^2] = Var(z) / 2 = 1 at every depth under He init.
    np.testing.assert_allclose(second_moments, 1.0, rtol=0.25)
