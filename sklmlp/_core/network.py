"""The vectorized core: a fully connected network on one flat parameter buffer.

Where each parameter lives in the flat vector is the business of the network's
:class:`~sklmlp._core.layout.ParameterLayout` (unpack, pack, initialization);
this module runs the network on it.

A batch costs a matrix product, a bias add and an in-place activation per layer
on the way forward, and two matrix products per layer on the way back. Nothing
loops over samples or neurons, and the per-batch buffers are allocated once per
batch size and reused.

This module imports NumPy and SciPy only, never scikit-learn.
"""

import numpy as np
import scipy.sparse as sp

from . import batchnorm
from .activations import ACTIVATIONS
from .fast import add_scaled, dot_into
from .input_scaling import scale_inputs
from .layout import ParameterLayout
from .losses import LOSSES, OUTPUT_ACTIVATIONS

__all__ = ["Network"]


class Network:
    """A fully connected network: layer shapes, parameter layout, forward, backward.

    Parameters
    ----------
    layer_units : sequence of int
        ``[n_features, hidden_1, ..., hidden_k, n_outputs]``. ``k`` may be 0.
    activations : sequence of str
        One canonical activation name per hidden layer.
    loss : str
        A key of :data:`sklmlp._core.losses.LOSSES`; fixes the output activation.
    leaky_relu_slope : float, default=0.01
        Negative-side slope of ``'leaky_relu'`` units.
    maxout_pieces : int, default=2
        Linear pieces per ``'maxout'`` unit.
    batch_norm : sequence of bool, default=None
        Per hidden layer, whether its pre-activations are batch-normalized
        (:mod:`sklmlp._core.batchnorm`). A normalized layer has no bias (the
        normalization's shift takes its place) and one scale and shift per
        column of its weight matrix (per piece for maxout). None: no layer.
    batch_norm_epsilon : float, default=1e-5
        Added to the variance before its square root.
    dtype : numpy dtype, default=np.float64
        The dtype of parameters and every buffer.

    Attributes
    ----------
    layout : ParameterLayout
        Where each layer's parameters live in the flat vectors; the network's
        ``unpack``, ``pack``, ``init_params``, ``init_stats`` and
        ``pack_stats`` are its.
    n_params : int
        Length of the flat parameter vector.
    n_weights : int
        Length of its leading block of connection weights (the part L2 decays).
    n_stats : int
        Length of the running-statistics vector (0 without batch normalization).

    Examples
    --------
    The notes' three-layer net: 3 inputs, two hidden layers of 4, one output.

    >>> from sklmlp._core.network import Network
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
        input_scaling=None,
        dtype=np.float64,
    ):
        self.layer_units = [int(u) for u in layer_units]
        # (center, scale) of the inputs' scaling and smooth clipping, the fixed
        # first step of every forward pass (input_scaling.scale_inputs); None
        # takes the inputs as given.
        self.input_scaling = input_scaling
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
        self._build()

    def _build(self):
        """Derive the layout and the per-batch buffers from the definition."""
        self.layout = ParameterLayout(
            self.layer_units,
            self.activations,
            self.options,
            self.batch_norm,
            self.dtype,
        )
        self._workspaces = {}

    # What defines a network; everything else is derived from it.
    _DEFINITION = (
        "layer_units",
        "activations",
        "loss_kind",
        "options",
        "dtype",
        "batch_norm",
        "batch_norm_epsilon",
        "input_scaling",
    )

    def __getstate__(self):
        """Pickle the definition, table rows by name; no layout, no buffers."""
        state = {key: self.__dict__[key] for key in self._DEFINITION}
        state["activations"] = [act.name for act in self.activations]
        state["loss_kind"] = self.loss_kind.name
        # The dtype by name: skops.io would otherwise list numpy.dtype as an
        # untrusted type of every saved model.
        state["dtype"] = self.dtype.name
        return state

    def __setstate__(self, state):
        """Rebuild from the definition (that of any sklmlp version's pickle).

        sklmlp 0.1 and 0.2 also pickled the layout's spans and sizes and an
        empty buffer cache: they are derived, and rebuilt here. 0.1 had no
        batch normalization.
        """
        self.layer_units = list(state["layer_units"])
        self.activations = [ACTIVATIONS[name] for name in state["activations"]]
        self.loss_kind = LOSSES[state["loss_kind"]]
        self.output_activation = OUTPUT_ACTIVATIONS[self.loss_kind.output]
        self.options = state["options"]
        self.dtype = np.dtype(state["dtype"])
        self.batch_norm = state.get("batch_norm", [False] * len(self.activations))
        self.batch_norm_epsilon = state.get("batch_norm_epsilon", 1e-5)
        self.input_scaling = state.get("input_scaling")  # none before 0.3
        self._build()

    def _network_input(self, X, ws=None):
        """Return the inputs as the first layer takes them (scaled, if it scales).

        ``ws``: a training batch's workspace, whose buffers take the scaled
        batch; None (prediction) allocates.
        """
        if self.input_scaling is None:
            return X
        if ws is None or sp.issparse(X):
            return scale_inputs(X, *self.input_scaling, self.dtype)
        buffers = ws.get("input")
        if buffers is None:
            buffers = ws["input"] = [np.empty(X.shape, self.dtype) for _ in range(2)]
        return scale_inputs(
            X, *self.input_scaling, self.dtype, out=buffers[0], scratch=buffers[1]
        )

    # -- the layout's vectors and views -------------------------------------------

    @property
    def n_params(self):
        """Length of the flat parameter vector."""
        return self.layout.n_params

    @property
    def n_weights(self):
        """Length of the leading block of connection weights (the part L2 decays)."""
        return self.layout.n_weights

    @property
    def n_stats(self):
        """Length of the running-statistics vector (0 without batch normalization)."""
        return self.layout.n_stats

    @property
    def widths(self):
        """Columns of each layer's weight matrix (``units * pieces`` for maxout)."""
        return self.layout.widths

    def unpack(self, params, stats=None):
        """Per-layer views of a flat vector: see :meth:`ParameterLayout.unpack`."""
        return self.layout.unpack(params, stats)

    def pack(self, weights, biases, slopes, norms=None):
        """Copy per-layer arrays into a new flat vector: see ``ParameterLayout``."""
        return self.layout.pack(weights, biases, slopes, norms)

    def init_stats(self):
        """Fresh running statistics: see :meth:`ParameterLayout.init_stats`."""
        return self.layout.init_stats()

    def pack_stats(self, norms):
        """Copy running statistics into a new vector: see ``ParameterLayout``."""
        return self.layout.pack_stats(norms)

    def init_params(
        self, rng, schemes, init_activations, bias_init, Y=None, sample_weight=None
    ):
        """Draw a fresh flat parameter vector (:meth:`ParameterLayout.init_params`).

        With ``Y``, the output bias starts at the loss's best constant model
        when the loss has one (Poisson, log loss).

        Parameters
        ----------
        rng : numpy.random.RandomState
            Source of the draws.
        schemes, init_activations : list of str
            One initialization scheme, and the activation it assumes, per layer.
        bias_init : float or 'auto'
            See :func:`sklmlp._core.initializers.init_layer`.
        Y : ndarray of shape (n_samples, n_outputs), default=None
            Training targets, for the baseline.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights for that baseline.

        Returns
        -------
        ndarray of shape (n_params,)
        """
        return self.layout.init_params(
            rng,
            schemes,
            init_activations,
            bias_init,
            Y,
            sample_weight,
            baseline=self.loss_kind.baseline,
        )

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
        a = self._network_input(X)
        hidden_outputs = []
        for i, act in enumerate(self.activations):
            z = a @ weights[i]
            if norms[i] is None:
                z += biases[i]
            else:
                k, c = batchnorm.inference_affine(norms[i], self.batch_norm_epsilon)
                z *= k
                z += c
            a, _ = act.forward(z, slopes[i], self.options)
            hidden_outputs.append(a)
        scores = a @ weights[-1]
        scores += biases[-1]
        return (scores, hidden_outputs) if hidden else scores

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
        *,
        rng=None,
        dropout=None,
        input_noise=0.0,
        sample_weight=None,
        momentum=None,
    ):
        weights, biases, slopes, norms = views
        ws = self._workspace(X.shape[0])
        X = self._network_input(X, ws)
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
            z = dot_into(a, weights[i], ws["z"][i])
            norm_cache = None
            if norms[i] is None:
                z += biases[i]
            else:
                z, norm_cache = batchnorm.normalize_train(
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
        scores = dot_into(a, weights[-1], ws["z"][-1])
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
            self._forward_train(views, X, sample_weight=sample_weight, momentum=1.0)
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
                self.unpack(params), X, sample_weight=sample_weight
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
        views=None,
        grad_views=None,
        scratch=None,
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
        views, grad_views : LayerViews, default=None
            ``self.unpack(params, stats)`` and ``self.unpack(out)``, when the
            caller unpacked them once for many batches (an epoch loop: the
            optimizers update both vectors in place, so the views stay valid).
            None: unpacked here. Given, they take the place of ``stats``.
        scratch : ndarray, default=None
            A buffer from :func:`~sklmlp._core.fast.scratch_for` for the weight
            decay, reused by an epoch loop; None allocates one.

        Returns
        -------
        loss : float
        grad : ndarray of shape (n_params,)
            ``out`` when given.

        Examples
        --------
        >>> import numpy as np
        >>> from scipy.optimize import check_grad
        >>> from sklmlp._core.network import Network
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
        if views is None:
            views, grad_views = self.unpack(params, stats), self.unpack(grad)
        scores, inputs, outputs, caches, masks, norm_caches = self._forward_train(
            views,
            X,
            rng=rng,
            dropout=dropout,
            input_noise=input_noise,
            sample_weight=sample_weight,
            momentum=momentum,
        )
        value, delta, sw_sum = self._data_loss(scores, Y, sample_weight)
        self._backward(
            views, grad_views, delta, inputs, outputs, caches, masks, norm_caches
        )
        if alpha:
            value += self._penalty(params, alpha, sw_sum)
            g_w = grad[: self.n_weights]
            add_scaled(g_w, alpha / sw_sum, params[: self.n_weights], scratch=scratch)
        return value, grad

    def _backward(
        self, views, grad_views, delta, inputs, outputs, caches, masks, norm_caches
    ):
        """Backpropagate ``delta`` (the gradient at the scores) into ``grad_views``.

        The other arguments are what :meth:`_forward_train` returned for the
        batch; the weight decay is the caller's.
        """
        weights, slopes = views.weights, views.slopes
        g_weights, g_biases = grad_views.weights, grad_views.biases
        g_slopes, g_norms = grad_views.slopes, grad_views.norms
        ws = self._workspace(delta.shape[0])
        for i in range(len(weights) - 1, -1, -1):
            dot_into(inputs[i].T, delta, g_weights[i])
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
                delta = batchnorm.backward(
                    delta, norm_caches[i - 1], g_norms[i - 1], ws["ones"]
                )
