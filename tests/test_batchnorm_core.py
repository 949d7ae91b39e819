"""Batch normalization in the numerical core: gradients, statistics, modes."""

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import numerical_gradient, relative_error

from sklmlp._core.activations import ACTIVATIONS
from sklmlp._core.network import Network

N_SAMPLES, N_FEATURES, N_OUTPUTS = 9, 4, 3
MIXES = {  # per-layer flags for depths 1..3, and a mix with unnormalized layers
    1: [True],
    2: [True, True],
    3: [True, False, True],
}


def _network(activation, depth, batch_norm=None, loss="squared_error", **kwargs):
    hidden = [5, 4, 3][:depth]
    return Network(
        [N_FEATURES, *hidden, N_OUTPUTS],
        [activation] * depth if isinstance(activation, str) else activation,
        loss,
        batch_norm=MIXES[depth] if batch_norm is None else batch_norm,
        leaky_relu_slope=0.1,
        maxout_pieces=3,
        **kwargs,
    )


def _params(net, rng):
    params = net.init_params(
        rng, ["lecun"] * (len(net.layer_units) - 1), ["tanh"] * 4, 0.1
    )
    # Every parameter away from its starting value: biases, slopes, and the
    # normalization's scales and shifts (which start at 1 and 0).
    params[net.n_weights :] = rng.uniform(0.3, 1.5, net.n_params - net.n_weights)
    params[net.n_weights :] *= rng.choice([-1, 1], net.n_params - net.n_weights)
    return params


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradient_matches_central_differences(activation, depth, weighted):
    rng = np.random.RandomState(depth)
    net = _network(activation, depth)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    Y = rng.randn(N_SAMPLES, N_OUTPUTS)
    sw = rng.uniform(0.2, 3.0, N_SAMPLES) if weighted else None
    params = _params(net, rng)

    _, grad = net.loss_and_grad(params, X, Y, sw, alpha=0.3)
    numerical = numerical_gradient(lambda p: net.loss(p, X, Y, sw, alpha=0.3), params)
    assert relative_error(grad, numerical) < 1e-6
    # The scales and shifts get gradients (not decayed by alpha: their part of
    # the gradient is the same without it).
    a, b, width = net.layout._norm_spans[0]
    assert np.abs(grad[a : a + 2 * width]).max() > 0
    no_decay = net.loss_and_grad(params, X, Y, sw, alpha=0.0)[1]
    np.testing.assert_array_equal(grad[net.n_weights :], no_decay[net.n_weights :])


@pytest.mark.parametrize("loss", ["softmax_log_loss", "logistic_log_loss", "poisson"])
def test_gradient_per_layer_mix_and_other_losses(loss):
    rng = np.random.RandomState(7)
    net = _network(["prelu", "maxout", "tanh"], 3, [False, True, True], loss=loss)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    Y = np.eye(N_OUTPUTS)[rng.randint(N_OUTPUTS, size=N_SAMPLES)]
    if loss == "poisson":
        Y = rng.poisson(2.0, (N_SAMPLES, N_OUTPUTS)).astype(float)
    params = _params(net, rng)
    _, grad = net.loss_and_grad(params, X, Y, alpha=0.1)
    numerical = numerical_gradient(lambda p: net.loss(p, X, Y, alpha=0.1), params)
    assert relative_error(grad, numerical) < 1e-6


def test_layout_drops_the_bias_of_a_normalized_layer():
    # The notes' 3-4-2 net has 26 parameters; normalizing its hidden layer
    # drops 4 biases and adds 4 scales and 4 shifts.
    plain = Network([3, 4, 2], ["relu"], "squared_error")
    norm = Network([3, 4, 2], ["relu"], "squared_error", batch_norm=[True])
    assert plain.n_params == 26 and norm.n_params == 26 - 4 + 8
    assert norm.n_weights == plain.n_weights == 20
    assert norm.n_stats == 8 and plain.n_stats == 0
    # Maxout normalizes each piece: 4 units x 3 pieces.
    maxout = Network(
        [3, 4, 2], ["maxout"], "squared_error", maxout_pieces=3, batch_norm=[True]
    )
    assert maxout.n_stats == 2 * 12
    params, stats = np.arange(norm.n_params, dtype=float), norm.init_stats()
    weights, biases, slopes, norms = norm.unpack(params, stats)
    assert biases[0] is None and biases[1].shape == (2,)
    assert norms[0].scale.shape == norms[0].shift.shape == norms[0].mean.shape == (4,)
    np.testing.assert_array_equal(stats, [0, 0, 0, 0, 1, 1, 1, 1])
    # pack and pack_stats give the vectors back.
    np.testing.assert_array_equal(norm.pack(weights, biases, slopes, norms), params)
    np.testing.assert_array_equal(norm.pack_stats(norms), stats)


def test_training_mode_gives_unit_gaussian_pre_activations():
    # The notes: normalization forces each layer's activations toward a unit
    # Gaussian at the start, whatever the weights' scale.
    rng = np.random.RandomState(0)
    # (A negligible eps: the normalized variance is var / (var + eps).)
    net = Network(
        [20, 50, 50, 2],
        ["identity"] * 2,
        "squared_error",
        batch_norm=[1, 1],
        batch_norm_epsilon=1e-12,
    )
    params = net.init_params(rng, ["small"] * 3, ["relu"] * 3, 0.0)
    X = rng.randn(500, 20) * 30 + 7
    for weights in (None, rng.uniform(0, 2, 500)):
        outputs = net._forward_train(net.unpack(params), X, sample_weight=weights)[2]
        for h in outputs:
            mean = np.average(h, axis=0, weights=weights)
            var = np.average((h - mean) ** 2, axis=0, weights=weights)
            np.testing.assert_allclose(mean, 0, atol=1e-12)
            np.testing.assert_allclose(var, 1, rtol=1e-8)


def test_running_statistics_follow_the_momentum():
    rng = np.random.RandomState(1)
    net = _network("relu", 1)
    params, stats = _params(net, rng), net.init_stats()
    X, Y = rng.randn(N_SAMPLES, N_FEATURES), rng.randn(N_SAMPLES, N_OUTPUTS)
    weights, biases, slopes, norms = net.unpack(params, stats)
    z = X @ weights[0]
    expected_mean, expected_var = 0.1 * z.mean(axis=0), 0.9 + 0.1 * z.var(axis=0)
    net.loss_and_grad(params, X, Y, stats=stats, momentum=0.1)
    np.testing.assert_allclose(norms[0].mean, expected_mean, rtol=1e-12)
    np.testing.assert_allclose(norms[0].var, expected_var, rtol=1e-12)
    # Without a momentum the statistics are only read.
    before = stats.copy()
    net.loss_and_grad(params, X, Y, stats=stats)
    np.testing.assert_array_equal(stats, before)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_inference_after_update_stats_equals_the_training_pass(activation):
    # What lbfgs ends with: the running statistics are the data's own, and the
    # fitted model predicts its training set as its last training pass saw it.
    rng = np.random.RandomState(2)
    net = _network(activation, 3)
    params, stats = _params(net, rng), net.init_stats()
    X = rng.randn(40, N_FEATURES)
    sw = rng.uniform(0.5, 2, 40)
    net.update_stats(params, stats, X, sw)
    training = net._forward_train(net.unpack(params), X, sample_weight=sw)[0]
    inference = net.forward(*net.unpack(params, stats), X)
    np.testing.assert_allclose(inference, training, rtol=1e-10, atol=1e-12)


def test_inference_is_row_by_row():
    rng = np.random.RandomState(3)
    net = _network("tanh", 2)
    params, stats = _params(net, rng), net.init_stats()
    stats[:] = rng.uniform(0.5, 2.0, stats.size)  # running statistics of some fit
    X = rng.randn(12, N_FEATURES)
    views = net.unpack(params, stats)
    together = net.forward(*views, X)
    one_by_one = np.vstack([net.forward(*views, X[i : i + 1]) for i in range(12)])
    np.testing.assert_allclose(one_by_one, together, rtol=1e-13)
    # ... and it uses those statistics: other statistics, other scores.
    assert not np.allclose(
        net.forward(*net.unpack(params, net.init_stats()), X), together
    )


def test_weighted_statistics_zero_weights_and_repeated_rows():
    rng = np.random.RandomState(4)
    net = _network("leaky_relu", 2)
    params = _params(net, rng)
    X, Y = rng.randn(N_SAMPLES, N_FEATURES), rng.randn(N_SAMPLES, N_OUTPUTS)
    sw = rng.randint(1, 3, N_SAMPLES).astype(float)
    sw[[2, 5]] = 0.0
    # Zero-weight rows change nothing: not the loss, not the gradient, not
    # the statistics (they would, were the batch statistics unweighted).
    keep = sw > 0
    stats_w, stats_k = net.init_stats(), net.init_stats()
    lw, gw = net.loss_and_grad(params, X, Y, sw, stats=stats_w, momentum=0.5)
    lk, gk = net.loss_and_grad(
        params, X[keep], Y[keep], sw[keep], stats=stats_k, momentum=0.5
    )
    assert lw == pytest.approx(lk, rel=1e-12)
    np.testing.assert_allclose(gw, gk, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(stats_w, stats_k, rtol=1e-12)
    # A weight of 2 is the row twice.
    rows = np.repeat(np.arange(N_SAMPLES), sw.astype(int))
    lr, gr = net.loss_and_grad(params, X[rows], Y[rows])
    assert lw == pytest.approx(lr, rel=1e-12)
    np.testing.assert_allclose(gw, gr, rtol=1e-10, atol=1e-14)
    # Unweighted statistics would differ.
    _, gu = net.loss_and_grad(params, X[keep], Y[keep])
    assert not np.allclose(gu, gw)


def test_a_batch_of_one_uses_the_running_statistics():
    rng = np.random.RandomState(5)
    net = _network("relu", 2)
    params, stats = _params(net, rng), net.init_stats()
    stats[:] = rng.uniform(0.5, 2.0, stats.size)
    x, y = rng.randn(1, N_FEATURES), rng.randn(1, N_OUTPUTS)
    before = stats.copy()
    value, grad = net.loss_and_grad(params, x, y, stats=stats, momentum=0.1)
    # Finite, the statistics untouched, and the loss is the inference one.
    assert np.isfinite(value) and np.isfinite(grad).all()
    np.testing.assert_array_equal(stats, before)
    scores = net.forward(*net.unpack(params, stats), x)
    assert value == pytest.approx(0.5 * np.sum((scores - y) ** 2), rel=1e-12)
    # The gradient is that of this inference-mode loss: the weights still learn.
    numerical = numerical_gradient(
        lambda p: net.loss_and_grad(p, x, y, stats=stats)[0], params
    )
    assert relative_error(grad, numerical) < 1e-6
    assert np.abs(grad[: net.n_weights]).max() > 0
    # Without running statistics (a gradient check), a fresh layer's 0 and 1.
    value = net.loss(params, x, y)
    scores = net.forward(*net.unpack(params, net.init_stats()), x)
    assert value == pytest.approx(0.5 * np.sum((scores - y) ** 2), rel=1e-12)


def test_constant_columns_stay_finite():
    # Zero variance within a batch: eps keeps the division finite.
    net = _network("tanh", 1)
    params = _params(net, np.random.RandomState(6))
    X, Y = np.ones((5, N_FEATURES)), np.zeros((5, N_OUTPUTS))
    value, grad = net.loss_and_grad(params, X, Y, stats=net.init_stats(), momentum=0.1)
    assert np.isfinite(value) and np.isfinite(grad).all()


def test_float32_and_sparse_input():
    rng = np.random.RandomState(7)
    net64 = _network("prelu", 2)
    net32 = _network("prelu", 2, dtype=np.float32)
    params = _params(net64, rng)
    X, Y = rng.randn(N_SAMPLES, N_FEATURES), rng.randn(N_SAMPLES, N_OUTPUTS)
    stats32 = net32.init_stats()
    assert stats32.dtype == np.float32
    l32, g32 = net32.loss_and_grad(
        params.astype(np.float32),
        X.astype(np.float32),
        Y.astype(np.float32),
        stats=stats32,
        momentum=0.1,
    )
    assert g32.dtype == stats32.dtype == np.float32
    l64, g64 = net64.loss_and_grad(params, X, Y)
    assert l32 == pytest.approx(l64, rel=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-4)
    scores = net32.forward(
        *net32.unpack(params.astype(np.float32), stats32), X.astype(np.float32)
    )
    assert scores.dtype == np.float32
    sparse = net64.loss_and_grad(params, sp.csr_matrix(X), Y)
    assert sparse[0] == pytest.approx(l64, rel=1e-12)
    np.testing.assert_allclose(sparse[1], g64, rtol=1e-10, atol=1e-14)
