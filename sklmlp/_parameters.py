"""What each parameter of the estimators may be.

The constraint table scikit-learn's ``_validate_params`` checks, and the checks
it cannot express (lists with one entry per hidden layer, options that depend
on the solver).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._core.activations import ACTIVATION_NAMES, resolve_activation
from ._core.initializers import INITIALIZERS
from ._core.input_scaling import SCALINGS

__all__ = [
    "ACTIVATION_OPTIONS",
    "PARAMETER_CONSTRAINTS",
    "PRESETS",
    "batch_norm_flags",
    "check_combinations",
    "dropout_rates",
    "hidden_activations",
    "hidden_sizes",
]


# Estimator parameter -> the activation whose layers it shapes.
ACTIVATION_OPTIONS = {"leaky_relu_slope": "leaky_relu", "maxout_pieces": "maxout"}

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(set(ACTIVATION_NAMES)), list, tuple],
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "weight_init": [StrOptions({"auto", *INITIALIZERS})],
    "bias_init": [
        StrOptions({"auto"}),
        Interval(Real, None, None, closed="neither"),
    ],
    "leaky_relu_slope": [Interval(Real, 0, 1, closed="left")],
    "maxout_pieces": [Interval(Integral, 2, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "input_noise": [Interval(Real, 0, None, closed="left")],
    "callbacks": [None, list, tuple, callable],
    "batch_norm": ["boolean", list, tuple],
    "batch_norm_momentum": [Interval(Real, 0, 1, closed="right")],
    "batch_norm_epsilon": [Interval(Real, 0, None, closed="neither")],
    "input_scaling": [StrOptions({"auto", *SCALINGS}), None],
    "defaults": [StrOptions({"tabular", "sklearn"})],
}
"""Parameter -> what scikit-learn's ``_validate_params`` accepts."""

PRESETS = {
    # Smooth clipping at +-5 after scaling; classifiers measure a column by its
    # mean and standard deviation, regressors by its median and interquartile
    # range (each won on its task in the development suite: docs, "Deliberate
    # differences").
    "input_scaling": {"tabular": "standard", "sklearn": None},
    # RealMLP's beta_2: the second moment forgets faster.
    "beta_2": {"tabular": 0.95, "sklearn": 0.999},
}
"""Parameter left at 'auto' -> its value under each ``defaults``.

``defaults='sklearn'`` is scikit-learn's MLP exactly; ``'tabular'`` adds what
measured better on real tables. The regressor extends the table.
"""


def _as_list(value):
    """Return a scalar or a sequence as a list (strings count as scalars)."""
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def hidden_sizes(value):
    """Return ``hidden_layer_sizes`` as a list of positive ints.

    Parameters
    ----------
    value : int or sequence of int
        The parameter.

    Returns
    -------
    list of int
    """
    sizes = _as_list(value)
    for size in sizes:
        if not isinstance(size, Integral | np.integer) or isinstance(size, bool):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got {value!r}."
            )
    if any(size <= 0 for size in sizes):
        raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
    return [int(size) for size in sizes]


def _per_layer(name, value, n_hidden):
    values = _as_list(value)
    if len(values) == 1 and not isinstance(value, list | tuple):
        return values * n_hidden
    if len(values) != n_hidden:
        raise ValueError(
            f"{name} has {len(values)} entries but there are {n_hidden} hidden "
            f"layers; give one value, or one per hidden layer."
        )
    return values


def hidden_activations(value, n_hidden):
    """Return the ``activation`` parameter as one resolved name per hidden layer.

    Parameters
    ----------
    value : str or sequence of str
        The parameter.
    n_hidden : int
        Number of hidden layers.

    Returns
    -------
    list of str
    """
    names = _per_layer("activation", value, n_hidden)
    for name in names:
        if not isinstance(name, str) or name not in ACTIVATION_NAMES:
            raise ValueError(
                f"activation entries must be one of {sorted(ACTIVATION_NAMES)}, "
                f"got {name!r}."
            )
    return [resolve_activation(name) for name in names]


def batch_norm_flags(value, n_hidden):
    """Return the ``batch_norm`` parameter as one bool per hidden layer.

    Parameters
    ----------
    value : bool or sequence of bool
        The parameter.
    n_hidden : int
        Number of hidden layers.

    Returns
    -------
    list of bool
    """
    flags = _per_layer("batch_norm", value, n_hidden)
    for flag in flags:
        if not isinstance(flag, bool | np.bool_):
            raise ValueError(f"batch_norm entries must be True or False, got {flag!r}.")
    return [bool(flag) for flag in flags]


def dropout_rates(value, n_hidden):
    """Return the ``dropout`` parameter as one rate per hidden layer, or None.

    Parameters
    ----------
    value : float or sequence of float
        The parameter.
    n_hidden : int
        Number of hidden layers.

    Returns
    -------
    list of float or None
        None when no layer drops units.
    """
    rates = _per_layer("dropout", value, n_hidden)
    for rate in rates:
        if not isinstance(rate, Real) or not 0 <= rate < 1:
            raise ValueError(f"dropout rates must be in [0, 1), got {rate!r}.")
    return [float(rate) for rate in rates] if any(rates) else None


def check_combinations(estimator, dropout, incremental):
    """Raise on parameters each valid alone but not together.

    Every such rule of the estimators is here (the one exception, a learning
    rate schedule with lbfgs, is the callback's own: see
    :class:`sklmlp.callbacks.LRScheduler`).

    Parameters
    ----------
    estimator : BaseMLPPrimer
        Its parameters are checked.
    dropout : list of float or None
        The resolved dropout rates (:func:`dropout_rates`).
    incremental : bool
        Whether the call is ``partial_fit``.
    """
    stochastic = estimator.solver != "lbfgs"
    if dropout and not stochastic:
        raise ValueError(
            "dropout needs a stochastic solver ('sgd' or 'adam'); the lbfgs "
            "objective must be deterministic."
        )
    if estimator.input_noise and not stochastic:
        raise ValueError("input_noise needs a stochastic solver ('sgd' or 'adam').")
    if estimator.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True")
    if estimator.early_stopping and stochastic and not estimator.validation_fraction:
        raise ValueError(
            "early_stopping=True needs a validation set: validation_fraction "
            "must be in (0, 1), got 0."
        )
