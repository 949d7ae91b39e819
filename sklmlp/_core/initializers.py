"""Weight-initialization heuristics by name.

Each scheme draws a ``(fan_in, fan_out)`` weight matrix from a NumPy
``RandomState``. ``'auto'`` picks a scheme from the activation that follows the
layer (:data:`AUTO`): Glorot for every activation, so default models start
exactly where scikit-learn's ``MLPClassifier`` starts. The notes recommend He
for ReLU units; measured with the estimators' default training (Adam, step
0.001, 200 epochs) on 9 data sets at 1 to 8 hidden layers, He lost to Glorot
on 3 to 6 of 9 sets per depth and won on at most one (``benchmarks/study_init.py``),
so He stays one word away: ``weight_init='he'``.

This module is part of the numerical core: it imports NumPy only.
"""

import numpy as np

__all__ = ["AUTO", "INITIALIZERS", "init_layer", "resolve_init"]


def _glorot(rng, fan_in, fan_out, activation):
    # scikit-learn's scheme: U(-b, b) with b = sqrt(6 / (fan_in + fan_out)),
    # and b = sqrt(2 / (fan_in + fan_out)) ahead of a logistic unit.
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    return rng.uniform(-bound, bound, (fan_in, fan_out)), bound


def _he(rng, fan_in, fan_out, activation):
    # He et al. (2015), for ReLU units: w ~ N(0, 1) * sqrt(2 / fan_in).
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in), None


def _lecun(rng, fan_in, fan_out, activation):
    # Calibrated variance: w ~ N(0, 1) / sqrt(fan_in) keeps Var(w^T x) ~ Var(x).
    return rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in), None


def _small(rng, fan_in, fan_out, activation):
    # The notes' first recipe: W = 0.01 * randn(D, H).
    return 0.01 * rng.standard_normal((fan_in, fan_out)), None


def _zeros(rng, fan_in, fan_out, activation):
    # Every unit computes the same function: symmetry is never broken. For study.
    return np.zeros((fan_in, fan_out)), None


INITIALIZERS = {
    "glorot": _glorot,
    "he": _he,
    "lecun": _lecun,
    "small": _small,
    "zeros": _zeros,
}
"""Scheme name -> ``draw(rng, fan_in, fan_out, activation) -> (W, bias_bound)``.

``bias_bound`` is not None only for ``'glorot'``, whose biases are drawn from
``U(-bias_bound, bias_bound)`` under ``bias_init='auto'`` as in scikit-learn.
"""

AUTO = {
    "identity": "glorot",
    "logistic": "glorot",
    "tanh": "glorot",
    "relu": "glorot",
    "leaky_relu": "glorot",
    "prelu": "glorot",
    "maxout": "glorot",
}
"""Activation -> the scheme ``weight_init='auto'`` picks for it."""


def resolve_init(scheme, activation):
    """Return the concrete scheme name for a layer.

    Parameters
    ----------
    scheme : str
        A key of :data:`INITIALIZERS` or ``'auto'``.
    activation : str
        The canonical activation that follows the layer.

    Returns
    -------
    str
        A key of :data:`INITIALIZERS`.

    Examples
    --------
    >>> from sklmlp._core.initializers import resolve_init
    >>> resolve_init("auto", "relu"), resolve_init("he", "relu")
    ('glorot', 'he')
    """
    return AUTO[activation] if scheme == "auto" else scheme


def init_layer(rng, scheme, activation, fan_in, fan_out, bias_init):
    """Draw one layer's weights and biases.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The source of randomness; weights are drawn before biases.
    scheme : str
        A key of :data:`INITIALIZERS`.
    activation : str
        The activation that follows the layer (matters for ``'glorot'``).
    fan_in, fan_out : int
        Inputs and outputs of the layer.
    bias_init : float or 'auto'
        A constant for every bias, or ``'auto'``: Glorot biases drawn like the
        weights (scikit-learn's behaviour), zero for every other scheme.

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out)
    b : ndarray of shape (fan_out,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklmlp._core.initializers import init_layer
    >>> W, b = init_layer(np.random.RandomState(0), "he", "relu", 1000, 500, 0.0)
    >>> round(float(W.std() * np.sqrt(1000 / 2)), 2), float(b.max())
    (1.0, 0.0)
    """
    W, bound = INITIALIZERS[scheme](rng, fan_in, fan_out, activation)
    if bias_init == "auto":
        if bound is not None:
            return W, rng.uniform(-bound, bound, fan_out)
        bias_init = 0.0
    return W, np.full(fan_out, float(bias_init))
