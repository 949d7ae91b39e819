"""Where every parameter lives in the flat vector, and how layers see it.

All weights, then all biases, then the PReLU slopes, then the batch
normalization scales and shifts live in one contiguous vector; layers see
reshaped views of it. L-BFGS and gradient checks take the vector as it is,
optimizers update it in one vectorized step, and the L2 penalty is one dot
product over the leading block of weights. The running statistics of batch
normalization are not learned by gradient: they live in a second, separate
vector.

This module is part of the numerical core: it imports NumPy only.
"""

from typing import NamedTuple

import numpy as np

from .activations import PRELU_INIT
from .batchnorm import BatchNormViews
from .initializers import init_layer

__all__ = ["LayerViews", "ParameterLayout"]


class LayerViews(NamedTuple):
    """Per-layer views of a flat parameter (or gradient) vector.

    Parameters
    ----------
    weights : list of ndarray
        ``weights[i]`` has shape ``(layer_units[i], widths[i])``.
    biases : list of ndarray or None
        ``biases[i]`` has shape ``(widths[i],)``; None for a normalized layer,
        which has no bias.
    slopes : list of ndarray or None
        One entry per hidden layer: the PReLU slopes, or None.
    norms : list of BatchNormViews or None
        One entry per hidden layer: its scale and shift (and, with the running
        statistics, its mean and variance), or None.
    """

    weights: list
    biases: list
    slopes: list
    norms: list


class ParameterLayout:
    """Where every parameter of a network lives in the flat vectors.

    The network owns one (:attr:`sklmlp._core.network.Network.layout`) and
    hands it its shape; the layout computes the spans once and then maps
    flat vectors to per-layer views and back.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, hidden_1, ..., hidden_k, n_outputs]``.
    activations : list of Activation
        One row of the activation table per hidden layer.
    options : dict
        The activations' options (``leaky_relu_slope``, ``maxout_pieces``).
    batch_norm : list of bool
        Per hidden layer, whether it is batch-normalized.
    dtype : numpy dtype
        The dtype of the vectors it allocates.

    Attributes
    ----------
    widths : list of int
        Columns of each layer's weight matrix (``units * pieces`` for maxout).
    n_params : int
        Length of the flat parameter vector.
    n_weights : int
        Length of its leading block of connection weights (the part L2 decays).
    n_stats : int
        Length of the running-statistics vector (0 without batch normalization).
    """

    def __init__(self, layer_units, activations, options, batch_norm, dtype):
        self.layer_units = layer_units
        self.activations = activations
        self.options = options
        self.batch_norm = batch_norm
        self.dtype = dtype
        self._lay_out()

    def _lay_out(self):
        """Compute the spans of every layer's arrays in the two flat vectors."""
        units = self.layer_units
        n_layers = len(units) - 1
        pieces = [act.pieces(self.options) for act in self.activations] + [1]
        # Width of each layer's pre-activation block (units * pieces for maxout).
        self.widths = [units[i + 1] * pieces[i] for i in range(n_layers)]

        offset = 0
        self._weight_spans = []
        for i in range(n_layers):
            size = units[i] * self.widths[i]
            self._weight_spans.append(
                (offset, offset + size, (units[i], self.widths[i]))
            )
            offset += size
        self.n_weights = offset
        normalized = [*self.batch_norm, False]  # never the output layer
        self._bias_spans = []
        for width, norm in zip(self.widths, normalized):
            # A normalized layer's bias would be cancelled by the mean.
            self._bias_spans.append(None if norm else (offset, offset + width))
            offset += 0 if norm else width
        self._slope_spans = []
        for i, act in enumerate(self.activations):
            size = act.n_params(units[i + 1], self.options)
            self._slope_spans.append((offset, offset + size) if size else None)
            offset += size
        # Per normalized layer: its scales, then its shifts (one per column);
        # and, in the statistics vector, its running means, then variances.
        self._norm_spans = []
        self.n_stats = 0
        for width, norm in zip(self.widths, self.batch_norm):
            if norm:
                self._norm_spans.append((offset, self.n_stats, width))
                offset += 2 * width
                self.n_stats += 2 * width
            else:
                self._norm_spans.append(None)
        self.n_params = offset

    def unpack(self, params, stats=None):
        """Return per-layer views of a flat parameter (or gradient) vector.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            The flat vector.
        stats : ndarray of shape (n_stats,), default=None
            The running statistics of batch normalization, for views of them.

        Returns
        -------
        LayerViews
            ``weights``, ``biases``, ``slopes`` and ``norms`` (the latter with
            the running statistics when ``stats`` is given).
        """
        weights = [params[a:b].reshape(shape) for a, b, shape in self._weight_spans]
        biases = [None if s is None else params[s[0] : s[1]] for s in self._bias_spans]
        slopes = [None if s is None else params[s[0] : s[1]] for s in self._slope_spans]
        norms = []
        for span in self._norm_spans:
            if span is None:
                norms.append(None)
                continue
            a, b, w = span
            mean = var = None
            if stats is not None:
                mean, var = stats[b : b + w], stats[b + w : b + 2 * w]
            norms.append(
                BatchNormViews(params[a : a + w], params[a + w : a + 2 * w], mean, var)
            )
        return LayerViews(weights, biases, slopes, norms)

    def pack(self, weights, biases, slopes, norms=None):
        """Copy per-layer arrays into a new flat vector of this network's dtype.

        Parameters
        ----------
        weights, biases, slopes : lists of ndarray
            As returned by :meth:`unpack`.
        norms : list of BatchNormViews or None, default=None
            Scales and shifts of the normalized layers (their statistics are
            not parameters: see :meth:`pack_stats`).

        Returns
        -------
        ndarray of shape (n_params,)
        """
        params = np.empty(self.n_params, dtype=self.dtype)
        views = self.unpack(params)
        targets = views.weights + views.biases + views.slopes
        for view, value in zip(targets, weights + biases + slopes):
            if view is not None:
                view[...] = value
        for view, value in zip(views.norms, norms or []):
            if view is not None:
                view.scale[...], view.shift[...] = value.scale, value.shift
        return params

    def init_stats(self):
        """Return a fresh running-statistics vector: means 0, variances 1.

        Returns
        -------
        ndarray of shape (n_stats,)
        """
        stats = np.empty(self.n_stats, dtype=self.dtype)
        for view in self.unpack(np.empty(self.n_params, self.dtype), stats).norms:
            if view is not None:
                view.mean[...], view.var[...] = 0, 1
        return stats

    def pack_stats(self, norms):
        """Copy the running statistics of ``norms`` into a new statistics vector.

        Parameters
        ----------
        norms : list of BatchNormViews or None
            As returned by :meth:`unpack` with ``stats``.

        Returns
        -------
        ndarray of shape (n_stats,)
        """
        stats = np.empty(self.n_stats, dtype=self.dtype)  # every entry is copied
        views = self.unpack(np.empty(self.n_params, self.dtype), stats).norms
        for view, value in zip(views, norms):
            if view is not None:
                view.mean[...], view.var[...] = value.mean, value.var
        return stats

    def init_params(
        self,
        rng,
        schemes,
        init_activations,
        bias_init,
        Y=None,
        sample_weight=None,
        *,
        baseline=None,
    ):
        """Draw a fresh flat parameter vector.

        Parameters
        ----------
        rng : numpy.random.RandomState
            Drawn from layer by layer, weights before biases, as scikit-learn's
            MLP does, so Glorot-initialized nets start from the same numbers.
        schemes : list of str
            One initialization scheme per layer (output layer included).
        init_activations : list of str
            The activation each scheme should assume, one per layer.
        bias_init : float or 'auto'
            See :func:`sklmlp._core.initializers.init_layer`.
        Y : ndarray of shape (n_samples, n_outputs), default=None
            Training targets. When given with ``baseline``, the output bias
            starts at the best constant model.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights for that baseline.
        baseline : callable, default=None
            ``baseline(Y, sample_weight)``: the loss's best constant output
            (Poisson, log loss), or None.

        Returns
        -------
        ndarray of shape (n_params,)
        """
        params = np.empty(self.n_params, dtype=self.dtype)
        weights, biases, slopes, norms = self.unpack(params)
        for i, (scheme, activation) in enumerate(zip(schemes, init_activations)):
            # A normalized layer draws its bias too (and drops it), so that a
            # net starts from the same weights with and without normalization.
            weights[i][...], bias = init_layer(
                rng, scheme, activation, self.layer_units[i], self.widths[i], bias_init
            )
            if biases[i] is not None:
                biases[i][...] = bias
        for s in slopes:
            if s is not None:
                s[...] = PRELU_INIT
        for norm in norms:
            if norm is not None:  # the identity map at the start
                norm.scale[...], norm.shift[...] = 1, 0
        if Y is not None and baseline is not None:
            biases[-1][...] = baseline(Y, sample_weight)
        return params
