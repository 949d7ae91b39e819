"""The fast code paths compute what the plain ones do, and check what they checked.

Each speed-up has a simple reference it must reproduce: the single-row predict
path skips ``validate_data`` only for inputs that the full validation would pass
unchanged, and maps scores to classes as ``LabelBinarizer.inverse_transform``
does; class indicators are the binarizer's ``transform``; relu's forward is
``np.maximum(z, 0)`` against a block of zeros and its backward multiplies by a
mask instead of assigning through a boolean index; ``_add_scaled`` is
``y += a * x`` through a small scratch buffer; ``run_epoch`` gathers batches with
``take`` and unpacks the parameter views once per epoch; the optimizers reuse the
gradient's buffer instead of temporaries. No timings here:
``benchmarks/bench_training.py`` measures the speed.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.special import log_softmax, logsumexp
from sklearn import config_context
from sklearn.exceptions import NotFittedError

import sklmlp._fitted
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core import fast
from sklmlp._core.activations import ACTIVATIONS
from sklmlp._core.fast import BLOCK as _BLOCK
from sklmlp._core.fast import ZEROS_SIZE as _ZEROS_SIZE
from sklmlp._core.fast import add_scaled as _add_scaled
from sklmlp._core.fast import max_with_zero as _max_with_zero
from sklmlp._core.losses import LOSSES
from sklmlp._core.network import Network
from sklmlp._core.optimizers import SGD, Adam
from sklmlp._training import minimize_lbfgs, run_epoch

DTYPES = [np.float64, np.float32]


def _data(dtype, n=60, n_features=5, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_features).astype(dtype)
    y_class = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    y_reg = (X[:, 0] - 2 * X[:, 3]).astype(dtype)
    return X, y_class, y_reg


def _fitted(kind, dtype, **params):
    X, y_class, y_reg = _data(dtype)
    params = dict(hidden_layer_sizes=(6, 4), max_iter=30, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: few iterations
        if kind == "classifier":
            return MLPClassifierPrimer(**params).fit(X, y_class), X
        return MLPRegressorPrimer(**params).fit(X, y_reg), X


def _outputs(est, X):
    methods = ["predict", "hidden_activations"] + (["score"] if len(X) > 1 else [])
    if isinstance(est, MLPClassifierPrimer):
        methods += ["predict_proba", "predict_log_proba", "decision_function"]
    y = est.predict(X)
    return {
        name: getattr(est, name)(X, y) if name == "score" else getattr(est, name)(X)
        for name in methods
    }


class _CountValidation:
    """Count calls of the full validation used by the prediction path."""

    def __init__(self, monkeypatch):
        self.calls = 0
        original = sklmlp._fitted.validate_data

        def counting(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(sklmlp._fitted, "validate_data", counting)


# -- prediction fast path -------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_fast_predict_path_gives_the_full_paths_results(kind, dtype, monkeypatch):
    est, X = _fitted(kind, dtype)
    counter = _CountValidation(monkeypatch)
    for rows in (X, X[:1], np.asfortranarray(X), X[::2]):
        before = counter.calls
        fast = _outputs(est, rows)
        # The ndarrays above take the fast path: no full validation at all...
        assert counter.calls == before
        full = _outputs(est, rows.tolist())
        # ...while a list goes through validate_data and must agree exactly.
        assert counter.calls > before
        for name, value in fast.items():
            if isinstance(value, list):  # hidden_activations
                for a, b in zip(value, full[name]):
                    np.testing.assert_array_equal(a, b)
            else:
                np.testing.assert_array_equal(value, full[name])
    # Inputs of the other float dtype also take the fast path, cast as before.
    other = np.float32 if dtype == np.float64 else np.float64
    np.testing.assert_array_equal(
        est.predict(X.astype(other)), est.predict(X.astype(other).tolist())
    )


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_fast_predict_path_keeps_every_check(kind):
    est, X = _fitted(kind, np.float64)
    bad = X[:3].copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        est.predict(bad)
    bad[1, 2] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        est.predict(bad)
    bad[1, 2] = -np.inf
    with pytest.raises(ValueError, match="infinity"):
        est.predict(bad)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :-1])
    with pytest.raises(ValueError, match="0 sample"):
        est.predict(X[:0])
    with pytest.raises(ValueError, match="2D"):
        est.predict(X[0])
    with pytest.raises(NotFittedError):
        type(est)().predict(X)
    # Other dtypes are converted as before, not rejected.
    np.testing.assert_array_equal(
        est.predict(X.astype(np.float16)), est.predict(X.astype(np.float16).tolist())
    )
    ints = np.round(X * 3).astype(np.int64)
    np.testing.assert_array_equal(est.predict(ints), est.predict(ints.astype(float)))


def test_fast_predict_path_leaves_feature_names_to_the_full_check():
    X, y, _ = _data(np.float64)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = MLPClassifierPrimer(hidden_layer_sizes=(4,), max_iter=5).fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from_frame = est.predict_proba(frame)
    with pytest.warns(UserWarning, match="feature names"):
        from_array = est.predict_proba(X)
    np.testing.assert_array_equal(from_frame, from_array)


def test_fast_predict_path_sends_overflowing_sums_to_the_full_check(monkeypatch):
    # Finite entries whose sum overflows: the fast test cannot vouch for them,
    # so the full validation runs (and passes them, as they are finite).
    est, X = _fitted("regressor", np.float64, input_scaling=None)
    counter = _CountValidation(monkeypatch)
    huge = np.full((1, X.shape[1]), np.finfo(np.float64).max)
    with pytest.raises(ValueError) as fast_error:
        est.predict(huge)
    assert counter.calls == 1
    with pytest.raises(ValueError) as full_error:
        est.predict(huge.tolist())
    assert str(fast_error.value) == str(full_error.value)
    assert "not finite" in str(fast_error.value)
    # A model that scales its inputs clips the row to its bound: both paths
    # predict the same finite value.
    est, X = _fitted("regressor", np.float64)
    fast = est.predict(huge)
    assert counter.calls == 3  # one for each call on an overflowing sum
    np.testing.assert_array_equal(fast, est.predict(huge.tolist()))
    assert np.isfinite(fast).all()


def test_fast_predict_path_respects_assume_finite(monkeypatch):
    est, X = _fitted("regressor", np.float64)
    bad = X[:2].copy()
    bad[0, 0] = np.nan
    with config_context(assume_finite=True):
        # No validation error about NaN; the network's output check decides.
        with pytest.raises(ValueError, match="not finite"):
            est.predict(bad)


# -- core: activations, losses, in-place helpers --------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_and_leaky_relu_backward_match_boolean_indexing(dtype):
    rng = np.random.RandomState(0)
    z = rng.randn(50, 7).astype(dtype)
    z[::3, 2] = 0.0  # units exactly at the kink get no gradient, as before
    upstream = rng.randn(50, 7).astype(dtype)
    options = {"leaky_relu_slope": 0.01}
    for name, slope in [("relu", 0.0), ("leaky_relu", 0.01)]:
        act = ACTIVATIONS[name]
        a, cache = act.forward(z.copy(), None, options)
        delta = act.backward(upstream.copy(), a, cache, None, None, options)
        expected = upstream.copy()
        if name == "relu":
            expected[a <= 0] = 0
        else:
            expected[a <= 0] *= options["leaky_relu_slope"]
        assert delta.dtype == dtype
        np.testing.assert_array_equal(delta, expected)
        assert slope == 0.0 or np.any(delta[a <= 0] != 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape",
    [
        (1, 1),
        (7, 3),
        (256, 512),
        (3 * _ZEROS_SIZE // 100 + 7, 100),
        (2, _ZEROS_SIZE + 1),
    ],
)
@pytest.mark.parametrize("minimum", [False, True])
def test_max_with_zero_is_numpys_maximum_with_zero(shape, dtype, minimum):
    # Several row blocks of the shared zeros, a row wider than all of them, and
    # values at the edges (signed zeros, infinities, NaN) must all come out as
    # np.maximum(z, 0) / np.minimum(z, 0) gives them, in place and not.
    rng = np.random.RandomState(shape[0])
    z = rng.randn(*shape).astype(dtype)
    z.flat[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40]
    expected = (np.minimum if minimum else np.maximum)(z, 0)
    out = _max_with_zero(z, out=np.empty_like(z), minimum=minimum)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, expected)
    assert np.array_equal(np.signbit(out), np.signbit(expected))
    in_place = z.copy()
    assert _max_with_zero(in_place, out=in_place, minimum=minimum) is in_place
    np.testing.assert_array_equal(in_place, expected)
    strided = np.repeat(z, 2, axis=1)[:, ::2]  # not contiguous: the plain path
    np.testing.assert_array_equal(
        _max_with_zero(strided, out=np.empty_like(z), minimum=minimum), expected
    )


@pytest.mark.parametrize(
    "y",
    [
        np.array([3, 1, 2, 3, 1, 2, 2]),
        np.array([2.0, -1.0, 2.0, 5.0]),
        np.array(["b", "a", "c", "a"]),
        np.array(["spam", "eggs", "spam"], dtype=object),
        np.array([True, False, False, True]),
        np.array([7, 9, 9, 7, 7]),
        np.array(["no", "yes", "yes"]),
    ],
    ids=["int", "float", "str", "object", "bool", "binary-int", "binary-str"],
)
def test_class_indicators_match_the_label_binarizer(y):
    from sklearn.preprocessing import LabelBinarizer

    clf = MLPClassifierPrimer(hidden_layer_sizes=(2,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning
        clf.fit(np.arange(2 * len(y), dtype=float).reshape(len(y), 2), y)
    # np.unique(y) is computed once and cached on a view of y: none of that
    # view's dtype metadata may leak into the fitted classes.
    assert clf.classes_.dtype.metadata is None
    indicators = clf._targets.indicators(y)
    assert indicators.dtype == bool
    np.testing.assert_array_equal(indicators, LabelBinarizer().fit(y).transform(y))
    # A label that is not a class (partial_fit rejects it first) must not take a
    # neighbour's code: the binarizer gives it a row of zeros.
    if y.dtype.kind in "iuf":
        unknown = np.concatenate([y, [y.max() + 1]])
    elif y.dtype.kind in "UO":
        unknown = np.concatenate([y, np.array(["zzz"], dtype=y.dtype)])
    else:
        return  # bool: both values are classes already
    expected = clf._label_binarizer.transform(unknown).astype(bool)
    assert not expected[-1].any() or len(clf.classes_) == 2
    np.testing.assert_array_equal(clf._targets.indicators(unknown), expected)


@pytest.mark.parametrize(
    "labels", [[3, 1, 2], ["b", "a"], [2.0, -1.0, 5.0, 7.0], [True, False]]
)
@pytest.mark.parametrize("loss", ["log_loss", "hinge"])
def test_predict_gives_the_label_binarizers_classes(labels, loss):
    rng = np.random.RandomState(len(labels))
    X = rng.randn(40, 3)
    y = np.asarray(labels)[rng.randint(len(labels), size=40)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning
        clf = MLPClassifierPrimer(hidden_layer_sizes=(4,), loss=loss, max_iter=5)
        clf.fit(X, y)
    scores = clf._raw_scores(X)
    # Ties and zero scores too: the first largest score wins, zero is negative.
    scores[:5] = 0.0
    clf._raw_scores = lambda X: scores
    expected = clf._label_binarizer.inverse_transform(scores, threshold=0.0)
    predicted = clf.predict(X)
    assert predicted.dtype == expected.dtype
    np.testing.assert_array_equal(predicted, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tanh_backward_is_one_minus_square(dtype):
    rng = np.random.RandomState(1)
    a = np.tanh(rng.randn(9, 4)).astype(dtype)
    upstream = rng.randn(9, 4).astype(dtype)
    delta = ACTIVATIONS["tanh"].backward(upstream.copy(), a, None, None, None, {})
    np.testing.assert_array_equal(delta, upstream * (1 - a * a))
    assert delta.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_softmax_log_loss_matches_scipy(dtype):
    rng = np.random.RandomState(2)
    z = (rng.randn(40, 6) * 30).astype(dtype)
    y = np.eye(6, dtype=dtype)[rng.randint(6, size=40)]
    per_sample, delta = LOSSES["softmax_log_loss"].value_and_delta(z.copy(), y)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    z64 = z.astype(np.float64)
    np.testing.assert_allclose(
        per_sample, -(y * log_softmax(z64, axis=1)).sum(axis=1), rtol=rtol, atol=rtol
    )
    np.testing.assert_allclose(
        delta, np.exp(z64 - logsumexp(z64, axis=1, keepdims=True)) - y, atol=rtol
    )
    assert delta.dtype == dtype and per_sample.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 7, _BLOCK - 1, _BLOCK, _BLOCK + 1, 2 * _BLOCK + 5])
@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize("scratch", [None, "for n", 1000])
def test_add_scaled_is_y_plus_a_x_exactly(n, dtype, negate, scratch):
    # Without a scratch buffer, with the one scratch_for makes, and with a
    # shorter one than a block (blocks of its length): the same bits.
    rng = np.random.RandomState(n)
    x, y = rng.randn(n).astype(dtype), rng.randn(n).astype(dtype)
    product = dtype(0.37) * x if dtype == np.float32 else 0.37 * x
    expected = product - y if negate else y + product
    target = y
    if scratch == "for n":
        scratch = fast.scratch_for(n, dtype)
        assert scratch.shape == (min(n, _BLOCK),) and scratch.dtype == dtype
    elif scratch is not None:
        scratch = np.empty(scratch, dtype)
    _add_scaled(y, 0.37, x, negate=negate, scratch=scratch)
    assert y is target and y.dtype == dtype
    np.testing.assert_array_equal(y, expected)


def test_add_scaled_on_a_view_updates_the_parent():
    parent = np.arange(10.0)
    _add_scaled(parent[2:8], 2.0, np.ones(6))
    np.testing.assert_array_equal(parent, [0, 1, 4, 5, 6, 7, 8, 9, 8, 9])


# -- optimizers: same numbers as the textbook updates ------------------------------


def _sgd_reference(params, velocity, grad, lr, momentum, nesterov):
    velocity[...] = momentum * velocity - lr * grad
    params += momentum * velocity - lr * grad if nesterov else velocity


def _adam_reference(params, m, v, grad, t, lr0, b1, b2, eps):
    m[...] = b1 * m + (1 - b1) * grad
    v[...] = b2 * v + (1 - b2) * grad**2
    lr = float(lr0 * np.sqrt(1 - b2**t) / (1 - b1**t))  # a weak scalar: no upcast
    params -= m / (np.sqrt(v) + eps) * lr


@pytest.mark.parametrize("dtype", DTYPES)
def test_optimizers_without_temporaries_give_the_textbook_numbers(dtype):
    # Longer than one scratch block, so that the blocked path runs.
    n = _BLOCK + 1000
    rng = np.random.RandomState(3)
    start = rng.randn(n).astype(dtype)
    grads = [rng.randn(n).astype(dtype) for _ in range(4)]
    for nesterov in (True, False):
        sgd, params = SGD(n, dtype, 0.1, "constant", 0.9, nesterov, 0.5), start.copy()
        ref, velocity = start.copy(), np.zeros(n, dtype)
        for i, g in enumerate(grads):
            # Every other step with an epoch loop's scratch buffer.
            scratch = fast.scratch_for(n, dtype) if i % 2 else None
            sgd.update(params, g.copy(), scratch=scratch)
            _sgd_reference(ref, velocity, g, dtype(0.1), dtype(0.9), nesterov)
        np.testing.assert_array_equal(params, ref)
        assert params.dtype == sgd.velocity.dtype == dtype
    adam, params = Adam(n, dtype, 0.01, 0.9, 0.999, 1e-8), start.copy()
    ref, m, v = start.copy(), np.zeros(n, dtype), np.zeros(n, dtype)
    for t, g in enumerate(grads, start=1):
        adam.update(
            params, g.copy(), scratch=fast.scratch_for(n, dtype) if t % 2 else None
        )
        _adam_reference(ref, m, v, g, t, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_array_equal(params, ref)
    assert params.dtype == adam.m.dtype == adam.v.dtype == dtype


# -- the epoch loop -----------------------------------------------------------------


def _epoch_reference(net, params, optimizer, X, Y, sw, batch_size, order, alpha):
    """One epoch, batch by batch through the public loss_and_grad."""
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        rows = order[start : start + batch_size]
        value, grad = net.loss_and_grad(
            params, X[rows], Y[rows], None if sw is None else sw[rows], alpha
        )
        total += value * len(rows)
        optimizer.update(params, grad)
    return total / X.shape[0]


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scaled", [False, True])
def test_run_epoch_matches_the_batch_by_batch_reference(sparse, weighted, scaled):
    # The loop gathers batches into buffers and scales them into the
    # workspace's: each batch must still see its own rows.
    rng = np.random.RandomState(4)
    X = rng.randn(53, 6)
    X[X < 0.3] = 0.0
    Y = np.eye(3)[rng.randint(3, size=53)]
    sw = rng.uniform(0.5, 2.0, size=53) if weighted else None
    # Sparse input is scaled, never centered (its statistics have center 0).
    center = np.zeros(6) if sparse else X.mean(axis=0)
    scaling = (center, X.std(axis=0) + 0.1) if scaled else None
    net = Network(
        [6, 8, 5, 3], ["relu", "tanh"], "softmax_log_loss", input_scaling=scaling
    )
    start = net.init_params(rng, ["glorot"] * 3, ["relu", "tanh", "tanh"], "auto")
    order = rng.permutation(53)
    Xin = sp.csr_matrix(X) if sparse else X
    for Opt, kwargs in [
        (Adam, dict(learning_rate_init=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-8)),
        (
            SGD,
            dict(
                learning_rate_init=0.1,
                lr_schedule="constant",
                momentum=0.9,
                nesterov=True,
                power_t=0.5,
            ),
        ),
    ]:
        ours, ref = start.copy(), start.copy()
        loss = run_epoch(
            net,
            ours,
            Opt(net.n_params, np.float64, **kwargs),
            Xin,
            Y,
            sw,
            10,
            rng,
            order=order,
            alpha=0.01,
        )
        expected = _epoch_reference(
            net, ref, Opt(net.n_params, np.float64, **kwargs), X, Y, sw, 10, order, 0.01
        )
        np.testing.assert_allclose(ours, ref, rtol=1e-13, atol=1e-15)
        assert loss == pytest.approx(expected, rel=1e-13)
        assert not np.array_equal(ours, start)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_float32_stays_float32_through_training(solver, monkeypatch):
    seen, targets = [], []
    original = Network.loss_and_grad

    def recording(self, params, X, Y, *args, **kwargs):
        value, grad = original(self, params, X, Y, *args, **kwargs)
        buffers = [a for ws in self._workspaces.values() for a in _flat(ws)]
        seen.append({a.dtype for a in [params, grad, X, *buffers]})
        # Class indicators stay bool until the network casts each batch.
        targets.append(Y.dtype)
        return value, grad

    monkeypatch.setattr(Network, "loss_and_grad", recording)
    est, X = _fitted("classifier", np.float32, solver=solver, alpha=0.01)
    assert seen and all(dtypes == {np.dtype(np.float32)} for dtypes in seen)
    assert set(targets) == {np.dtype(bool)}
    assert all(c.dtype == np.float32 for c in est.coefs_ + est.intercepts_)
    assert est.predict_proba(X).dtype == np.float32
    if solver != "lbfgs":
        state = [getattr(est._optimizer, k, None) for k in ("m", "v", "velocity")]
        assert all(s.dtype == np.float32 for s in state if s is not None)


def _flat(workspace):
    for value in workspace.values():
        for array in value if isinstance(value, list) else [value]:
            if array is not None:  # layers without batch normalization
                yield array


def test_lbfgs_drops_its_full_batch_buffers():
    rng = np.random.RandomState(5)
    X, Y = rng.randn(40, 3), rng.randn(40, 2)
    net = Network([3, 7, 2], ["relu"], "squared_error")
    params = net.init_params(rng, ["he", "he"], ["relu", "relu"], "auto")
    result = minimize_lbfgs(
        net, params, X, Y, None, alpha=0.0, max_iter=5, max_fun=100, tol=0.0
    )
    assert result.nit > 0
    assert net._workspaces == {}


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fit_drops_the_batch_buffers_and_partial_fit_keeps_them(solver):
    X, _, y = _data(np.float64)
    params = dict(hidden_layer_sizes=(6,), solver=solver, batch_size=16, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning
        fitted = MLPRegressorPrimer(**params, random_state=0).fit(X, y)
    assert fitted._network._workspaces == {}
    incremental = MLPRegressorPrimer(**params, random_state=0).partial_fit(X, y)
    assert set(incremental._network._workspaces) == {16, len(X) % 16}
    # Buffers rebuilt on demand train exactly as kept ones: a second epoch by
    # partial_fit after the fit's buffers were dropped matches one that kept them.
    incremental.partial_fit(X, y)
    fitted = MLPRegressorPrimer(**params, random_state=0).partial_fit(X, y)
    fitted._network.clear_workspaces()
    fitted.partial_fit(X, y)
    np.testing.assert_array_equal(fitted.coefs_[0], incremental.coefs_[0])


# -- every trick of sklmlp._core.fast against the plain formula beside it ---------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_module_agrees_with_its_plain_formulas(dtype):
    rng = np.random.RandomState(0)
    for n in (5, fast.BLOCK + 3):
        x = rng.randn(n).astype(dtype)
        for negate in (False, True):
            y_fast = rng.randn(n).astype(dtype)
            y_plain = y_fast.copy()
            fast.add_scaled(y_fast, 0.3, x, negate=negate)
            fast.plain_add_scaled(y_plain, 0.3, x, negate=negate)
            np.testing.assert_array_equal(y_fast, y_plain)
    for shape in [(7, 5), (fast.ZEROS_SIZE // 3 + 2, 3)]:
        z = rng.randn(*shape).astype(dtype)
        for minimum in (False, True):
            np.testing.assert_array_equal(
                fast.max_with_zero(z, np.empty_like(z), minimum),
                fast.plain_max_with_zero(z, np.empty_like(z), minimum),
            )
    A, W = rng.randn(6, 4).astype(dtype), rng.randn(4, 3).astype(dtype)
    for left in (A, sp.csr_matrix(A)):
        np.testing.assert_array_equal(
            fast.dot_into(left, W, np.empty((6, 3), dtype)),
            fast.plain_dot_into(left, W, np.empty((6, 3), dtype)),
        )
    z_fast, z_plain = fast.zeroed(9, dtype), fast.plain_zeroed(9, dtype)
    np.testing.assert_array_equal(z_fast, z_plain)
    assert z_fast.dtype == z_plain.dtype
