"""The numerical core, checked directly: gradients, sizes, layouts, sparse input."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import numerical_gradient, relative_error

from sklmlp._core.activations import ACTIVATIONS
from sklmlp._core.losses import LOSSES
from sklmlp._core.network import Network

N_SAMPLES, N_FEATURES, N_OUTPUTS = 7, 4, 3


def _targets(loss, rng, n=N_SAMPLES, k=N_OUTPUTS):
    """Targets of the kind each loss is trained on."""
    if loss in ("softmax_log_loss", "multiclass_hinge"):
        return np.eye(k)[rng.randint(k, size=n)]
    if loss in ("logistic_log_loss", "binary_hinge"):
        return rng.randint(2, size=(n, k)).astype(float)
    if loss == "poisson":
        return rng.poisson(2.0, size=(n, k)).astype(float)
    return rng.randn(n, k)


def _network(activation, loss, depth, **kwargs):
    hidden = [5, 4, 3][:depth]
    return Network(
        [N_FEATURES, *hidden, N_OUTPUTS], [activation] * depth, loss, **kwargs
    )


def _params(net, rng):
    params = net.init_params(
        rng, ["lecun"] * (len(net.layer_units) - 1), ["tanh"] * 4, 0.1
    )
    # Random biases and PReLU slopes (not only their constant starting values),
    # so that every parameter's gradient is exercised away from special points.
    params[net.n_weights :] = rng.uniform(-0.5, 0.5, net.n_params - net.n_weights)
    return params


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradient_matches_central_differences(activation, loss, alpha, depth):
    rng = np.random.RandomState(0)
    net = _network(activation, loss, depth, leaky_relu_slope=0.1, maxout_pieces=3)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    Y = _targets(loss, rng)
    params = _params(net, rng)

    _, grad = net.loss_and_grad(params, X, Y, alpha=alpha)
    numerical = numerical_gradient(lambda p: net.loss(p, X, Y, alpha=alpha), params)
    assert relative_error(grad, numerical) < 1e-6
    # The loss of the training path and of the prediction path agree.
    assert net.loss_and_grad(params, X, Y, alpha=alpha)[0] == pytest.approx(
        net.loss(params, X, Y, alpha=alpha), rel=1e-12
    )


@pytest.mark.parametrize("activation", ["relu", "prelu", "maxout", "tanh"])
def test_weighted_gradient_with_dropout_and_noise(activation):
    """Sample weights, dropout masks and input noise are part of the gradient."""
    rng = np.random.RandomState(1)
    net = _network(activation, "softmax_log_loss", 2)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    Y = _targets("softmax_log_loss", rng)
    sw = rng.uniform(0.1, 3.0, N_SAMPLES)
    params = _params(net, rng)
    extras = dict(dropout=[0.3, 0.5], input_noise=0.2)

    def f(p):
        # The same seed gives the same masks and noise on every evaluation.
        return net.loss_and_grad(
            p, X, Y, sw, 0.1, rng=np.random.RandomState(7), **extras
        )[0]

    _, grad = net.loss_and_grad(
        params, X, Y, sw, 0.1, rng=np.random.RandomState(7), **extras
    )
    assert relative_error(grad, numerical_gradient(f, params)) < 1e-6
    # Dropout really changes the objective (masks are applied).
    assert f(params) != pytest.approx(net.loss(params, X, Y, sw, 0.1))


def test_integer_sample_weights_equal_repeated_rows():
    rng = np.random.RandomState(2)
    net = _network("tanh", "softmax_log_loss", 2)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    Y = _targets("softmax_log_loss", rng)
    sw = np.array([0, 1, 2, 3, 1, 0, 2])
    params = _params(net, rng)
    weighted = net.loss_and_grad(params, X, Y, sw.astype(float), alpha=0.5)
    repeated = net.loss_and_grad(
        params, X.repeat(sw, axis=0), Y.repeat(sw, axis=0), alpha=0.5
    )
    assert weighted[0] == pytest.approx(repeated[0], rel=1e-12)
    np.testing.assert_allclose(weighted[1], repeated[1], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_loss_and_gradient(fmt):
    rng = np.random.RandomState(3)
    net = _network("relu", "squared_error", 2)
    X = rng.randn(N_SAMPLES, N_FEATURES) * (rng.rand(N_SAMPLES, N_FEATURES) < 0.5)
    Y = _targets("squared_error", rng)
    params = _params(net, rng)
    dense = net.loss_and_grad(params, X, Y, alpha=0.1)
    sparse = net.loss_and_grad(params, sp.csr_matrix(X).asformat(fmt), Y, alpha=0.1)
    assert sparse[0] == pytest.approx(dense[0], rel=1e-12)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_float32_stays_float32(activation):
    rng = np.random.RandomState(4)
    net = _network(activation, "softmax_log_loss", 2, dtype=np.float32)
    X = rng.randn(N_SAMPLES, N_FEATURES).astype(np.float32)
    Y = _targets("softmax_log_loss", rng).astype(np.float32)
    params = _params(net, rng).astype(np.float32)
    loss, grad = net.loss_and_grad(params, X, Y, alpha=0.1)
    assert grad.dtype == np.float32
    assert net.forward(*net.unpack(params), X).dtype == np.float32
    # ... and agrees with the float64 computation to float32 precision.
    net64 = _network(activation, "softmax_log_loss", 2)
    loss64, grad64 = net64.loss_and_grad(
        params.astype(np.float64), X.astype(np.float64), Y.astype(np.float64), alpha=0.1
    )
    assert loss == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(grad, grad64, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize(
    "units, neurons, weights, params",
    [
        # The notes' examples: 4 + 2 neurons, 3*4 + 4*2 weights, 6 biases.
        ([3, 4, 2], 6, 20, 26),
        # 4 + 4 + 1 neurons, 12 + 16 + 4 weights and 9 biases.
        ([3, 4, 4, 1], 9, 32, 41),
    ],
)
def test_notes_sizing_examples(units, neurons, weights, params):
    net = Network(units, ["relu"] * (len(units) - 2), "squared_error")
    assert net.n_weights == weights
    assert net.n_params == params
    assert sum(units[1:]) == neurons


def test_maxout_and_prelu_parameters_are_counted_honestly():
    # Maxout with k pieces: every unit has k weight vectors and k biases.
    net = Network([3, 4, 1], ["maxout"], "squared_error", maxout_pieces=3)
    assert net.n_params == (3 * 4 * 3 + 4 * 3) + (4 * 1 + 1)
    # PReLU: one learnable slope per hidden unit, outside the decayed block.
    net = Network([3, 4, 4, 1], ["prelu", "relu"], "squared_error")
    assert net.n_params == 41 + 4
    assert net.n_weights == 32


def test_flat_layout_views_and_pack_round_trip():
    rng = np.random.RandomState(5)
    net = Network([3, 4, 2], ["prelu"], "softmax_log_loss")
    params = rng.randn(net.n_params)
    weights, biases, slopes, norms = net.unpack(params)
    assert norms == [None]
    assert [w.shape for w in weights] == [(3, 4), (4, 2)]
    assert [b.shape for b in biases] == [(4,), (2,)]
    assert slopes[0].shape == (4,)
    # Views, not copies: writing through a view changes the flat vector.
    weights[1][0, 0] = 123.0
    assert 123.0 in params
    # The weights form the leading block that L2 decays.
    np.testing.assert_array_equal(
        np.concatenate([w.ravel() for w in weights]), params[: net.n_weights]
    )
    np.testing.assert_array_equal(net.pack(weights, biases, slopes), params)


def test_l2_penalty_follows_scikit_learn_scaling_and_spares_biases():
    rng = np.random.RandomState(6)
    net = Network([3, 4, 2], ["prelu"], "squared_error")
    X, Y = rng.randn(10, 3), rng.randn(10, 2)
    params = rng.randn(net.n_params)
    w = params[: net.n_weights]
    expected = 0.5 * 0.7 * (w @ w) / 10
    assert net.loss(params, X, Y, alpha=0.7) - net.loss(params, X, Y) == pytest.approx(
        expected
    )
    # Changing biases or slopes leaves the penalty unchanged.
    other = params.copy()
    other[net.n_weights :] += 1.0
    diff = net.loss(other, X, Y, alpha=0.7) - net.loss(other, X, Y)
    assert diff == pytest.approx(expected)


def test_forward_is_row_independent_and_batched():
    """Vectorized: predicting rows one at a time equals predicting them together."""
    rng = np.random.RandomState(8)
    for activation in sorted(ACTIVATIONS):
        net = _network(activation, "softmax_log_loss", 3)
        params = _params(net, rng)
        X = rng.randn(9, N_FEATURES)
        together = net.output_activation(net.forward(*net.unpack(params), X))
        one_by_one = np.vstack(
            [
                net.output_activation(net.forward(*net.unpack(params), X[i : i + 1]))
                for i in range(9)
            ]
        )
        np.testing.assert_allclose(together, one_by_one, rtol=1e-12)
        np.testing.assert_allclose(together.sum(axis=1), 1.0)


def test_workspace_reuse_does_not_leak_between_batch_sizes():
    rng = np.random.RandomState(9)
    net = _network("relu", "squared_error", 2)
    params = _params(net, rng)
    batches = [
        (rng.randn(n, N_FEATURES), rng.randn(n, N_OUTPUTS)) for n in (5, 3, 5, 2)
    ]
    first = [net.loss_and_grad(params, X, Y)[1].copy() for X, Y in batches]
    fresh = [
        _network("relu", "squared_error", 2).loss_and_grad(params, X, Y)[1]
        for X, Y in batches
    ]
    for a, b in zip(first, fresh):
        np.testing.assert_array_equal(a, b)


def test_pickled_network_computes_the_same():
    import pickle

    rng = np.random.RandomState(10)
    for activation, loss in itertools.product(["prelu", "maxout"], ["poisson"]):
        net = _network(activation, loss, 2)
        params = _params(net, rng)
        X, Y = rng.randn(4, N_FEATURES), _targets(loss, rng, n=4)
        net.loss_and_grad(params, X, Y)  # fills the workspace
        clone = pickle.loads(pickle.dumps(net))
        assert clone._workspaces == {}
        assert (
            clone.loss_and_grad(params, X, Y)[0] == net.loss_and_grad(params, X, Y)[0]
        )
