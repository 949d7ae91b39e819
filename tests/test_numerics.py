"""Numerics: overflow-safe tables, divergence handling, properties, determinism.

Every floating-point check runs under ``np.errstate(over='raise',
invalid='raise', divide='raise')`` with warnings turned into errors, so an
overflow, a NaN or a RuntimeWarning anywhere fails the test (underflow to zero
is allowed).
"""

import os
import pickle
import subprocess
import sys
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.activations import ACTIVATIONS, PRELU_INIT
from sklmlp._core.losses import LOSSES, OUTPUT_ACTIVATIONS
from sklmlp._core.network import Network

OPTIONS = {"leaky_relu_slope": 0.01, "maxout_pieces": 3}
# (dtype, scale): 1e150 and 1e-150 in float64; float32 cannot hold 1e150, so it
# gets scales whose squares still fit (squared error squares its residuals).
SCALES = [
    (np.float64, 1e150),
    (np.float64, -1e150),
    (np.float64, 1e-150),
    (np.float32, 1e18),
    (np.float32, 1e-18),
]
SCALE_IDS = [f"{np.dtype(d).name}-{s:g}" for d, s in SCALES]


@contextmanager
def strict():
    """Floating-point errors and every warning become exceptions."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield


def _quiet_fit(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


# -- reference formulas, written independently of the tables -------------------


def _reference_activation(name, z, slope):
    """Return f(z) and f'(z) in float64 (maxout: f and the winning piece)."""
    z = z.astype(np.float64)
    if name == "identity":
        return z, np.ones_like(z)
    if name == "logistic":
        with np.errstate(over="ignore", under="ignore"):
            # Each branch evaluates exp of a non-positive number only.
            e = np.exp(-np.abs(z))
            s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return s, s * (1 - s)
    if name == "tanh":
        t = np.tanh(z)
        with np.errstate(under="ignore"):
            return t, 1 - t * t
    if name in ("relu", "leaky_relu", "prelu"):
        a = {"relu": 0.0, "leaky_relu": OPTIONS["leaky_relu_slope"]}.get(name, slope)
        return np.where(z > 0, z, a * z), np.where(z > 0, 1.0, a)
    assert name == "maxout"
    k = OPTIONS["maxout_pieces"]
    pieces = z.reshape(z.shape[0], -1, k)
    return pieces.max(axis=2), pieces.argmax(axis=2)


def _activation_params(name, units, dtype):
    n = ACTIVATIONS[name].n_params(units, OPTIONS)
    return np.full(n, PRELU_INIT, dtype=dtype) if n else None


@pytest.mark.parametrize(("dtype", "scale"), SCALES, ids=SCALE_IDS)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_extreme_inputs(name, dtype, scale):
    act = ACTIVATIONS[name]
    rng = np.random.RandomState(0)
    units, k = 5, act.pieces(OPTIONS)
    z = (rng.randn(7, units * k) * scale).astype(dtype)
    params = _activation_params(name, units, dtype)
    grad_params = None if params is None else np.zeros_like(params)
    upstream = rng.randn(7, units).astype(dtype)
    with strict():
        a, cache = act.forward(z.copy(), params, OPTIONS)
        delta = act.backward(
            upstream.copy(), a.copy(), cache, params, grad_params, OPTIONS
        )
    assert a.dtype == dtype and delta.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(delta).all()

    expected, derivative = _reference_activation(name, z, PRELU_INIT)
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(a, expected, rtol=rtol, atol=0)
    if name == "maxout":
        expected_delta = np.zeros((7, units, k))
        np.put_along_axis(
            expected_delta, derivative[:, :, None], upstream[..., None], 2
        )
        expected_delta = expected_delta.reshape(7, units * k)
    else:
        expected_delta = upstream * derivative
    np.testing.assert_allclose(delta, expected_delta, rtol=rtol, atol=0)
    if name == "prelu":
        # d f / d a_j = sum_i upstream_ij * min(0, z_ij)
        expected_slopes = np.einsum("ij,ij->j", upstream, np.minimum(z, 0))
        np.testing.assert_allclose(grad_params, expected_slopes, rtol=rtol)
        assert np.isfinite(grad_params).all()


def _targets(loss, rng, n, k, dtype):
    if loss in ("softmax_log_loss", "multiclass_hinge"):
        return np.eye(k, dtype=dtype)[rng.randint(k, size=n)]
    if loss in ("logistic_log_loss", "binary_hinge"):
        return rng.randint(2, size=(n, k)).astype(dtype)
    if loss == "poisson":
        return rng.poisson(2.0, size=(n, k)).astype(dtype)
    return rng.randn(n, k).astype(dtype)


def _reference_loss(loss, z, y):
    """Per-sample loss and d loss / d z in float64, straight from the formulas."""
    z, y = z.astype(np.float64), y.astype(np.float64)
    if loss == "softmax_log_loss":
        lse = scipy.special.logsumexp(z, axis=1)
        value = lse - (y * z).sum(axis=1)
        return value, scipy.special.softmax(z, axis=1) - y
    if loss == "logistic_log_loss":
        value = (np.logaddexp(0, z) - y * z).sum(axis=1)
        return value, scipy.special.expit(z) - y
    if loss == "multiclass_hinge":
        value, delta = np.zeros(len(z)), np.zeros_like(z)
        for i, (zi, yi) in enumerate(zip(z, y)):
            c = int(np.argmax(yi))
            for j in range(z.shape[1]):
                margin = zi[j] - zi[c] + 1
                if j != c and margin > 0:
                    value[i] += margin
                    delta[i, j] += 1
                    delta[i, c] -= 1
        return value, delta
    if loss == "binary_hinge":
        t = 2 * y - 1
        margin = 1 - t * z
        return np.maximum(margin, 0).sum(axis=1), np.where(margin > 0, -t, 0.0)
    if loss == "squared_error":
        return 0.5 * ((z - y) ** 2).sum(axis=1), z - y
    assert loss == "poisson"
    # exp is capped just below overflow: a huge score predicts a huge mean.
    with np.errstate(under="ignore"):
        mu = np.exp(np.minimum(z, np.log(np.finfo(np.float64).max) - 4))
    value = (scipy.special.xlogy(y, y) - y * z - y + mu).sum(axis=1)
    return value, mu - y


@pytest.mark.parametrize(("dtype", "scale"), SCALES, ids=SCALE_IDS)
@pytest.mark.parametrize("loss", list(LOSSES))
def test_loss_extreme_scores(loss, dtype, scale):
    rng = np.random.RandomState(1)
    z = (rng.randn(9, 4) * scale).astype(dtype)
    y = _targets(loss, rng, 9, 4, dtype)
    with strict():
        value, delta = LOSSES[loss].value_and_delta(z.copy(), y)
    assert np.isfinite(value).all() and np.isfinite(delta).all()
    assert delta.dtype == dtype and delta.shape == z.shape
    expected_value, expected_delta = _reference_loss(loss, z, y)
    if loss == "poisson" and dtype == np.float32:
        # float32 caps exp at its own (smaller) maximum; compare where uncapped.
        keep = (z < np.log(np.finfo(np.float32).max) - 4).all(axis=1)
        value, expected_value = value[keep], expected_value[keep]
        delta, expected_delta = delta[keep], expected_delta[keep]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    # The loss of a sample is a difference of terms of size |z|: measure the
    # error against that size.
    size = np.abs(z).max() + 1
    np.testing.assert_allclose(value, expected_value, rtol=rtol, atol=rtol * size)
    np.testing.assert_allclose(delta, expected_delta, rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize(("dtype", "scale"), SCALES, ids=SCALE_IDS)
@pytest.mark.parametrize("name", list(OUTPUT_ACTIVATIONS))
def test_output_activation_extreme_scores(name, dtype, scale):
    z = (np.random.RandomState(2).randn(8, 3) * scale).astype(dtype)
    with strict():
        out = OUTPUT_ACTIVATIONS[name](z.copy())
    assert np.isfinite(out).all()
    rtol = 1e-12 if dtype == np.float64 else 1e-6
    if name == "softmax":
        np.testing.assert_allclose(out.sum(axis=1), 1, rtol=rtol)
        np.testing.assert_allclose(out, scipy.special.softmax(z, axis=1), rtol=rtol)
    elif name == "logistic":
        assert ((out >= 0) & (out <= 1)).all()
        np.testing.assert_allclose(out, scipy.special.expit(z), rtol=rtol)
    elif name == "exp":
        assert (out >= 0).all()
    else:
        np.testing.assert_array_equal(out, z)


# -- the estimators on huge and tiny inputs ---------------------------------------

_X = np.random.RandomState(3).randn(60, 4)
_Y3 = np.arange(60) % 3


@pytest.fixture(scope="module")
def fitted_classifiers():
    models = []
    for activation in ACTIVATIONS:
        for target, y in [
            ("multiclass", _Y3),
            ("binary", _Y3 % 2),
            ("multilabel", np.c_[_Y3 == 0, _Y3 == 1].astype(int)),
        ]:
            for loss in ("log_loss", "hinge"):
                est = MLPClassifierPrimer(
                    (6,),
                    activation=activation,
                    loss=loss,
                    max_iter=20,
                    learning_rate_init=0.01,
                    random_state=0,
                )
                models.append((target, _quiet_fit(est, _X, y)))
    return models


@pytest.mark.parametrize("scale", [1e150, -1e150, 1e-150])
def test_classifier_outputs_finite_on_extreme_inputs(fitted_classifiers, scale):
    X = _X * scale
    for target, est in fitted_classifiers:
        with strict():
            decision = est.decision_function(X)
            labels = est.predict(X)
            if est.loss == "log_loss":
                proba = est.predict_proba(X)
                log_proba = est.predict_log_proba(X)
        assert np.isfinite(decision).all()
        assert decision.dtype == np.float64
        if est.loss != "log_loss":
            continue
        assert np.isfinite(proba).all() and np.isfinite(log_proba).all()
        # Strictly inside (0, 1): a logit of 1e150 is not a certainty either.
        assert ((proba > 0) & (proba < 1)).all() and (log_proba <= 0).all()
        # log(predict_proba) is predict_log_proba wherever no flooring happened.
        tiny = np.finfo(np.float64).tiny
        unfloored = proba > tiny
        np.testing.assert_allclose(
            np.log(proba[unfloored]), log_proba[unfloored], rtol=1e-12, atol=1e-12
        )
        if target == "multilabel":
            np.testing.assert_array_equal(labels, (decision > 0) * 1)
            continue
        # Probabilities sum to one and agree with predict.
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-12)
        np.testing.assert_array_equal(est.classes_[proba.argmax(1)], labels)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "prelu", "maxout"])
def test_piecewise_linear_nets_scale_exactly_on_huge_inputs(activation):
    # With biases negligible, a net of piecewise-linear units is positively
    # homogeneous: f(s x) = s f(x). Checks the values, not only their finiteness.
    est = _quiet_fit(
        MLPClassifierPrimer(
            (6,), activation=activation, max_iter=20, random_state=0, input_scaling=None
        ),
        _X,
        _Y3,
    )
    # The output bias is the one term that does not scale.
    bias = est.intercepts_[-1]
    with strict():
        a = (est.decision_function(_X * 1e150) - bias) / 1e150
        b = (est.decision_function(_X * 1e140) - bias) / 1e140
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-300)
    assert np.abs(a).max() > 1e-3  # not all units dead


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_tiny_inputs_predict_as_zero_input(activation):
    est = _quiet_fit(
        MLPClassifierPrimer((6,), activation=activation, max_iter=20, random_state=0),
        _X,
        _Y3,
    )
    with strict():
        tiny = est.predict_proba(_X * 1e-150)
    zero = est.predict_proba(np.zeros_like(_X))
    np.testing.assert_allclose(tiny, zero, rtol=1e-12)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("scale", [1e150, -1e150, 1e-150])
def test_regressor_predict_finite_on_extreme_inputs(loss, scale):
    y = np.abs(_X[:, 0]) + 0.5
    for activation in ACTIVATIONS:
        est = MLPRegressorPrimer(
            loss, (6,), activation=activation, max_iter=20, random_state=0
        )
        _quiet_fit(est, _X, y)
        with strict():
            pred = est.predict(_X * scale)
        assert np.isfinite(pred).all()
        if loss == "poisson":
            assert (pred >= 0).all()


def test_inputs_beyond_the_dtype_range_raise_instead_of_nan():
    # float32 model, float64 input beyond float32's range: the cast overflows.
    # (Input scaling clips such rows to its bound instead: test_tabular_defaults.)
    est32 = _quiet_fit(
        MLPClassifierPrimer(
            (6,), activation="tanh", max_iter=5, random_state=0, input_scaling=None
        ),
        _X.astype(np.float32),
        _Y3,
    )
    before = est32.predict_proba(_X)
    for method in ["predict", "predict_proba", "decision_function"]:
        with strict(), pytest.raises(ValueError, match="not finite .* float32"):
            getattr(est32, method)(_X * 1e39)
    np.testing.assert_array_equal(est32.predict_proba(_X), before)
    # float64 model whose matrix products overflow.
    est = _quiet_fit(
        MLPRegressorPrimer(
            hidden_layer_sizes=(6,), max_iter=5, random_state=0, input_scaling=None
        ),
        _X,
        _X[:, 0],
    )
    with strict(), pytest.raises(ValueError, match="not finite .* float64"):
        est.predict(np.full((3, 4), np.finfo(np.float64).max / 2))


# -- divergence -------------------------------------------------------------------

# Plain SGD with a step of 1e100: the loss overflows a few epochs in.
_DIVERGE = dict(
    input_scaling=None,  # the chunk of huge inputs below must reach the network
    hidden_layer_sizes=(8,),
    solver="sgd",
    learning_rate_init=1e100,
    momentum=0.9,
    max_iter=50,
    random_state=0,
)
_Y_REG = _X @ [1.0, -2.0, 3.0, 0.5]


def _target(Estimator):
    return _Y3 if Estimator is MLPClassifierPrimer else _Y_REG


def _epoch_recorder():
    seen = []

    def callback(est, info):
        seen.append(info["epoch"])

    return seen, callback


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_divergence_on_a_fresh_estimator(Estimator):
    seen, callback = _epoch_recorder()
    est = Estimator(**_DIVERGE, callbacks=callback)
    with strict(), pytest.raises(ValueError, match="Training diverged at epoch") as err:
        est.fit(_X, _target(Estimator))
    # The error names the first bad epoch: every epoch before it completed.
    epoch = int(str(err.value).split("epoch ")[1].split(":")[0])
    assert epoch == len(seen) + 1 >= 2
    assert "left as it was before this call" in str(err.value)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert est.__dict__ == Estimator(**_DIVERGE, callbacks=callback).__dict__


def test_divergence_reports_non_finite_weights_with_a_finite_loss():
    # One step of 1e308 overflows the weights while the loss measured before
    # the step is still finite: the message must say what blew up.
    est = MLPRegressorPrimer(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=1e308,
        random_state=0,
        normalize_y=False,  # the targets as given, so that the step overflows
    )
    with strict(), pytest.raises(ValueError, match="weights became non-finite"):
        est.fit(_X, _Y_REG)
    assert not hasattr(est, "coefs_")


def _state(est):
    return {
        "predict": est.predict(_X),
        "coefs": [c.copy() for c in est.coefs_],
        "loss_curve_": list(est.loss_curve_),
        "n_iter_": est.n_iter_,
        "t_": est.t_,
    }


def _assert_same_state(a, b):
    np.testing.assert_array_equal(a["predict"], b["predict"])
    for u, v in zip(a["coefs"], b["coefs"]):
        np.testing.assert_array_equal(u, v)
    assert a["loss_curve_"] == b["loss_curve_"]
    assert (a["n_iter_"], a["t_"]) == (b["n_iter_"], b["t_"])


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_divergence_on_a_fitted_estimator_keeps_the_fitted_model(Estimator):
    y = _target(Estimator)
    est = _quiet_fit(
        Estimator(**{**_DIVERGE, "learning_rate_init": 1e-3, "max_iter": 5}), _X, y
    )
    before = _state(est)
    # warm_start continues from the fitted weights and diverges some epochs in:
    # the epochs that did run must not leak into loss_curve_, n_iter_ or t_.
    seen, callback = _epoch_recorder()
    est.set_params(warm_start=True, learning_rate_init=1e100, callbacks=callback)
    with strict(), pytest.raises(ValueError, match="Training diverged at epoch"):
        est.fit(_X, y)
    assert seen  # epochs ran before the divergence
    _assert_same_state(before, _state(est))
    assert np.isfinite(est.predict(_X).astype(float)).all()


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_divergence_in_partial_fit(Estimator):
    y = _target(Estimator)
    kwargs = {"classes": [0, 1, 2]} if Estimator is MLPClassifierPrimer else {}
    # Fresh: one partial_fit of 60 huge steps diverges.
    est = Estimator(**_DIVERGE, batch_size=1)
    with strict(), pytest.raises(ValueError, match="Training diverged at epoch 1"):
        est.partial_fit(_X, y, **kwargs)
    assert not hasattr(est, "coefs_")
    # Fitted by partial_fit, then a chunk of huge inputs: its 60 steps overflow.
    est = Estimator(**{**_DIVERGE, "learning_rate_init": 1e-3, "batch_size": 1})
    for _ in range(3):
        est.partial_fit(_X, y, **kwargs)
    before = _state(est)
    optimizer = pickle.dumps(est._optimizer)
    with strict(), pytest.raises(ValueError, match="Training diverged at epoch 1"):
        est.partial_fit(_X * 1e100, y)
    _assert_same_state(before, _state(est))
    # The optimizer's velocity was not touched by the failed call either.
    assert pickle.dumps(est._optimizer) == optimizer


def test_lbfgs_divergence_is_an_error():
    # normalize_y=False: the targets as given (1e200) make the loss overflow.
    est = MLPRegressorPrimer(
        hidden_layer_sizes=(5,), solver="lbfgs", random_state=0, normalize_y=False
    )
    with strict(), pytest.raises(ValueError, match="lbfgs diverged"):
        est.fit(_X * 1e200, _Y_REG * 1e200)
    assert not hasattr(est, "coefs_")


# -- property-based tests of the core ----------------------------------------------

_MULTICLASS = ("softmax_log_loss", "multiclass_hinge")


@st.composite
def networks(draw, activation, loss=None, dtypes=(np.float32, np.float64)):
    """A random small network, its parameters, inputs and matching targets.

    The first hidden layer has ``activation`` (pytest parametrizes it, so that
    every activation is covered whatever hypothesis draws); an optional second
    layer gets any activation.
    """
    if loss is None:
        loss = draw(st.sampled_from(sorted(LOSSES)))
    hidden = [draw(st.integers(1, 4)), *draw(st.lists(st.integers(1, 4), max_size=1))]
    others = [draw(st.sampled_from(sorted(ACTIVATIONS))) for _ in hidden[1:]]
    activations = [activation, *others]
    n_features = draw(st.integers(1, 4))
    n_outputs = draw(st.integers(2 if loss in _MULTICLASS else 1, 3))
    n_samples = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from(dtypes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    options = {"leaky_relu_slope": 0.1, "maxout_pieces": draw(st.integers(2, 3))}
    net = Network(
        [n_features, *hidden, n_outputs], activations, loss, dtype=dtype, **options
    )
    params = net.init_params(rng, ["lecun"] * (len(hidden) + 1), ["tanh"] * 3, 0.0)
    # Random biases and slopes too, away from their constant starting values.
    params[net.n_weights :] = rng.uniform(-0.5, 0.5, net.n_params - net.n_weights)
    X = rng.randn(n_samples, n_features).astype(dtype)
    Y = _targets(loss, rng, n_samples, n_outputs, dtype)
    return net, params, X, Y, rng


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_network_outputs_finite_dtype_kept_and_row_order_free(activation, data):
    net, params, X, Y, rng = data.draw(networks(activation))
    with strict():
        scores = net.forward(*net.unpack(params), X)
        value, grad = net.loss_and_grad(params, X, Y, alpha=0.1)
        perm = rng.permutation(len(X))
        permuted = net.forward(*net.unpack(params), X[perm])
        value_perm, grad_perm = net.loss_and_grad(params, X[perm], Y[perm], alpha=0.1)
    assert scores.dtype == net.dtype and grad.dtype == net.dtype
    assert np.isfinite(scores).all() and np.isfinite(value) and np.isfinite(grad).all()
    # Each row's prediction depends on that row only.
    rtol = 1e-12 if net.dtype == np.float64 else 1e-5
    np.testing.assert_allclose(permuted, scores[perm], rtol=rtol, atol=rtol)
    # The loss is a mean over rows: row order changes it by rounding only.
    np.testing.assert_allclose(value_perm, value, rtol=rtol * 10)
    np.testing.assert_allclose(grad_perm, grad, rtol=rtol * 100, atol=rtol * 100)


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_network_gradient_matches_finite_differences(activation, loss, data):
    net, params, X, Y, rng = data.draw(networks(activation, loss, (np.float64,)))
    sample_weight = rng.uniform(0.5, 2.0, len(X))
    _, grad = net.loss_and_grad(params, X, Y, sample_weight, alpha=0.3)
    h = 1e-6
    center = net.loss(params, X, Y, sample_weight, alpha=0.3)
    numerical, smooth = np.empty_like(params), np.empty(params.size, dtype=bool)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        plus = net.loss(params + step, X, Y, sample_weight, alpha=0.3)
        minus = net.loss(params - step, X, Y, sample_weight, alpha=0.3)
        numerical[i] = (plus - minus) / (2 * h)
        # A kink (relu at 0, a hinge margin, a maxout tie) within h of the point
        # makes the one-sided slopes disagree: central differences mean nothing
        # there. It is rare (~1e-5 per unit), so nearly every entry is checked.
        forward, backward = (plus - center) / h, (center - minus) / h
        smooth[i] = abs(forward - backward) <= 1e-3 * (1 + abs(numerical[i]))
    assert smooth.mean() > 0.9
    np.testing.assert_allclose(grad[smooth], numerical[smooth], rtol=1e-4, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(ACTIVATIONS)),
    dtype=st.sampled_from([np.float32, np.float64]),
    exponent=st.integers(-150, 150),
    seed=st.integers(0, 2**32 - 1),
)
def test_activation_finite_at_any_scale(name, dtype, exponent, seed):
    # float32 holds about 1e+-38: its exponents are scaled into that range.
    if dtype == np.float32:
        exponent = exponent * 18 // 150
    rng = np.random.RandomState(seed)
    act = ACTIVATIONS[name]
    units, k = 3, act.pieces(OPTIONS)
    z = (rng.randn(4, units * k) * 10.0**exponent).astype(dtype)
    params = _activation_params(name, units, dtype)
    grad_params = None if params is None else np.zeros_like(params)
    with strict():
        a, cache = act.forward(z.copy(), params, OPTIONS)
        delta = act.backward(
            np.ones((4, units), dtype), a.copy(), cache, params, grad_params, OPTIONS
        )
    assert a.dtype == dtype and delta.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(delta).all()


@settings(max_examples=40, deadline=None)
@given(
    loss=st.sampled_from(sorted(LOSSES)),
    n_outputs=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
    exponent=st.integers(-150, 150),
)
def test_loss_delta_finite_and_matches_finite_differences(
    loss, n_outputs, seed, exponent
):
    rng = np.random.RandomState(seed)
    Y = _targets(loss, rng, 5, n_outputs, np.float64)
    big = rng.randn(5, n_outputs) * 10.0**exponent
    with strict():
        value, delta = LOSSES[loss].value_and_delta(big.copy(), Y)
    assert np.isfinite(value).all() and np.isfinite(delta).all()
    # The gradient check itself runs at a moderate scale.
    z = rng.randn(5, n_outputs) * 3
    _, delta = LOSSES[loss].value_and_delta(z.copy(), Y)
    h = 1e-6
    numerical = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[idx] = h
        plus = LOSSES[loss].value_and_delta(z + step, Y)[0].sum()
        minus = LOSSES[loss].value_and_delta(z - step, Y)[0].sum()
        numerical[idx] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(delta, numerical, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_estimator_predictions_invariant_to_row_order(Estimator):
    y = _Y3 if Estimator is MLPClassifierPrimer else _Y_REG
    est = _quiet_fit(
        Estimator(hidden_layer_sizes=(7, 5), max_iter=30, random_state=0), _X, y
    )
    perm = np.random.RandomState(0).permutation(len(_X))
    np.testing.assert_array_equal(est.predict(_X[perm]), est.predict(_X)[perm])
    method = "predict_proba" if Estimator is MLPClassifierPrimer else "predict"
    np.testing.assert_allclose(
        getattr(est, method)(_X[perm]), getattr(est, method)(_X)[perm], rtol=1e-12
    )


# -- determinism ---------------------------------------------------------------------

_DETERMINISM_CONFIGS = {
    "adam-dropout-noise": dict(solver="adam", dropout=0.2, input_noise=0.1),
    "sgd-early-stopping": dict(solver="sgd", early_stopping=True, momentum=0.5),
    "lbfgs-prelu-maxout": dict(solver="lbfgs", activation=["prelu", "maxout"]),
}


def _fit_config(config, random_state):
    est = MLPClassifierPrimer(
        (6, 5), max_iter=15, random_state=random_state, **_DETERMINISM_CONFIGS[config]
    )
    return _quiet_fit(est, _X, _Y3)


def _fitted_arrays(est):
    return [*est.coefs_, *est.intercepts_, np.array(est.loss_curve_)]


@pytest.mark.parametrize("config", sorted(_DETERMINISM_CONFIGS))
def test_same_random_state_gives_bit_identical_models(config):
    a, b = _fit_config(config, 7), _fit_config(config, 7)
    for u, v in zip(_fitted_arrays(a), _fitted_arrays(b)):
        np.testing.assert_array_equal(u, v)
    assert a.n_iter_ == b.n_iter_
    # ... and the seed matters, so the comparison above can fail.
    c = _fit_config(config, 8)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


@pytest.mark.parametrize("config", sorted(_DETERMINISM_CONFIGS))
def test_training_continues_identically_after_pickling(config):
    a = _fit_config(config, 3)
    b = pickle.loads(pickle.dumps(a))
    for u, v in zip(_fitted_arrays(a), _fitted_arrays(b)):
        np.testing.assert_array_equal(u, v)
    # Optimizer state (moments, velocity, step counts) survives the round trip.
    for est in (a, b):
        est.set_params(warm_start=True, early_stopping=False, max_iter=3)
        _quiet_fit(est, _X, _Y3)
    for u, v in zip(_fitted_arrays(a), _fitted_arrays(b)):
        np.testing.assert_array_equal(u, v)
    if a.solver != "lbfgs":
        a.partial_fit(_X, _Y3)
        b.partial_fit(_X, _Y3)
        np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


_SUBPROCESS_FIT = """
import pickle, sys, warnings
import numpy as np
from sklmlp import MLPClassifierPrimer
X = np.random.RandomState(3).randn(60, 4)
y = np.array(["a", "b", "c"])[np.arange(60) % 3]
warnings.simplefilter("ignore")
est = MLPClassifierPrimer((6, 5), max_iter=15, random_state=7, dropout=0.2,
                          input_noise=0.1, early_stopping=True).fit(X, y)
sys.stdout.buffer.write(pickle.dumps([*est.coefs_, *est.intercepts_, est.classes_]))
"""


def test_bit_identical_across_processes_and_hash_seeds():
    # String labels and any set or dict ordering inside the fit must not depend
    # on the interpreter's hash seed.
    outputs = []
    for seed in ["1", "2"]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _SUBPROCESS_FIT],
            env=env,
            capture_output=True,
            check=True,
        )
        outputs.append(pickle.loads(result.stdout))
    for u, v in zip(*outputs):
        np.testing.assert_array_equal(u, v)
    assert len(outputs[0]) == 7
