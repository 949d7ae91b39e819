"""Optimizers over the flat parameter vector.

:class:`SGD` and :class:`Adam` own their state (velocity, moments, step count,
learning rate) and update the whole vector in a handful of vectorized in-place
operations per batch. :func:`minimize_lbfgs` hands the vector to SciPy's
L-BFGS-B. The update rules are scikit-learn's, so a configuration that matches
``MLPClassifier`` follows the same path.

This module imports NumPy and SciPy only, never scikit-learn.
"""

import math

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from ._network import _add_scaled

__all__ = ["OPTIMIZERS", "SGD", "Adam", "minimize_lbfgs", "run_epoch"]


def _zeroed(n, dtype):
    """Return a vector of zeros whose memory is written before it is read.

    ``np.zeros`` takes fresh pages from the OS untouched; an optimizer's first
    in-place update then reads each page (mapping the shared zero page) and
    writes it (a second, copy-on-write fault, which flushes the TLB of every
    core the process runs on). Filling the vector first costs one fault per
    page. On a 2-core VM, for a 265k-parameter net, Adam's state and first
    step went from 14 ms to 2.4 ms: most of a short fit.
    """
    out = np.empty(n, dtype=dtype)
    out.fill(0)
    return out


class _StochasticOptimizer:
    """What SGD and Adam share: a learning rate and the end-of-epoch hooks.

    Two rates: ``base_learning_rate``, the rate a schedule sets between epochs
    (``learning_rate_init`` until one does, see :meth:`set_base_learning_rate`),
    and ``learning_rate``, the step size in effect, which each optimizer derives
    from the base rate by its own rule (SGD's 'invscaling' and 'adaptive'
    schedules, Adam's bias correction).

    Parameters
    ----------
    learning_rate_init : float
        Initial step size.
    """

    def __init__(self, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.base_learning_rate = learning_rate_init
        self.learning_rate = float(learning_rate_init)

    def __setstate__(self, state):
        """Give an optimizer saved before base rates existed its base rate."""
        state.setdefault("base_learning_rate", state["learning_rate_init"])
        self.__dict__.update(state)

    def set_base_learning_rate(self, rate):
        """Set the base rate of the next epochs (what a schedule sets).

        Parameters
        ----------
        rate : float
            Non-negative step size, in place of ``learning_rate_init``.
        """
        self.base_learning_rate = float(rate)

    def iteration_ends(self, time_step):
        """Update the learning rate at the end of an epoch (nothing by default).

        Parameters
        ----------
        time_step : int
            Samples seen so far.
        """

    def trigger_stopping(self, msg, verbose):
        """Decide whether a stalled run stops (True) or goes on (False).

        Parameters
        ----------
        msg : str
            Why training stalled.
        verbose : bool
            Print the decision.

        Returns
        -------
        bool
            True by default: a stalled run stops.
        """
        if verbose:
            print(msg + " Stopping.")
        return True


class SGD(_StochasticOptimizer):
    """Stochastic gradient descent with momentum and learning-rate schedules.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    dtype : numpy dtype
        Its dtype (the velocity is kept in the same dtype).
    learning_rate_init : float
        Initial step size.
    lr_schedule : {'constant', 'invscaling', 'adaptive'}
        ``'invscaling'``: ``lr = learning_rate_init / (t + 1) ** power_t`` with
        ``t`` the samples seen; ``'adaptive'``: divide by 5 each time training
        stalls, stop when it falls below 1e-6.
    momentum : float
        Momentum factor in ``[0, 1]``.
    nesterov : bool
        Use Nesterov's momentum.
    power_t : float
        Exponent of ``'invscaling'``.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init,
        lr_schedule,
        momentum,
        nesterov,
        power_t,
    ):
        super().__init__(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = _zeroed(n_params, dtype)
        self.time_step = 0
        self.n_reductions = 0

    def __setstate__(self, state):
        """Fill in the schedule state of an SGD saved before it was kept."""
        state.setdefault("time_step", 0)
        state.setdefault("n_reductions", 0)
        super().__setstate__(state)

    def update(self, params, grad):
        """Take one step in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the batch objective; overwritten.
        """
        # v <- momentum * v - lr * g; nesterov steps by momentum * v - lr * g.
        # Python floats keep float32 vectors in float32 (a NumPy float64
        # scalar would send every element through float64).
        momentum = float(self.momentum)
        grad *= float(self.learning_rate)
        self.velocity *= momentum
        self.velocity -= grad
        if self.nesterov:
            # The step, built in the gradient's buffer: momentum * v - lr * g.
            _add_scaled(grad, momentum, self.velocity, negate=True)
            params += grad
        else:
            params += self.velocity

    def set_base_learning_rate(self, rate):
        """Set the base rate; the rate in effect follows ``lr_schedule``.

        'constant': the base rate; 'invscaling': the base rate divided by
        ``(t + 1) ** power_t``, ``t`` the samples seen at the last epoch's end;
        'adaptive': the base rate divided by 5 for each stall so far.

        Parameters
        ----------
        rate : float
            Non-negative step size, in place of ``learning_rate_init``.
        """
        super().set_base_learning_rate(rate)
        self.learning_rate = _SGD_RATES[self.lr_schedule](self)

    def iteration_ends(self, time_step):
        """Update the learning rate at the end of an epoch.

        Parameters
        ----------
        time_step : int
            Samples seen so far.
        """
        self.time_step = time_step
        if self.lr_schedule == "invscaling":
            self.learning_rate = _SGD_RATES["invscaling"](self)

    def trigger_stopping(self, msg, verbose):
        """Decide whether a stalled run stops (True) or lowers its rate (False).

        Parameters
        ----------
        msg : str
            Why training stalled.
        verbose : bool
            Print the decision.

        Returns
        -------
        bool
        """
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(msg, verbose)
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        self.n_reductions += 1
        if verbose:
            print(f"{msg} Setting learning rate to {self.learning_rate:f}")
        return False


class Adam(_StochasticOptimizer):
    """Adam (Kingma and Ba, 2014) with scikit-learn's bias-corrected step size.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector.
    dtype : numpy dtype
        Its dtype (moments are kept in the same dtype).
    learning_rate_init : float
        Step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the denominator for numerical stability.
    """

    def __init__(self, n_params, dtype, learning_rate_init, beta_1, beta_2, epsilon):
        super().__init__(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = _zeroed(n_params, dtype)
        self.v = _zeroed(n_params, dtype)

    def update(self, params, grad):
        """Take one step in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the batch objective; overwritten.
        """
        self.t += 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        # m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2. Once v is
        # updated the gradient's buffer is free to hold the step.
        self.m *= b1
        _add_scaled(self.m, 1 - b1, grad)
        grad *= grad
        grad *= 1 - b2
        self.v *= b2
        self.v += grad
        # lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); step = -lr_t m / (sqrt(v) + eps),
        # lr the base rate. A Python float, so that float32 vectors stay in
        # float32.
        self.learning_rate = float(
            self.base_learning_rate * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        denominator = np.sqrt(self.v, out=grad)
        denominator += float(self.epsilon)
        step = np.divide(self.m, denominator, out=grad)
        step *= self.learning_rate
        params -= step


# SGD's schedule -> its rate in effect, from the base rate and its state.
_SGD_RATES = {
    "constant": lambda sgd: sgd.base_learning_rate,
    "invscaling": lambda sgd: (
        float(sgd.base_learning_rate) / (sgd.time_step + 1) ** sgd.power_t
    ),
    "adaptive": lambda sgd: sgd.base_learning_rate / 5.0**sgd.n_reductions,
}

OPTIMIZERS = {"sgd": SGD, "adam": Adam}
"""Solver name -> stochastic optimizer class."""


def run_epoch(
    network,
    params,
    optimizer,
    X,
    Y,
    sample_weight,
    batch_size,
    rng,
    *,
    order=None,
    alpha=0.0,
    dropout=None,
    input_noise=0.0,
    stats=None,
    momentum=None,
):
    """One pass over the data in mini-batches; return the mean batch objective.

    Parameters
    ----------
    network : Network
        The network.
    params : ndarray of shape (n_params,)
        Flat parameters, updated in place.
    optimizer : SGD or Adam
        Holds the update rule and its state.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training input.
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Per-sample weights.
    batch_size : int
        Samples per batch. The last batch may be smaller, except for a network
        with batch normalization: there the remainder joins the batch before.
    rng : numpy.random.RandomState
        Draws dropout masks and input noise.
    order : ndarray of shape (n_samples,), default=None
        The order to visit the samples in; None visits them as stored.
    alpha : float, default=0.0
        L2 strength.
    dropout : sequence of float, default=None
        Drop probability per hidden layer.
    input_noise : float, default=0.0
        Standard deviation of Gaussian input noise.
    stats : ndarray of shape (n_stats,), default=None
        Running statistics of batch normalization, updated in place.
    momentum : float, default=None
        Weight of each batch in the running statistics.

    Returns
    -------
    float
        Sum over batches of the batch objective times the batch size, divided by
        the number of samples (scikit-learn's ``loss_``).
    """
    n_samples = X.shape[0]
    grad = np.empty_like(params)
    # The optimizers update params and grad in place, so their per-layer views
    # stay valid for the whole epoch: unpack them once, not once per batch.
    views, grad_views = network.unpack(params, stats), network.unpack(grad)
    dense = not sp.issparse(X)
    total = 0.0
    # A diverging run overflows on its way to inf; the caller checks the
    # returned loss and reports the divergence, so the warnings add nothing.
    starts = list(range(0, n_samples, batch_size))
    if network.n_stats and len(starts) > 1 and n_samples % batch_size:
        # Batch normalization estimates each layer's statistics from the
        # batch: a last batch of a few rows would normalize with noise (3 rows
        # of 1,347 in batches of 64 cost an 8-layer net 20 points of accuracy)
        # and train on it. The remainder joins the batch before instead.
        starts.pop()
    with np.errstate(over="ignore", invalid="ignore"):
        for start, stop in zip(starts, [*starts[1:], n_samples]):
            if order is None:
                rows = slice(start, stop)
                X_batch, Y_batch = X[rows], Y[rows]
            else:
                rows = order[start:stop]
                # take() gathers rows several times faster than X[rows].
                X_batch = X.take(rows, axis=0) if dense else X[rows]
                Y_batch = Y.take(rows, axis=0)
            sw = None if sample_weight is None else sample_weight[rows]
            value = network._loss_and_grad(
                views,
                params,
                grad_views,
                grad,
                X_batch,
                Y_batch,
                sw,
                alpha,
                rng,
                dropout,
                input_noise,
                momentum,
            )
            if not math.isfinite(value):
                return value
            total += value * (stop - start)
            optimizer.update(params, grad)
    return total / n_samples


def minimize_lbfgs(
    network,
    params,
    X,
    Y,
    sample_weight,
    *,
    alpha,
    max_iter,
    max_fun,
    tol,
    callback=None,
):
    """Minimize the full-batch objective with SciPy's L-BFGS-B.

    Parameters
    ----------
    network : Network
        The network.
    params : ndarray of shape (n_params,)
        Starting point (not modified).
    X, Y, sample_weight
        Training data, as in :meth:`Network.loss_and_grad`.
    alpha : float
        L2 strength.
    max_iter, max_fun : int
        Iteration and function-evaluation budgets.
    tol : float
        Projected-gradient tolerance (``gtol``).
    callback : callable, default=None
        Called after each iteration with SciPy's ``intermediate_result``.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` is float64; the caller casts it back.
    """
    grad = np.empty_like(params)

    def fun(x):
        # SciPy works in float64; the network keeps its own dtype. The line
        # search may probe a point where the loss overflows: it backs off from
        # an infinite value by itself, so the overflow warnings add nothing.
        with np.errstate(over="ignore", invalid="ignore"):
            value, g = network.loss_and_grad(
                x.astype(network.dtype, copy=False),
                X,
                Y,
                sample_weight,
                alpha,
                out=grad,
            )
        return value, g.astype(np.float64)

    try:
        return scipy.optimize.minimize(
            fun,
            params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
            callback=callback,
        )
    finally:
        # The full-batch buffers are as large as the activations of the whole
        # training set; do not keep them in the fitted model.
        network.clear_workspaces()
