"""Hidden-layer activations as forward/backward pairs, kept in one table.

Every activation works in place on a pre-activation block ``z`` of shape
``(n_samples, width)`` and returns the layer output and a cache; its backward
takes the gradient with respect to the output and returns the gradient with
respect to ``z``. Adding an activation is adding one row to :data:`ACTIVATIONS`.

This module is part of the numerical core: it imports NumPy and SciPy only.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .fast import max_with_zero

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_NAMES",
    "ALIASES",
    "Activation",
    "resolve_activation",
]


@dataclass(frozen=True)
class Activation:
    """One row of the activation table.

    Parameters
    ----------
    name : str
        Canonical name.
    forward : callable
        ``forward(z, params, options) -> (a, cache)``. May overwrite ``z``.
    backward : callable
        ``backward(delta, a, cache, params, grad_params, options) -> delta_z``.
        May overwrite ``delta``. ``grad_params`` is written in place when the
        activation has parameters of its own.
    n_params : callable
        ``n_params(units, options) -> int``: learnable parameters of the
        activation itself (PReLU slopes), beyond the layer's weights and biases.
    pieces : callable
        ``pieces(options) -> int``: linear pieces per unit. The layer's weight
        matrix has ``units * pieces`` columns (2 or more only for maxout).
    """

    name: str
    forward: Callable
    backward: Callable
    n_params: Callable = lambda units, options: 0
    pieces: Callable = lambda options: 1


def _identity_forward(z, params, options):
    return z, None


def _identity_backward(delta, a, cache, params, grad_params, options):
    return delta


def _logistic_forward(z, params, options):
    # expit never overflows: 1 / (1 + exp(-z)) evaluated stably for any z.
    return expit(z, out=z), None


def _logistic_backward(delta, a, cache, params, grad_params, options):
    # sigma'(z) = sigma(z) * (1 - sigma(z)), written with the output a.
    delta *= a
    delta *= 1 - a
    return delta


def _tanh_forward(z, params, options):
    return np.tanh(z, out=z), None


def _tanh_backward(delta, a, cache, params, grad_params, options):
    # tanh'(z) = 1 - tanh(z)^2, built in one temporary.
    derivative = np.multiply(a, a)
    np.subtract(1, derivative, out=derivative)
    delta *= derivative
    return delta


def _relu_forward(z, params, options):
    return max_with_zero(z, out=z), None


def _relu_backward(delta, a, cache, params, grad_params, options):
    # relu'(z) = 1 where the unit fired (a > 0), else 0. Multiplying by the
    # mask streams through memory; boolean-index assignment branches on every
    # element and is 5-15x slower on a random mask.
    np.multiply(delta, a > 0, out=delta)
    return delta


def _leaky_relu_forward(z, params, options):
    # f(z) = z for z >= 0 and slope * z for z < 0.
    # With 0 <= slope < 1 that is max(z, slope * z).
    np.maximum(z, z * float(options["leaky_relu_slope"]), out=z)
    return z, None


def _leaky_relu_backward(delta, a, cache, params, grad_params, options):
    # For 0 <= slope < 1 the sign of the output is the sign of the input.
    # A dense factor (1 or slope) avoids boolean indexing, as for relu.
    slope = options["leaky_relu_slope"]
    factor = np.where(a > 0, np.ones((), delta.dtype), np.asarray(slope, delta.dtype))
    delta *= factor
    return delta


def _prelu_forward(z, params, options):
    # f(z) = max(0, z) + a_j * min(0, z), one learnable slope a_j per unit.
    negative = max_with_zero(z, out=np.empty_like(z), minimum=True)
    max_with_zero(z, out=z)
    z += negative * params
    return z, negative


def _prelu_backward(delta, a, negative, params, grad_params, options):
    # df/da_j = min(0, z); df/dz = 1 for z > 0 and a_j otherwise.
    np.einsum("ij,ij->j", delta, negative, out=grad_params)
    delta *= np.where(negative < 0, params, 1).astype(delta.dtype, copy=False)
    return delta


def _maxout_forward(z, params, options):
    # max(w_1^T x + b_1, ..., w_k^T x + b_k): columns u*k .. u*k+k-1 hold unit u.
    k = options["maxout_pieces"]
    n, width = z.shape
    pieces = z.reshape(n, width // k, k)
    winner = pieces.argmax(axis=2)
    a = np.take_along_axis(pieces, winner[:, :, None], axis=2)[:, :, 0]
    return a, winner


def _maxout_backward(delta, a, winner, params, grad_params, options):
    # The gradient flows only to the piece that won the max.
    k = options["maxout_pieces"]
    n, units = delta.shape
    delta_z = np.zeros((n, units, k), dtype=delta.dtype)
    np.put_along_axis(delta_z, winner[:, :, None], delta[:, :, None], axis=2)
    return delta_z.reshape(n, units * k)


ACTIVATIONS = {
    "identity": Activation("identity", _identity_forward, _identity_backward),
    "logistic": Activation("logistic", _logistic_forward, _logistic_backward),
    "tanh": Activation("tanh", _tanh_forward, _tanh_backward),
    "relu": Activation("relu", _relu_forward, _relu_backward),
    "leaky_relu": Activation("leaky_relu", _leaky_relu_forward, _leaky_relu_backward),
    "prelu": Activation(
        "prelu",
        _prelu_forward,
        _prelu_backward,
        n_params=lambda units, options: units,
    ),
    "maxout": Activation(
        "maxout",
        _maxout_forward,
        _maxout_backward,
        pieces=lambda options: options["maxout_pieces"],
    ),
}
"""Canonical activation name -> :class:`Activation`."""

ALIASES = {"sigmoid": "logistic"}
"""Accepted spellings that map onto a canonical name."""

ACTIVATION_NAMES = frozenset(ACTIVATIONS) | frozenset(ALIASES)
"""Every accepted activation name: the canonical ones and their aliases."""

#: Slope a PReLU unit starts from (He et al., 2015).
PRELU_INIT = 0.25


def resolve_activation(name):
    """Return the canonical name for ``name`` (resolving aliases).

    Parameters
    ----------
    name : str
        An activation name or alias.

    Returns
    -------
    str
        The key of :data:`ACTIVATIONS`.

    Examples
    --------
    >>> from sklmlp._core.activations import resolve_activation
    >>> resolve_activation("sigmoid")
    'logistic'
    """
    if name not in ACTIVATION_NAMES:
        allowed = sorted(ACTIVATION_NAMES)
        raise ValueError(f"Unknown activation {name!r}; allowed: {allowed}.")
    return ALIASES.get(name, name)
