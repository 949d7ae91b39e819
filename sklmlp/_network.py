"""The vectorized core: a fully connected network on one flat parameter buffer.

Where each parameter lives in the flat vector is :mod:`sklmlp._layout`'s
business (unpack, pack, initialization); this module runs the network on it.

A batch costs a matrix product, a bias add and an in-place activation per layer
on the way forward, and two matrix products per layer on the way back. Nothing
loops over samples or neurons, and the per-batch buffers are allocated once per
batch size and reused.

This module imports NumPy and SciPy only, never scikit-learn.
"""

import numpy as np
import scipy.sparse as sp

from . import _batchnorm
from ._activations import ACTIVATIONS
from ._layout import ParameterLayout
from ._losses import LOSSES, OUTPUT_ACTIVATIONS

__all__ = ["Network"]

# Elements per block of _add_scaled's scratch buffer: at most 512 KiB, which
# stays in cache and is as fast as one temporary the length of the vector.
_BLOCK = 65536


def _add_scaled(y, a, x, *, negate=False):
    """``y += a * x`` in place (``y = a * x - y`` with ``negate``), no long temporary.

    The product goes through a scratch buffer of at most ``_BLOCK`` elements,
    block by block, so the rounding is exactly that of ``y += a * x``. (BLAS
    axpy would fuse the two passes, but SciPy's BLAS is a second OpenBLAS with
    its own threads, which fight NumPy's for the cores between matrix products.)
    ``negate`` saves Nesterov's step a separate pass to flip the sign of ``y``.
    """
    a = float(a)  # a NumPy float64 scalar would upcast float32 blocks
    combine = np.subtract if negate else np.add
    n = y.shape[0]
    if n <= _BLOCK:
        combine(np.multiply(x, a), y, out=y)
        return
    scratch = np.empty(_BLOCK, dtype=y.dtype)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        product = np.multiply(x[start:stop], a, out=scratch[: stop - start])
        combine(product, y[start:stop], out=y[start:stop])


def _dot_into(A, W, out):
    """``out[...] = A @ W`` for dense or sparse ``A``."""
    # isinstance is the cheap test; sp.issparse costs a microsecond per call.
    if isinstance(A, np.ndarray):
        return np.matmul(A, W, out=out)
    out[...] = A @ W
    return out


class Network(ParameterLayout):
    """A fully connected network: layer shapes, parameter layout, forward, backward.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, hidden_1, ..., hidden_k, n_outputs]``. ``k`` may be 0.
    activations : sequence of str
        One canonical activation name per hidden layer.
    loss : str
        A key of :data:`sklmlp._losses.LOSSES`; fixes the output activation.
    leaky_relu_slope : float, default=0.01
        Negative-side slope of ``'leaky_relu'`` units.
    maxout_pieces : int, default=2
        Linear pieces per ``'maxout'`` unit.
    batch_norm : sequence of bool, default=None
        Per hidden layer, whether its pre-activations are batch-normalized
        (:mod:`sklmlp._batchnorm`). A normalized layer has no bias (the
        normalization's shift takes its place) and one scale and shift per
        column of its weight matrix (per piece for maxout). None: no layer.
    batch_norm_epsilon : float, default=1e-5
        Added to the variance before its square root.
    dtype : numpy dtype, default=np.float64
        The dtype of parameters and every buffer.

    Attributes
    ----------
    n_params : int
        Length of the flat parameter vector.
    n_weights : int
        Length of its leading block of connection weights (the part L2 decays).
    n_stats : int
        Length of the running-statistics vector (0 without batch normalization).

    Examples
    --------
    The notes' three-layer net: 3 inputs, two hidden layers of 4, one output.

    >>> from sklmlp._network import Network
    >>> net = Network([3, 4, 4, 1], ["relu", "relu"], "squared_error")
    >>> net.n_params, net.n_weights
    (41, 32)
    """

    def __init__(
        self,
        layer_units,
        activations,
        loss,
        *,
        leaky_relu_slope=0.01,
        maxout_pieces=2,
        batch_norm=None,
        batch_norm_epsilon=1e-5,
        dtype=np.float64,
    ):
        self.layer_units = [int(u) for u in layer_units]
        self.activations = [ACTIVATIONS[name] for name in activations]
        if len(self.activations) != len(self.layer_units) - 2:
            raise ValueError("Need one activation per hidden layer.")
        n_hidden = len(self.activations)
        flags = [False] * n_hidden if batch_norm is None else batch_norm
        self.batch_norm = [bool(flag) for flag in flags]
        if len(self.batch_norm) != n_hidden:
            raise ValueError("Need one batch_norm flag per hidden layer.")
        self.batch_norm_epsilon = float(batch_norm_epsilon)
        self.loss_kind = LOSSES[loss]
        self.output_activation = OUTPUT_ACTIVATIONS[self.loss_kind.output]
        self.options = {
            "leaky_relu_slope": leaky_relu_slope,
            "maxout_pieces": maxout_pieces,
        }
        self.dtype = np.dtype(dtype)

        self._lay_out()
        self._workspaces = {}

    def __getstate__(self):
        """Pickle table rows by name and drop the reusable buffers."""
        state = self.__dict__.copy()
        state["activations"] = [act.name for act in self.activations]
        state["loss_kind"] = self.loss_kind.name
        del state["output_activation"]
        state["_workspaces"] = {}
        # The dtype by name: skops.io would otherwise list numpy.dtype as an
        # untrusted type of every saved model.
        state["dtype"] = self.dtype.name
        return state

    def __setstate__(self, state):
        """Look the table rows up again by name."""
        self.__dict__.update(state)
        self.dtype = np.dtype(state["dtype"])
        self.activations = [ACTIVATIONS[name] for name in state["activations"]]
        self.loss_kind = LOSSES[state["loss_kind"]]
        self.output_activation = OUTPUT_ACTIVATIONS[self.loss_kind.output]
        if "_norm_spans" not in state:  # saved by sklmlp 0.1: no normalization
            self.batch_norm = [False] * len(self.activations)
            self.batch_norm_epsilon = 1e-5
            self._lay_out()

    # -- forward ----------------------------------------------------------------

    def forward(self, weights, biases, slopes, norms, X, *, hidden=False):
        """Raw output scores for ``X`` (prediction path, allocates fresh arrays).

        Batch-normalized layers use their running statistics (inference mode):
        each row's scores depend on that row alone.

        Parameters
        ----------
        weights, biases, slopes, norms : lists
            Per-layer parameters, as from :meth:`unpack` (``norms`` with the
            running statistics, or a fresh layer's 0 and 1 where they are None).
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input.
        hidden : bool, default=False
            Also return the output of every hidden layer.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_outputs)
            Output-layer values before the output activation.
        hidden_outputs : list of ndarray
            Only when ``hidden=True``.
        """
        a = X
        hidden_outputs = []
        for i, act in enumerate(self.activations):
            z = a @ weights[i]
            if norms[i] is None:
                z += biases[i]
            else:
                k, c = _batchnorm.inference_affine(norms[i], self.batch_norm_epsilon)
                z *= k
                z += c
            a, _ = act.forward(z, slopes[i], self.options)
            hidden_outputs.append(a)
        scores = a @ weights[-1]
        scores += biases[-1]
        return (scores, hidden_outputs) if hidden else scores

    def predict(self, weights, biases, slopes, norms, X):
        """Output-layer activations (probabilities, means or scores) for ``X``.

        Parameters
        ----------
        weights, biases, slopes, norms : lists
            Per-layer parameters, as from :meth:`unpack`.
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        return self.output_activation(self.forward(weights, biases, slopes, norms, X))

    def _workspace(self, n_samples):
        ws = self._workspaces.get(n_samples)
        if ws is None:
            if len(self._workspaces) >= 2:  # a full batch and the last partial one
                self._workspaces.pop(next(iter(self._workspaces)))
            ws = {
                "z": [np.empty((n_samples, w), self.dtype) for w in self.widths],
                "d": [
                    np.empty((n_samples, u), self.dtype) for u in self.layer_units[1:-1]
                ],
                # z - mean of each normalized layer, kept for its backward pass.
                "centered": [
                    np.empty((n_samples, w), self.dtype) if norm else None
                    for w, norm in zip(self.widths, self.batch_norm)
                ],
                "ones": np.ones(n_samples, self.dtype),
            }
            self._workspaces[n_samples] = ws
        return ws

    def clear_workspaces(self):
        """Drop the reusable per-batch buffers; they are rebuilt on demand.

        A full-batch solver's buffers hold a copy of every layer's activations
        for the whole training set; a fitted model has no use for them.
        """
        self._workspaces = {}

    def _forward_train(
        self,
        views,
        X,
        rng,
        dropout,
        input_noise,
        sample_weight=None,
        momentum=None,
    ):
        weights, biases, slopes, norms = views
        ws = self._workspace(X.shape[0])
        if input_noise:
            # Gaussian input noise, a fresh draw for every batch.
            X = X.toarray() if sp.issparse(X) else X.copy()
            X += (input_noise * rng.standard_normal(X.shape)).astype(self.dtype)
        p = None
        if sample_weight is not None and any(self.batch_norm):
            # Batch statistics weighted as the loss weights the samples.
            p = (sample_weight / sample_weight.sum()).astype(self.dtype, copy=False)
        inputs, outputs, caches, masks, norm_caches = [X], [], [], [], []
        a = X
        for i, act in enumerate(self.activations):
            z = _dot_into(a, weights[i], ws["z"][i])
            norm_cache = None
            if norms[i] is None:
                z += biases[i]
            else:
                z, norm_cache = _batchnorm.normalize_train(
                    z,
                    norms[i],
                    self.batch_norm_epsilon,
                    ws["centered"][i],
                    ws["ones"],
                    p,
                    momentum,
                )
            norm_caches.append(norm_cache)
            a, cache = act.forward(z, slopes[i], self.options)
            outputs.append(a)
            caches.append(cache)
            mask = None
            if dropout is not None and dropout[i] > 0:
                # Inverted dropout: keep with probability 1 - p and scale by
                # 1 / (1 - p), so nothing changes at predict time.
                keep = 1.0 - dropout[i]
                mask = (rng.random_sample(a.shape) < keep).astype(self.dtype)
                mask /= keep
                a = a * mask
            masks.append(mask)
            inputs.append(a)
        scores = _dot_into(a, weights[-1], ws["z"][-1])
        scores += biases[-1]
        return scores, inputs, outputs, caches, masks, norm_caches

    def update_stats(self, params, stats, X, sample_weight=None):
        """Set the running statistics to those of the whole of ``X`` at ``params``.

        What a full-batch solver ends with: the model then predicts ``X``
        exactly as its last training pass saw it.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameters.
        stats : ndarray of shape (n_stats,)
            Running statistics, overwritten.
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            The training input.
        sample_weight : ndarray of shape (n_samples,), default=None
            Per-sample weights, as in training.
        """
        if self.n_stats:
            views = self.unpack(params, stats)
            self._forward_train(views, X, None, None, 0.0, sample_weight, 1.0)
            # Buffers the size of the whole data: not worth keeping.
            self._workspaces.pop(X.shape[0], None)

    # -- loss and gradient ------------------------------------------------------

    def _data_loss(self, scores, Y, sample_weight):
        """Weighted mean loss, its gradient w.r.t. the scores, and the weight sum."""
        # Class indicators may be stored as bool (an eighth of float64's
        # memory); the batch is cast here, where it is small.
        Y = Y.astype(self.dtype, copy=False)
        per_sample, delta = self.loss_kind.value_and_delta(scores, Y)
        if sample_weight is None:
            sw_sum = scores.shape[0]
            delta /= sw_sum
            return float(per_sample.sum()) / sw_sum, delta, sw_sum
        sw_sum = float(sample_weight.sum())
        delta *= (sample_weight / sw_sum).astype(self.dtype, copy=False)[:, None]
        return float(per_sample @ sample_weight) / sw_sum, delta, sw_sum

    def _penalty(self, params, alpha, sw_sum):
        # L2 weight decay, scikit-learn's scaling: 0.5 * alpha * ||W||^2 / n.
        w = params[: self.n_weights]
        return 0.5 * alpha * float(w @ w) / sw_sum

    def loss(self, params, X, Y, sample_weight=None, alpha=0.0):
        """Training objective at ``params`` (no gradient, no dropout or noise).

        The function :meth:`loss_and_grad` differentiates: batch-normalized
        layers use the statistics of ``X`` itself (training mode).

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameters.
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input.
        Y : ndarray of shape (n_samples, n_outputs)
            Encoded targets (one-hot, indicator, as float or bool, or real values).
        sample_weight : ndarray of shape (n_samples,), default=None
            Per-sample weights; the loss is their weighted mean.
        alpha : float, default=0.0
            L2 strength on connection weights (biases, slopes and the
            normalization's scales and shifts are not decayed).

        Returns
        -------
        float
        """
        if self.n_stats:
            scores = self._forward_train(
                self.unpack(params), X, None, None, 0.0, sample_weight
            )[0].copy()
        else:
            scores = self.forward(*self.unpack(params), X)
        value, _, sw_sum = self._data_loss(scores, Y, sample_weight)
        return value + (self._penalty(params, alpha, sw_sum) if alpha else 0.0)

    def data_loss(self, scores, Y, sample_weight=None):
        """Weighted mean loss of raw output scores already computed (no L2 term).

        Parameters
        ----------
        scores : ndarray of shape (n_samples, n_outputs)
            Output of :meth:`forward`; not modified.
        Y : ndarray of shape (n_samples, n_outputs)
            Encoded targets.
        sample_weight : ndarray of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        float
        """
        return self._data_loss(scores, Y, sample_weight)[0]

    def loss_and_grad(
        self,
        params,
        X,
        Y,
        sample_weight=None,
        alpha=0.0,
        *,
        out=None,
        rng=None,
        dropout=None,
        input_noise=0.0,
        stats=None,
        momentum=None,
    ):
        """Objective and its gradient with respect to the flat parameters.

        The objective is ``sum_i w_i L(y_i, f(x_i)) / sum_i w_i
        + 0.5 * alpha * ||W||^2 / sum_i w_i`` (``w_i = 1`` without weights),
        with batch-normalized layers in training mode (the batch's statistics).

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameters.
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input batch.
        Y : ndarray of shape (n_samples, n_outputs)
            Encoded targets (bool indicators are cast to ``dtype`` batch by batch).
        sample_weight : ndarray of shape (n_samples,), default=None
            Per-sample weights.
        alpha : float, default=0.0
            L2 strength.
        out : ndarray of shape (n_params,), default=None
            Where to write the gradient; allocated when None.
        rng : numpy.random.RandomState, default=None
            Source of dropout masks and input noise; needed when either is on.
        dropout : sequence of float, default=None
            Drop probability per hidden layer.
        input_noise : float, default=0.0
            Standard deviation of Gaussian noise added to the inputs.
        stats : ndarray of shape (n_stats,), default=None
            Running statistics of batch normalization: updated with this
            batch's when ``momentum`` is given, and used by a batch of one row.
        momentum : float, default=None
            Weight of this batch in the running statistics.

        Returns
        -------
        loss : float
        grad : ndarray of shape (n_params,)

        Examples
        --------
        >>> import numpy as np
        >>> from scipy.optimize import check_grad
        >>> from sklmlp._network import Network
        >>> rng = np.random.RandomState(0)
        >>> net = Network([3, 5, 2], ["tanh"], "squared_error")
        >>> X, Y = rng.randn(8, 3), rng.randn(8, 2)
        >>> w = net.init_params(rng, ["glorot"] * 2, ["tanh"] * 2, "auto")
        >>> err = check_grad(lambda p: net.loss(p, X, Y, alpha=0.1),
        ...                  lambda p: net.loss_and_grad(p, X, Y, alpha=0.1)[1], w)
        >>> bool(err < 1e-6)
        True
        """
        grad = np.empty_like(params) if out is None else out
        value = self._loss_and_grad(
            self.unpack(params, stats),
            params,
            self.unpack(grad),
            grad,
            X,
            Y,
            sample_weight,
            alpha,
            rng,
            dropout,
            input_noise,
            momentum,
        )
        return value, grad

    def _loss_and_grad(
        self,
        views,
        params,
        grad_views,
        grad,
        X,
        Y,
        sample_weight,
        alpha,
        rng,
        dropout,
        input_noise,
        momentum=None,
    ):
        """:meth:`loss_and_grad` on views that the caller unpacked once.

        ``views`` and ``grad_views`` are ``self.unpack(params, stats)`` and
        ``self.unpack(grad)``: an epoch loop unpacks them once and reuses them
        for every batch. Writes the gradient into ``grad`` and returns the loss.
        """
        scores, inputs, outputs, caches, masks, norm_caches = self._forward_train(
            views, X, rng, dropout, input_noise, sample_weight, momentum
        )
        value, delta, sw_sum = self._data_loss(scores, Y, sample_weight)

        weights, _, slopes, _ = views
        g_weights, g_biases, g_slopes, g_norms = grad_views
        ws = self._workspace(scores.shape[0])
        for i in range(len(weights) - 1, -1, -1):
            _dot_into(inputs[i].T, delta, g_weights[i])
            if g_biases[i] is not None:
                # Bias gradient = column sums of delta, as ones @ delta: one
                # BLAS matrix-vector product, several times faster than
                # np.sum(axis=0) on the narrow blocks of a mini-batch.
                np.matmul(ws["ones"], delta, out=g_biases[i])
            if i == 0:
                break
            d_out = np.matmul(delta, weights[i].T, out=ws["d"][i - 1])
            if masks[i - 1] is not None:
                d_out *= masks[i - 1]
            delta = self.activations[i - 1].backward(
                d_out,
                outputs[i - 1],
                caches[i - 1],
                slopes[i - 1],
                g_slopes[i - 1],
                self.options,
            )
            if norm_caches[i - 1] is not None:
                delta = _batchnorm.backward(
                    delta, norm_caches[i - 1], g_norms[i - 1], ws["ones"]
                )
        if alpha:
            value += self._penalty(params, alpha, sw_sum)
            g_w = grad[: self.n_weights]
            _add_scaled(g_w, alpha / sw_sum, params[: self.n_weights])
        return value
