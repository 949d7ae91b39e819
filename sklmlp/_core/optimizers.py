"""Optimizers over the flat parameter vector: they step, the loop loops.

:class:`SGD` and :class:`Adam` own their state (velocity, moments, step count,
learning rate) and update the whole vector in a handful of vectorized in-place
operations per batch. The epoch loop that feeds them batches, and the driving
of SciPy's L-BFGS-B, live in :mod:`sklmlp._training`. The update rules are
scikit-learn's, so a configuration that matches ``MLPClassifier`` follows the
same path.

This module imports NumPy and SciPy only, never scikit-learn.
"""

import math

import numpy as np

from .fast import add_scaled, zeroed

__all__ = ["OPTIMIZERS", "SGD", "Adam"]


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

    # State an optimizer saved by an earlier sklmlp may lack, and its value
    # then (the subclasses add theirs).
    _ADDED_STATE = {}

    def __setstate__(self, state):
        """Fill in what an optimizer saved by an earlier sklmlp lacks.

        The base rate (added in 0.2) starts at ``learning_rate_init``; the
        class's ``_ADDED_STATE`` at its values.
        """
        state.setdefault("base_learning_rate", state["learning_rate_init"])
        for key, value in self._ADDED_STATE.items():
            state.setdefault(key, value)
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

    def trigger_stopping(self, msg):
        """Decide whether a stalled run stops (True) or goes on (False).

        Parameters
        ----------
        msg : str
            Why training stalled.

        Returns
        -------
        stop : bool
            True by default: a stalled run stops.
        message : str
            ``msg`` and the decision, for ``verbose`` to print.
        """
        return True, msg + " Stopping."


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

    # The schedule's state, kept since 0.2.
    _ADDED_STATE = {"time_step": 0, "n_reductions": 0}

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
        self.velocity = zeroed(n_params, dtype)
        self.time_step = 0
        self.n_reductions = 0

    def update(self, params, grad, *, scratch=None):
        """Take one step in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the batch objective; overwritten.
        scratch : ndarray, default=None
            A buffer from :func:`~sklmlp._core.fast.scratch_for`, reused by an
            epoch loop; None allocates one.
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
            add_scaled(grad, momentum, self.velocity, negate=True, scratch=scratch)
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

    def trigger_stopping(self, msg):
        """Decide whether a stalled run stops (True) or lowers its rate (False).

        Parameters
        ----------
        msg : str
            Why training stalled.

        Returns
        -------
        stop : bool
            Whether training stops.
        message : str
            ``msg`` and the decision, for ``verbose`` to print.
        """
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(msg)
        if self.learning_rate <= 1e-6:
            return True, msg + " Learning rate too small. Stopping."
        self.learning_rate /= 5.0
        self.n_reductions += 1
        return False, f"{msg} Setting learning rate to {self.learning_rate:f}"


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
        self.m = zeroed(n_params, dtype)
        self.v = zeroed(n_params, dtype)

    def update(self, params, grad, *, scratch=None):
        """Take one step in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the batch objective; overwritten.
        scratch : ndarray, default=None
            A buffer from :func:`~sklmlp._core.fast.scratch_for`, reused by an
            epoch loop; None allocates one.
        """
        self.t += 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        # m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2. Once v is
        # updated the gradient's buffer is free to hold the step.
        self.m *= b1
        add_scaled(self.m, 1 - b1, grad, scratch=scratch)
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
