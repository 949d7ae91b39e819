"""Batch normalization of a layer's pre-activations (Ioffe and Szegedy, 2015).

In training mode each column ``z_j`` of a batch is normalized with the batch's
own (sample-weighted) mean and variance, then scaled and shifted by learnable
``gamma_j`` and ``beta_j``::

    mu = sum_i p_i z_i        var = sum_i p_i (z_i - mu)^2     (p_i = w_i / sum w)
    xhat_i = (z_i - mu) / sqrt(var + eps)
    y_i = gamma * xhat_i + beta

and the running statistics move toward the batch's:
``running = (1 - momentum) * running + momentum * batch`` (PyTorch's
convention; the variance is the biased one that normalized the batch). In
inference mode the running statistics stand in for the batch's, which makes
the layer a fixed affine map ``y = z * k + c`` with ``k = gamma / sqrt(var +
eps)`` and ``c = beta - mean * k``: every row is normalized on its own.

The backward pass, with ``dxhat = dy * gamma``::

    dbeta = sum_i dy_i        dgamma = sum_i dy_i xhat_i
    dz_i = gamma / sqrt(var + eps) * (dy_i - p_i dbeta - p_i xhat_i dgamma)

A batch of one row has no spread to normalize by (its variance is 0 and its
output would be ``beta`` whatever its input): it is normalized with the
running statistics instead, as in inference, and leaves them unchanged.

This module is part of the numerical core: it imports NumPy only.
"""

from typing import NamedTuple

import numpy as np

__all__ = ["BatchNormViews", "inference_affine", "normalize_train", "backward"]


class BatchNormViews(NamedTuple):
    """One normalized layer's arrays: views into the flat vectors.

    ``scale`` and ``shift`` (``gamma``, ``beta``) live in the learnable
    parameter vector; ``mean`` and ``var``, the running statistics, live in a
    separate statistics vector and are None when none was given.
    """

    scale: np.ndarray
    shift: np.ndarray
    mean: np.ndarray | None = None
    var: np.ndarray | None = None


def inference_affine(views, eps):
    """Return ``(k, c)`` with ``normalized = z * k + c`` under running statistics.

    Parameters
    ----------
    views : BatchNormViews
        The layer's scale, shift and running statistics (mean 0 and variance 1,
        a fresh layer's, when ``views.mean`` is None).
    eps : float
        Added to the variance.

    Returns
    -------
    k, c : ndarray of shape (width,)
    """
    if views.mean is None:
        k = views.scale / np.sqrt(views.scale.dtype.type(1 + eps))
        return k, views.shift.copy()
    k = views.scale / np.sqrt(views.var + views.var.dtype.type(eps))
    c = views.shift - views.mean * k
    return k, c


def normalize_train(z, views, eps, centered, ones, p=None, momentum=None):
    """Normalize a training batch in place; return the output and a cache.

    Parameters
    ----------
    z : ndarray of shape (n_samples, width)
        Pre-activations ``a @ W``; overwritten with the normalized output.
    views : BatchNormViews
        The layer's arrays. With ``momentum`` set and ``views.mean`` given, the
        running statistics are updated in place.
    eps : float
        Added to the variance.
    centered : ndarray of shape (n_samples, width)
        Buffer for ``z - mu``, kept for the backward pass.
    ones : ndarray of shape (n_samples,)
        A vector of ones (column sums as a BLAS matrix-vector product).
    p : ndarray of shape (n_samples,), default=None
        Sample weights normalized to sum to 1; None for equal weights.
    momentum : float, default=None
        Weight of this batch in the running statistics; None leaves them.

    Returns
    -------
    y : ndarray of shape (n_samples, width)
        ``z``, now holding ``gamma * xhat + beta``.
    cache : tuple
        ``(centered, inv_std, k, p, batch_statistics)`` for :func:`backward`.
    """
    n = z.shape[0]
    dtype = z.dtype.type
    if n == 1:
        # No spread to normalize by: the running statistics stand in.
        # (A layer without running statistics has a fresh layer's: 0 and 1.)
        if views.mean is None:
            t = np.copyto(centered, z) or centered
            inv_std = np.full(z.shape[1], 1 / np.sqrt(1 + eps), z.dtype)
        else:
            t = np.subtract(z, views.mean, out=centered)
            inv_std = 1 / np.sqrt(views.var + dtype(eps))
        k = views.scale * inv_std
        np.multiply(t, k, out=z)
        z += views.shift
        return z, (t, inv_std, k, p, False)
    # Column means and variances as BLAS matrix-vector products where it can.
    mu = (ones @ z) / dtype(n) if p is None else p @ z
    t = np.subtract(z, mu, out=centered)
    if p is None:
        var = np.einsum("ij,ij->j", t, t) / dtype(n)
    else:
        var = p @ (t * t)
    inv_std = 1 / np.sqrt(var + dtype(eps))
    k = views.scale * inv_std
    np.multiply(t, k, out=z)
    z += views.shift
    if momentum is not None and views.mean is not None:
        if momentum == 1:
            views.mean[...], views.var[...] = mu, var
        else:
            m = dtype(momentum)
            for running, batch in ((views.mean, mu), (views.var, var)):
                running *= 1 - m
                running += m * batch
    return z, (t, inv_std, k, p, True)


def backward(dy, cache, grad_views, ones):
    """Gradient with respect to the pre-activations; writes the scale and shift's.

    Parameters
    ----------
    dy : ndarray of shape (n_samples, width)
        Gradient with respect to the normalized output; overwritten.
    cache : tuple
        From :func:`normalize_train`.
    grad_views : BatchNormViews
        Views of the gradient vector: ``scale`` and ``shift`` are written.
    ones : ndarray of shape (n_samples,)
        A vector of ones.

    Returns
    -------
    ndarray of shape (n_samples, width)
        ``dz``, in ``dy``'s buffer.
    """
    t, inv_std, k, p, batch_statistics = cache
    n = dy.shape[0]
    dtype = dy.dtype.type
    d_shift = np.matmul(ones, dy, out=grad_views.shift)
    # dgamma = sum_i dy_i xhat_i with xhat = t * inv_std.
    s = np.einsum("ij,ij->j", dy, t)
    np.multiply(s, inv_std, out=grad_views.scale)
    if batch_statistics:
        # dy - p dbeta - p xhat dgamma, with xhat dgamma = t * s * inv_std^2.
        coef = s * inv_std * inv_std
        # The centered block is not needed after this: it takes the
        # correction, with no temporary the size of the batch.
        if p is None:
            correction = np.multiply(t, coef / dtype(n), out=t)
            correction += d_shift / dtype(n)
        else:
            correction = np.multiply(t, coef, out=t)
            correction += d_shift
            correction *= p[:, None]
        dy -= correction
    dy *= k
    return dy
