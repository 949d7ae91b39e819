"""Checkpoint: save the best model so far to a file."""

import os

from sklearn.utils._param_validation import StrOptions

from .._sklearn_callbacks import CALLBACK_KEYS
from ._base import MONITOR_CONSTRAINTS, Monitoring, installed, with_monitor_doc


@with_monitor_doc
class Checkpoint(Monitoring):
    """Save the best model so far to a file whenever the monitored number improves.

    The file holds the estimator as it was at the end of that epoch, fitted
    attributes included and ``callbacks`` set to None (and without
    scikit-learn's callbacks, ``set_callbacks``): it loads without this
    package's callback classes, and skops lists none of them as a type to
    trust. It is written whole to a temporary file first and then renamed,
    so that an interrupted run never leaves half a model.

    Parameters
    ----------
    path : str or path-like
        The file.
    {monitor}
    format : {'auto', 'skops', 'joblib'}, default='auto'
        'skops' (``skops.io.dump``; load with ``skops.io.load`` after reading
        ``skops.io.get_untrusted_types``) or 'joblib' (``joblib.dump``; load
        only files you made, as with pickle). 'auto': skops when it is
        installed, else joblib.

    Attributes
    ----------
    monitor_ : str
        The number watched.
    best_ : float
        Its best value, the one of the saved model.
    best_epoch_ : int or None
        The saved model's epoch, counted as ``loss_curve_`` counts.
    wait_ : int
        Epochs since the saved one.
    format_ : str
        The format written.

    See Also
    --------
    EarlyStopping : Stop when the number stops improving.

    Examples
    --------
    >>> import joblib
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from tempfile import TemporaryDirectory
    >>> from sklearn.datasets import load_digits
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import Checkpoint, EarlyStopping
    >>> X, y = load_digits(return_X_y=True)
    >>> with TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "best.joblib"
    ...     save = Checkpoint(path, format="joblib")
    ...     clf = MLPClassifierPrimer(
    ...         (32,), learning_rate_init=0.05, max_iter=100, early_stopping=True,
    ...         n_iter_no_change=np.inf, random_state=0,
    ...         callbacks=[save, EarlyStopping(patience=3)]).fit(X / 16, y)
    ...     best = joblib.load(path)
    >>> best.n_iter_ == save.best_epoch_ == clf.n_iter_ - 3
    True
    >>> best.validation_loss_curve_[-1] == save.best_, best.callbacks is None
    (True, True)
    """

    _parameter_constraints: dict = {
        **MONITOR_CONSTRAINTS,
        "path": [str, os.PathLike],
        "format": [StrOptions({"auto", "skops", "joblib"})],
    }

    def __init__(
        self, path, *, monitor=None, mode="auto", min_delta=0.0, format="auto"
    ):
        self.path = path
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta
        self.format = format

    def _begin(self, estimator, run):
        self._validate_params()
        self._start_monitoring(estimator, run)
        self.format_ = self.format
        if self.format == "auto":
            self.format_ = "skops" if installed("skops") else "joblib"

    def __call__(self, estimator, info):
        """Save the model when the epoch is the best so far."""
        if self._observe(estimator, info):
            _write(_without_callbacks(estimator), self.path, self.format_)
        return False


def _without_callbacks(estimator):
    """Return a shallow copy of ``estimator`` without callbacks of either kind."""
    model = object.__new__(type(estimator))
    model.__dict__.update(
        (key, value)
        for key, value in vars(estimator).items()
        if key not in CALLBACK_KEYS
    )
    model.callbacks = None
    return model


def _write(model, path, fmt):
    path = os.fspath(path)
    partial = f"{path}.partial"
    if fmt == "skops":
        import skops.io

        with open(partial, "wb") as file:
            file.write(skops.io.dumps(model))
    else:
        import joblib

        joblib.dump(model, partial)
    os.replace(partial, path)
