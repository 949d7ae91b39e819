"""Learning-rate schedules: the rate of an epoch as a function of its index.

Each schedule maps ``epoch`` (the number of epochs done before the one the rate
is for: 0 for the first) and ``base`` (``learning_rate_init``) to a rate.
:class:`sklmlp.callbacks.LRScheduler` looks them up by name in
:data:`SCHEDULES` and sets the rate before every epoch. 'plateau' depends on
the numbers training reports, not on the epoch alone, and lives in the
callback.

This module imports only the standard library.
"""

import math

__all__ = ["DEFAULT_GAMMA", "SCHEDULES", "cosine", "exponential", "one_cycle", "step"]


def step(epoch, base, *, step_size, gamma):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    ``rate = base * gamma ** (epoch // step_size)``, PyTorch's ``StepLR``.

    Parameters
    ----------
    epoch : int
        Epochs done before this one.
    base : float
        The rate of the first epoch.
    step_size : int
        Epochs between two decays.
    gamma : float
        Decay factor.

    Returns
    -------
    float

    Examples
    --------
    >>> [step(e, 0.1, step_size=2, gamma=0.5) for e in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    return base * gamma ** (epoch // step_size)


def exponential(epoch, base, *, gamma):
    """Multiply the rate by ``gamma`` every epoch: ``base * gamma ** epoch``.

    Parameters
    ----------
    epoch : int
        Epochs done before this one.
    base : float
        The rate of the first epoch.
    gamma : float
        Decay factor per epoch.

    Returns
    -------
    float

    Examples
    --------
    >>> [round(exponential(e, 1.0, gamma=0.9), 3) for e in range(3)]
    [1.0, 0.9, 0.81]
    """
    return base * gamma**epoch


def _cosine_between(start, end, fraction):
    """Half a cosine from ``start`` (fraction 0) to ``end`` (fraction 1)."""
    return end + (start - end) * (1.0 + math.cos(math.pi * fraction)) / 2.0


def cosine(epoch, base, *, n_epochs, min_learning_rate):
    """Anneal from ``base`` to ``min_learning_rate`` along half a cosine.

    ``rate = floor + (base - floor) * (1 + cos(pi * epoch / n_epochs)) / 2``
    (Loshchilov and Hutter's SGDR without restarts, PyTorch's
    ``CosineAnnealingLR``); the floor from epoch ``n_epochs`` on.

    Parameters
    ----------
    epoch : int
        Epochs done before this one.
    base : float
        The rate of the first epoch.
    n_epochs : int
        Epochs the annealing takes.
    min_learning_rate : float
        The floor.

    Returns
    -------
    float

    Examples
    --------
    >>> [cosine(e, 1.0, n_epochs=4, min_learning_rate=0.0) for e in (0, 2, 4, 9)]
    [1.0, 0.5, 0.0, 0.0]
    """
    fraction = min(epoch, n_epochs) / n_epochs
    return _cosine_between(base, min_learning_rate, fraction)


def one_cycle(epoch, base, *, n_epochs, pct_start, div_factor, final_div_factor):
    """Warm up to ``base``, then anneal far below it (Smith's one-cycle policy).

    The rate rises along half a cosine from ``base / div_factor`` to ``base``
    over the first ``pct_start * n_epochs - 1`` epochs, then falls along half
    a cosine to ``base / (div_factor * final_div_factor)`` at epoch
    ``n_epochs - 1``, PyTorch's ``OneCycleLR`` counted in epochs.

    Parameters
    ----------
    epoch : int
        Epochs done before this one.
    base : float
        The peak rate.
    n_epochs : int
        Length of the cycle.
    pct_start : float
        Share of the cycle spent warming up.
    div_factor : float
        The first rate is ``base / div_factor``.
    final_div_factor : float
        The last rate is the first divided by ``final_div_factor``.

    Returns
    -------
    float

    Examples
    --------
    >>> rates = [one_cycle(e, 1.0, n_epochs=10, pct_start=0.3, div_factor=25.0,
    ...                    final_div_factor=1e4) for e in range(10)]
    >>> [round(rate, 6) for rate in rates[:4]], rates.index(1.0), round(rates[-1], 9)
    ([0.04, 0.52, 1.0, 0.950485], 2, 4e-06)
    """
    start = base / div_factor
    end = start / final_div_factor
    peak_at = pct_start * n_epochs - 1
    last = n_epochs - 1
    if epoch < peak_at:
        return _cosine_between(start, base, epoch / peak_at)
    if last <= peak_at:
        return base
    return _cosine_between(
        base, end, min(epoch - peak_at, last - peak_at) / (last - peak_at)
    )


SCHEDULES = {
    "step": (step, ("step_size", "gamma")),
    "exponential": (exponential, ("gamma",)),
    "cosine": (cosine, ("n_epochs", "min_learning_rate")),
    "one_cycle": (
        one_cycle,
        ("n_epochs", "pct_start", "div_factor", "final_div_factor"),
    ),
}
"""Policy name -> (rate function, the scheduler parameters it takes)."""

DEFAULT_GAMMA = {"step": 0.1, "exponential": 0.95}
"""Policy -> its ``gamma`` when the scheduler is given none."""
