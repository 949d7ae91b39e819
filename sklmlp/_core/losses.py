"""Output activations and losses, computed from the output layer's raw scores.

Every loss takes the raw scores ``z`` of the output layer (before its output
activation) and the encoded targets ``y``, and returns the loss of each sample and
the gradient of that loss with respect to ``z``. Working from raw scores lets
each loss use its stable form: log-sum-exp for the softmax, ``logaddexp`` for the
logistic, and the fused gradients ``p - y`` (softmax or logistic with
cross-entropy, identity with squared error, exp with Poisson).

This module is part of the numerical core: it imports NumPy and SciPy only.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, xlogy

__all__ = [
    "LOSSES",
    "OUTPUT_ACTIVATIONS",
    "Loss",
    "log_binary_logistic",
    "log_logistic",
    "log_softmax",
    "softmax",
]


def _log_max(dtype):
    # Largest z with exp(z) finite in this dtype, less a margin for sums.
    return np.log(np.finfo(dtype).max) - 4.0


def softmax(z):
    """Return the row-wise softmax of ``z`` without overflow.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_classes)
        Raw class scores.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        ``exp(z - max(z)) / sum(exp(z - max(z)))``, rows summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from sklmlp._core.losses import softmax
    >>> softmax(np.array([[1000.0, 1000.0]]))
    array([[0.5, 0.5]])
    """
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


def log_softmax(z):
    """Return the row-wise log of :func:`softmax`, from the scores (log-sum-exp).

    The log loss of :data:`LOSSES` computes the same numbers fused with its
    gradient; this is the prediction path's (``predict_log_proba``).

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_classes)
        Raw class scores.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        ``z - max(z) - log(sum(exp(z - max(z))))``.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def log_logistic(z):
    """Return ``log(expit(z))`` without overflow: ``-log(1 + exp(-z))``.

    Parameters
    ----------
    z : ndarray
        Raw scores, one logistic output each.

    Returns
    -------
    ndarray of the shape of ``z``
    """
    return -np.logaddexp(0, -z)


def log_binary_logistic(z):
    """Return the log-probabilities of both classes of one logistic output.

    Parameters
    ----------
    z : ndarray of shape (n_samples, 1)
        Raw scores of the positive class.

    Returns
    -------
    ndarray of shape (n_samples, 2)
        ``log(1 - expit(z)) = -log(1 + exp(z))``, then ``log(expit(z))``.
    """
    return np.hstack([-np.logaddexp(0, z), -np.logaddexp(0, -z)])


def _clipped_exp(z):
    return np.exp(np.minimum(z, _log_max(z.dtype)))


OUTPUT_ACTIVATIONS = {
    "identity": lambda z: z,
    "logistic": expit,
    "softmax": softmax,
    "exp": _clipped_exp,
}
"""Output activation name -> function of the raw scores."""


@dataclass(frozen=True)
class Loss:
    """One row of the loss table.

    Parameters
    ----------
    name : str
        Internal name.
    output : str
        The output activation (key of :data:`OUTPUT_ACTIVATIONS`) this loss
        pairs with.
    value_and_delta : callable
        ``value_and_delta(z, y) -> (per_sample, delta)``: the loss of each
        sample, shape ``(n_samples,)``, and its gradient with respect to the raw
        scores ``z``, shape of ``z``.
    baseline : callable or None, default=None
        ``baseline(y, sample_weight) -> bias``: the output bias of the best
        constant model, used to start the output layer there; None keeps the
        initializer's bias.
    target_scaling : callable or None, default=None
        ``target_scaling(y, sample_weight) -> (offset, scale)``, one value per
        output: the network trains on ``(y - offset) / scale`` and predicts
        ``offset + scale * output(z)``. None: the loss's targets are not
        rescaled (class indicators; Poisson counts, whose scale the log link
        turns into a shift of the output bias).
    """

    name: str
    output: str
    value_and_delta: Callable
    baseline: Callable | None = None
    target_scaling: Callable | None = None


def _softmax_log_loss(z, y):
    # -sum_j y_j log softmax(z)_j = logsumexp(z) - sum_j y_j z_j for one-hot y.
    # One pass of exp serves both: with m = max(z) and e = exp(z - m),
    # logsumexp(z) = m + log(sum(e)) and softmax(z) = e / sum(e).
    # Row reductions over the few columns of an output layer cost per row in
    # NumPy: the row sums are matrix-vector products with ones, and the row
    # max is read at its argmax (the same numbers, NaN included, in less time).
    n, k = z.shape
    ones = np.ones(k, dtype=z.dtype)
    at_max = z.argmax(axis=1)
    at_max += np.arange(0, n * k, k)  # flat positions: take() is a few us cheaper
    m = z.take(at_max)  # than take_along_axis on a mini-batch
    e = np.subtract(z, m[:, None])
    np.exp(e, out=e)
    total = e @ ones
    log_sum_exp = np.log(total)
    log_sum_exp += m
    per_sample = log_sum_exp * (y @ ones) - np.einsum("ij,ij->i", y, z)
    e /= total[:, None]
    e -= y
    return per_sample, e


def _logistic_log_loss(z, y):
    # -[y log s(z) + (1 - y) log(1 - s(z))] = log(1 + exp(z)) - y z
    per_sample = (np.logaddexp(0, z) - y * z).sum(axis=1)
    return per_sample, expit(z) - y


def _squared_error(z, y):
    # Half the squared error, summed over outputs: its gradient is z - y.
    residual = z - y
    return 0.5 * np.einsum("ij,ij->i", residual, residual), residual


def _poisson(z, y):
    # Half Poisson deviance with log link, mu = exp(z):
    # y log(y / mu) - y + mu = xlogy(y, y) - y z - y + mu; gradient mu - y.
    mu = _clipped_exp(z)
    per_sample = (xlogy(y, y) - y * z - y + mu).sum(axis=1)
    return per_sample, mu - y


def _poisson_baseline(y, sample_weight):
    # The intercept-only Poisson model predicts the (weighted) mean target:
    # starting there keeps exp(z) from overflowing on large targets.
    # Targets that are all zero would put the bias at log(tiny) = -708, from
    # where no step brings a later count back: start as if one of the n rows
    # had counted one.
    mean = np.average(y, axis=0, weights=sample_weight)
    return np.log(np.where(mean > 0, mean, 1.0 / len(y)))


def _standardize(y, sample_weight):
    # Squared error: zero mean and unit variance per output (weighted as the
    # loss weights samples). The model then predicts offset + scale * z.
    # Computed on u = y / max|y|, so that targets near the float64 limit do
    # not overflow in the squares and targets of any small scale keep theirs.
    y = y.astype(np.float64)
    peak = np.max(np.abs(y), axis=0)
    peak = np.where(peak > 0, peak, 1.0)
    u = y / peak
    mean = np.average(u, axis=0, weights=sample_weight)
    std = np.sqrt(np.average((u - mean) ** 2, axis=0, weights=sample_weight))
    # A target constant up to rounding has nothing to scale: divide by 1.
    constant = std <= 10 * np.finfo(np.float64).eps
    return mean * peak, np.where(constant, 1.0, std * peak)


def _class_frequencies(y, sample_weight):
    # (Weighted) share of each class or label (y holds indicators, possibly
    # bool), floored at float64's epsilon so that a class without weight
    # starts at a finite score (log(eps) = -36), not at -inf.
    share = np.average(y.astype(np.float64), axis=0, weights=sample_weight)
    return np.maximum(share, np.finfo(np.float64).eps)


def _softmax_baseline(y, sample_weight):
    # The constant model softmax(b) = class frequencies p: b = log p, centered
    # (softmax ignores a common shift).
    log_p = np.log(_class_frequencies(y, sample_weight))
    return log_p - log_p.mean()


def _logistic_baseline(y, sample_weight):
    # Per label, the constant model expit(b) = p: b = log(p / (1 - p)).
    p = np.minimum(_class_frequencies(y, sample_weight), 1 - np.finfo(float).eps)
    return np.log(p) - np.log1p(-p)


def _multiclass_hinge(z, y):
    # Multiclass SVM: sum over j != y of max(0, z_j - z_y + 1).
    is_true = y.astype(bool)
    true_score = z[is_true][:, None]
    margins = z - true_score + 1
    margins[is_true] = 0
    np.maximum(margins, 0, out=margins)
    delta = (margins > 0).astype(z.dtype)
    delta[is_true] = -delta.sum(axis=1)
    return margins.sum(axis=1), delta


def _binary_hinge(z, y):
    # Binary SVM with labels t = +-1 per output: max(0, 1 - t z).
    t = 2 * y.astype(z.dtype) - 1
    margin = 1 - t * z
    np.maximum(margin, 0, out=margin)
    return margin.sum(axis=1), -t * (margin > 0)


LOSSES = {
    "softmax_log_loss": Loss(
        "softmax_log_loss", "softmax", _softmax_log_loss, _softmax_baseline
    ),
    "logistic_log_loss": Loss(
        "logistic_log_loss", "logistic", _logistic_log_loss, _logistic_baseline
    ),
    "multiclass_hinge": Loss("multiclass_hinge", "identity", _multiclass_hinge),
    "binary_hinge": Loss("binary_hinge", "identity", _binary_hinge),
    "squared_error": Loss(
        "squared_error", "identity", _squared_error, target_scaling=_standardize
    ),
    # Poisson needs no rescaling: under the log link the targets' scale is a
    # shift of the output bias, which the baseline starts at; and the deviance
    # of counts is about 1 per sample whatever their mean.
    "poisson": Loss("poisson", "exp", _poisson, _poisson_baseline),
}
"""Internal loss name -> :class:`Loss`."""
