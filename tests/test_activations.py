"""The activation table against the formulas of the reference notes."""

import numpy as np
import pytest
from scipy.special import expit

from sklmlp._core.activations import (
    ACTIVATIONS,
    ALIASES,
    PRELU_INIT,
    resolve_activation,
)

OPTIONS = {"leaky_relu_slope": 0.01, "maxout_pieces": 2}
Z = np.linspace(-6, 6, 25).reshape(5, 5)

# The notes' formulas, written out independently of the package.
FORMULAS = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": lambda z: 2 / (1 + np.exp(-2 * z)) - 1,  # tanh(x) = 2 sigma(2x) - 1
    "relu": lambda z: np.maximum(0, z),
    "leaky_relu": lambda z: np.where(z < 0, 0.01 * z, z),
}


def _forward(name, z, params=None, options=OPTIONS):
    return ACTIVATIONS[name].forward(z.copy(), params, options)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_forward_matches_the_notes(name):
    a, _ = _forward(name, Z)
    np.testing.assert_allclose(a, FORMULAS[name](Z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_matches_numerical_derivative(name):
    rng = np.random.RandomState(0)
    width = 6 if name == "maxout" else 3
    z = rng.randn(4, width)
    params = rng.uniform(0.1, 0.5, 3) if name == "prelu" else None
    upstream = rng.randn(4, 3)

    def scalar(zz):
        return float((_forward(name, zz, params)[0] * upstream).sum())

    a, cache = _forward(name, z, params)
    grad_params = np.zeros(3) if name == "prelu" else None
    delta = ACTIVATIONS[name].backward(
        upstream.copy(), a, cache, params, grad_params, OPTIONS
    )
    h = 1e-6
    numerical = np.zeros_like(z)
    for idx in np.ndindex(*z.shape):
        step = np.zeros_like(z)
        step[idx] = h
        numerical[idx] = (scalar(z + step) - scalar(z - step)) / (2 * h)
    np.testing.assert_allclose(delta, numerical, rtol=1e-6, atol=1e-8)
    if name == "prelu":
        # d f / d a_j = sum over samples of upstream * min(0, z).
        np.testing.assert_allclose(
            grad_params, (upstream * np.minimum(z, 0)).sum(axis=0), rtol=1e-12
        )


def test_sigmoid_is_an_alias_of_logistic():
    assert ALIASES["sigmoid"] == "logistic"
    assert resolve_activation("sigmoid") == "logistic"
    with pytest.raises(ValueError, match="Unknown activation 'swish'"):
        resolve_activation("swish")


def test_logistic_does_not_overflow():
    with np.errstate(over="raise", invalid="raise"):
        a, _ = _forward("logistic", np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_array_equal(a, [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(a, expit([[-1000.0, 0.0, 1000.0]]))


def test_relu_and_leaky_relu_are_special_cases_of_maxout():
    """Notes: max(w1 x + b1, w2 x + b2) is ReLU for w1, b1 = 0, leaky for w1 = a w2."""
    rng = np.random.RandomState(1)
    z = rng.randn(6, 3)
    pieces_relu = np.stack([np.zeros_like(z), z], axis=2).reshape(6, 6)
    np.testing.assert_array_equal(
        _forward("maxout", pieces_relu)[0], _forward("relu", z)[0]
    )
    pieces_leaky = np.stack([0.01 * z, z], axis=2).reshape(6, 6)
    np.testing.assert_allclose(
        _forward("maxout", pieces_leaky)[0], _forward("leaky_relu", z)[0]
    )


def test_prelu_starts_as_a_leaky_relu_with_slope_quarter():
    z = np.array([[-2.0, -1.0, 0.0, 3.0]])
    a, _ = _forward("prelu", z, np.full(4, PRELU_INIT))
    np.testing.assert_array_equal(a, [[-0.5, -0.25, 0.0, 3.0]])


def test_parameter_and_piece_counts():
    assert ACTIVATIONS["prelu"].n_params(7, OPTIONS) == 7
    assert ACTIVATIONS["relu"].n_params(7, OPTIONS) == 0
    assert ACTIVATIONS["maxout"].pieces({"maxout_pieces": 4}) == 4
    assert ACTIVATIONS["tanh"].pieces(OPTIONS) == 1
