"""EarlyStopping: stop when a number stops improving, keep the best weights."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

from ._base import (
    MONITOR_CONSTRAINTS,
    Monitoring,
    epochs_done,
    weights,
    with_monitor_doc,
)


@with_monitor_doc
class EarlyStopping(Monitoring):
    """Stop when a number stops improving; keep the weights of its best epoch.

    Training stops once ``patience`` epochs in a row have not improved the
    monitored number by more than ``min_delta``. At the end of a ``fit`` the
    weights of the best epoch (and, with batch normalization, its running
    statistics) are put back (``restore_best_weights``), after the
    estimator's own early stopping, if any, restored its own.

    The count goes on across calls while the model continues (``warm_start``
    fits, ``partial_fit``), as scikit-learn's own ``n_iter_no_change`` count
    does; a fit from scratch starts it again, and so does each lbfgs fit, whose
    ``loss_curve_`` starts again too. With ``partial_fit`` (one epoch a call)
    a stop ends only that call: check ``stopped_epoch_`` in the loop. The best
    weights are then put back only by the call that stops: a call that merely
    did not improve keeps its weights, so that training can go on.

    Parameters
    ----------
    {monitor}
    patience : int, default=5
        Epochs without improvement before training stops.

    restore_best_weights : bool, default=True
        Put the best epoch's weights back at the end of each ``fit``, and at
        the end of a ``partial_fit`` call that stops.

    Attributes
    ----------
    monitor_ : str
        The number watched.
    best_ : float
        Its best value.
    best_epoch_ : int or None
        The epoch of the best value, counted as ``loss_curve_`` counts.
    wait_ : int
        Epochs since the best one.
    stopped_epoch_ : int or None
        The epoch at which this call stopped, if it did.
    best_weights_ : list of ndarray or None
        Copies of the arrays the model predicts with, at its best epoch (None
        with ``restore_best_weights=False``).

    See Also
    --------
    EpochScoring : Put a scorer's value among the epoch's numbers.
    Checkpoint : Save the best model to a file as training goes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import EarlyStopping
    >>> X, y = load_digits(return_X_y=True)
    >>> stop = EarlyStopping(patience=3)
    >>> clf = MLPClassifierPrimer((32,), learning_rate_init=0.05, max_iter=100,
    ...                           early_stopping=True, n_iter_no_change=np.inf,
    ...                           random_state=0, callbacks=[stop]).fit(X / 16, y)
    >>> stop.monitor_, clf.n_iter_ == stop.stopped_epoch_ == stop.best_epoch_ + 3
    ('validation_loss', True)
    >>> stop.best_ == min(clf.validation_loss_curve_)
    True
    """

    _parameter_constraints: dict = {
        **MONITOR_CONSTRAINTS,
        "patience": [Interval(Integral, 1, None, closed="left")],
        "restore_best_weights": ["boolean"],
    }

    def __init__(
        self,
        monitor=None,
        *,
        patience=5,
        min_delta=0.0,
        mode="auto",
        restore_best_weights=True,
    ):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.restore_best_weights = restore_best_weights

    def _begin(self, estimator, run):
        self._validate_params()
        fresh = self._start_monitoring(estimator, run)
        self.stopped_epoch_ = None
        # A fit restores the best weights when it ends; a partial_fit call
        # (one epoch) only when it stops.
        self._restore_at_end = run.max_epochs > 1
        if not self.restore_best_weights:
            self.best_weights_ = None
        elif fresh or getattr(self, "best_weights_", None) is None:
            # The model's weights so far are the best known.
            self.best_weights_ = [w.copy() for w in weights(estimator)]

    def __call__(self, estimator, info):
        """Watch the epoch; return True once patience runs out."""
        if self._observe(estimator, info):
            if self.restore_best_weights:
                self.best_weights_ = [w.copy() for w in weights(estimator)]
            return False
        if self.wait_ >= self.patience:
            self.stopped_epoch_ = epochs_done(estimator)
            return True
        return False

    def _end(self, estimator):
        best = getattr(self, "best_weights_", None)
        stopped = getattr(self, "stopped_epoch_", None) is not None
        if best is not None and (stopped or self.__dict__.get("_restore_at_end")):
            for array, values in zip(weights(estimator), best):
                array[...] = values
