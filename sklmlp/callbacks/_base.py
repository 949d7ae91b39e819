"""The callback protocol's base class, and what watches one of the epoch's numbers."""

import math
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

from .._history import curve_length


class Callback(BaseEstimator):
    """Base class of the ready-made callbacks.

    A callback is any callable ``callback(estimator, info)``. This class adds
    the two hooks the training loop looks for on every callback
    (:meth:`on_train_begin`, :meth:`on_train_end`; here they do nothing), a
    ``get_params``-style configuration taken from the constructor's arguments
    (so that ``clone``, ``GridSearchCV`` and pickle treat it as they treat an
    estimator, ``clone`` giving a fresh callback), and one rule for what it
    remembers: attributes ending in ``_``, put back as they were when a call
    to ``fit`` or ``partial_fit`` fails. The ready-made callbacks keep them
    while the model continues (``warm_start``, ``partial_fit``) and start
    afresh with a fit from scratch.

    Subclass it and define ``__call__``, and the hooks you need.

    See Also
    --------
    sklmlp.callbacks.EpochScoring, sklmlp.callbacks.EarlyStopping
    sklmlp.callbacks.Checkpoint, sklmlp.callbacks.LRScheduler
    sklmlp.callbacks.ProgressBar

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import Callback
    >>> class StopBelow(Callback):
    ...     def __init__(self, loss=0.5):
    ...         self.loss = loss
    ...     def __call__(self, estimator, info):
    ...         return info["loss"] < self.loss
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifierPrimer((10,), learning_rate_init=0.01, max_iter=500,
    ...                           random_state=0, callbacks=[StopBelow(0.5)])
    >>> clf = clf.fit(X, y)
    >>> clf.loss_curve_[-2] >= 0.5 > clf.loss_curve_[-1]
    True
    """

    def on_train_begin(self, estimator, run):
        """Prepare for a call to ``fit`` or ``partial_fit``, before its first epoch.

        Parameters
        ----------
        estimator : MLPClassifierPrimer or MLPRegressorPrimer
            The estimator about to train, its weights and records set up.
        run : TrainingRun
            ``run.max_epochs`` (``max_iter``, or 1 for ``partial_fit``), the
            training data ``run.X``, ``run.y``, ``run.sample_weight`` and, when
            data is held out, ``run.X_val``, ``run.y_val``,
            ``run.sample_weight_val`` (else None). Targets are the user's
            labels or values.

        Examples
        --------
        >>> import numpy as np
        >>> from sklmlp import MLPRegressorPrimer
        >>> from sklmlp.callbacks import Callback
        >>> class Sizes(Callback):
        ...     def on_train_begin(self, estimator, run):
        ...         self.sizes_ = run.max_epochs, len(run.y), len(run.y_val)
        ...     def __call__(self, estimator, info):
        ...         return True  # one epoch is enough here
        >>> X = np.random.RandomState(0).randn(50, 2)
        >>> sizes = Sizes()
        >>> reg = MLPRegressorPrimer(hidden_layer_sizes=(4,), early_stopping=True,
        ...                          max_iter=20, validation_fraction=0.2,
        ...                          callbacks=[sizes])
        >>> reg = reg.fit(X, X.sum(axis=1))
        >>> sizes.sizes_
        (20, 40, 10)
        """
        self._begin(estimator, run)

    def on_train_end(self, estimator):
        """Finish a call to ``fit`` or ``partial_fit``, however it ended.

        The estimator holds its final weights; a callback may still change them
        in place (``estimator.coefs_[i][...] = ...``), as
        :class:`EarlyStopping` does. Called after a failed call too, before
        the estimator is put back as it was.

        Parameters
        ----------
        estimator : MLPClassifierPrimer or MLPRegressorPrimer
            The estimator that trained.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> from sklmlp.callbacks import Callback
        >>> class Zero(Callback):
        ...     def __call__(self, estimator, info):
        ...         return False
        ...     def on_train_end(self, estimator):
        ...         estimator.intercepts_[-1][...] = 0.0
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer((4,), solver="lbfgs", max_iter=1000,
        ...                           random_state=0, callbacks=[Zero()])
        >>> clf.fit(X, y).intercepts_[-1].tolist()
        [0.0, 0.0, 0.0]
        """
        self._end(estimator)

    def __call__(self, estimator, info):
        """Look at an epoch; return True to stop training (never, here)."""
        return False

    # The ready-made callbacks do their work in these, so that the public
    # hooks keep one documented signature.
    def _begin(self, estimator, run):
        """Set up for a call."""

    def _end(self, estimator):
        """Clean up after a call."""

    def _save_state(self):
        """Return what the callback remembers, for a failed call to restore."""
        return {
            key: _copied(value)
            for key, value in vars(self).items()
            if key.endswith("_") and not key.startswith("_")
        }

    def _restore_state(self, state):
        for key in [k for k in vars(self) if k.endswith("_") and k[0] != "_"]:
            delattr(self, key)
        vars(self).update(state)


def _copied(value):
    if isinstance(value, list | dict | np.ndarray):
        return value.copy()
    return value


def epochs_done(estimator):
    """Epochs (lbfgs: iterations) of ``loss_curve_``, this one included."""
    return curve_length(estimator)


# -- a monitored number -----------------------------------------------------------


class Monitoring(Callback):
    """What watches one of the epoch's numbers: its name, best value, patience."""

    def _start_monitoring(self, estimator, run):
        """Resolve the monitored name; start afresh unless the model continues."""
        held_out = run.X_val is not None
        self.monitor_ = self.monitor or ("validation_loss" if held_out else "loss")
        lower = self.mode == "min" or (
            self.mode == "auto"
            and self.monitor_.endswith("loss")
            and not self.monitor_.startswith("neg_")
        )
        fresh = epochs_done(estimator) == 0 or not hasattr(self, "best_")
        if fresh:
            self.best_ = math.inf if lower else -math.inf
            self.best_epoch_ = None
            self.wait_ = 0
        self._lower = lower
        return fresh

    def _observe(self, estimator, info):
        """Update the best value and the patience count; True at a new best."""
        try:
            value = float(info[self.monitor_])
        except KeyError:
            raise ValueError(
                f"{type(self).__name__} monitors {self.monitor_!r}, which this "
                f"fit does not report; the epoch's numbers are {sorted(info)}. "
                "The held-out numbers need early_stopping=True with 'sgd' or "
                "'adam'; a number an EpochScoring adds needs the EpochScoring "
                "earlier in the callbacks list."
            ) from None
        delta = self.min_delta
        if self._lower:
            better = value < self.best_ - delta
        else:
            better = value > self.best_ + delta
        if better:  # never for NaN
            self.best_, self.best_epoch_, self.wait_ = value, epochs_done(estimator), 0
        else:
            self.wait_ += 1
        return better


MONITOR_CONSTRAINTS = {
    "monitor": [str, None],
    "mode": [StrOptions({"auto", "min", "max"})],
    "min_delta": [Interval(Real, 0, None, closed="left")],
}

_MONITOR_DOC = """
    monitor : str, default=None
        The number to watch, by its key in the epoch's numbers: 'loss',
        'validation_loss', 'validation_score', or a name an
        :class:`EpochScoring` earlier in the list adds. None watches the
        held-out loss when the estimator holds data out
        (``early_stopping=True`` with 'sgd' or 'adam'), else the training loss.

    mode : {'auto', 'min', 'max'}, default='auto'
        Whether lower ('min') or higher ('max') is better. 'auto': lower for a
        name ending in 'loss' (not ``neg_...``), higher otherwise (scores, and
        scikit-learn's scorers, which are all higher-is-better).

    min_delta : float, default=0.0
        How much better than the best so far a value must be to count as an
        improvement.
"""


def with_monitor_doc(cls):
    cls.__doc__ = cls.__doc__.replace("{monitor}", _MONITOR_DOC)
    return cls


def installed(module):
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def weights(estimator):
    # What the model predicts with: weights, biases, slopes, and batch
    # normalization's scales, shifts and running statistics.
    return estimator._fitted_arrays()
