"""Losses and output activations: values from their definitions, fused gradients."""

import numpy as np
import pytest

from sklmlp._core.losses import LOSSES, OUTPUT_ACTIVATIONS, softmax

RNG = np.random.RandomState(0)
Z = RNG.randn(6, 4) * 3
ONE_HOT = np.eye(4)[RNG.randint(4, size=6)]
BITS = RNG.randint(2, size=(6, 4)).astype(float)
REAL = RNG.randn(6, 4)
COUNTS = RNG.poisson(3.0, size=(6, 4)).astype(float)
TARGETS = {
    "softmax_log_loss": ONE_HOT,
    "multiclass_hinge": ONE_HOT,
    "logistic_log_loss": BITS,
    "binary_hinge": BITS,
    "squared_error": REAL,
    "poisson": COUNTS,
}


def _reference(name, z, y):
    """Per-sample losses written from their textbook definitions."""
    if name == "softmax_log_loss":
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -(y * np.log(p)).sum(axis=1)
    if name == "logistic_log_loss":
        p = 1 / (1 + np.exp(-z))
        return -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1)
    if name == "multiclass_hinge":
        # The notes' multiclass SVM: L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + 1).
        out = []
        for s, t in zip(z, y.argmax(axis=1)):
            out.append(sum(max(0.0, s[j] - s[t] + 1) for j in range(len(s)) if j != t))
        return np.array(out)
    if name == "binary_hinge":
        t = 2 * y - 1
        return np.maximum(0, 1 - t * z).sum(axis=1)
    if name == "squared_error":
        return 0.5 * ((z - y) ** 2).sum(axis=1)
    if name == "poisson":
        mu = np.exp(z)
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1)), 0)
        return (ylogy - y * np.log(mu) - y + mu).sum(axis=1)
    raise AssertionError(name)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_values_match_definitions(name):
    per_sample, _ = LOSSES[name].value_and_delta(Z.copy(), TARGETS[name])
    np.testing.assert_allclose(
        per_sample, _reference(name, Z, TARGETS[name]), rtol=1e-10
    )


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_delta_is_the_gradient_of_the_summed_loss(name):
    y = TARGETS[name]
    _, delta = LOSSES[name].value_and_delta(Z.copy(), y)
    h = 1e-6
    numerical = np.zeros_like(Z)
    for idx in np.ndindex(*Z.shape):
        step = np.zeros_like(Z)
        step[idx] = h
        up = LOSSES[name].value_and_delta(Z + step, y)[0].sum()
        down = LOSSES[name].value_and_delta(Z - step, y)[0].sum()
        numerical[idx] = (up - down) / (2 * h)
    np.testing.assert_allclose(delta, numerical, rtol=1e-6, atol=1e-7)


def test_each_loss_pairs_with_its_canonical_output():
    pairs = {name: loss.output for name, loss in LOSSES.items()}
    assert pairs == {
        "softmax_log_loss": "softmax",
        "logistic_log_loss": "logistic",
        "multiclass_hinge": "identity",
        "binary_hinge": "identity",
        "squared_error": "identity",
        "poisson": "exp",
    }
    # The fused gradient is output activation minus target.
    for name in ["softmax_log_loss", "logistic_log_loss", "squared_error", "poisson"]:
        out = OUTPUT_ACTIVATIONS[LOSSES[name].output](Z.copy())
        _, delta = LOSSES[name].value_and_delta(Z.copy(), TARGETS[name])
        np.testing.assert_allclose(delta, out - TARGETS[name], rtol=1e-12)


def test_softmax_is_shift_invariant_and_stable():
    np.testing.assert_allclose(softmax(Z + 1000.0), softmax(Z), rtol=1e-12)
    with np.errstate(over="raise", invalid="raise"):
        p = softmax(np.array([[1e300, 0.0, -1e300]]))
    np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])


def test_hinge_is_zero_once_margins_are_met():
    z = np.array([[5.0, 0.0, 3.9]])
    y = np.array([[1.0, 0.0, 0.0]])
    per_sample, delta = LOSSES["multiclass_hinge"].value_and_delta(z, y)
    assert per_sample[0] == 0.0
    assert not delta.any()
    # A margin violated by 0.5 costs 0.5 and pushes the two scores apart.
    z = np.array([[5.0, 0.0, 4.5]])
    per_sample, delta = LOSSES["multiclass_hinge"].value_and_delta(z, y)
    assert per_sample[0] == pytest.approx(0.5)
    np.testing.assert_array_equal(delta, [[-1.0, 0.0, 1.0]])


def test_poisson_baseline_is_the_log_of_the_mean():
    y = np.array([[1.0, 0.0], [3.0, 0.0]])
    bias = LOSSES["poisson"].baseline(y, None)
    assert bias[0] == pytest.approx(np.log(2.0))
    assert np.isfinite(bias[1])  # an all-zero target gives a very negative bias
    weighted = LOSSES["poisson"].baseline(y, np.array([3.0, 1.0]))
    assert weighted[0] == pytest.approx(np.log(1.5))
