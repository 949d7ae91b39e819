"""Helpers the test modules share."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def quiet_fit(est, X, y, **fit_params):
    """Fit where reaching max_iter is expected; any other warning still fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


def numerical_gradient(f, params, h=1e-6):
    """Central differences of ``f`` at ``params``, one coordinate at a time."""
    grad = np.empty_like(params)
    for i in range(params.size):
        step = np.zeros_like(params)
        step[i] = h
        grad[i] = (f(params + step) - f(params - step)) / (2 * h)
    return grad


def relative_error(a, b):
    """``|a - b| / (|a| + |b|)``, the measure of a gradient check."""
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)
