"""The callback protocol: what the training loop calls, and when.

A callback is a callable ``callback(estimator, info)``, called after every
epoch (every iteration of lbfgs) in list order; ``info`` is one dict shared
along the list, so a number one callback adds is seen by the next. Any
callback returning True stops training, after every callback has seen the
epoch. Two optional methods, looked up with ``getattr``, bracket a call to
``fit`` or ``partial_fit``:

- ``on_train_begin(estimator, run)`` before the first epoch, ``run`` being a
  :class:`TrainingRun` (the data the epochs will see, the epoch budget);
- ``on_train_end(estimator)`` after the last epoch however training ended (the
  estimator then holds its final weights; a callback may still change them in
  place, as :class:`sklmlp.callbacks.EarlyStopping` does), a failed call
  included, so that a progress bar always closes.
"""

from dataclasses import dataclass

__all__ = [
    "TrainingRun",
    "after_epoch",
    "begin_training",
    "check_callbacks",
    "end_training",
    "restore_callback_states",
    "save_callback_states",
]


@dataclass(frozen=True)
class TrainingRun:
    """What ``on_train_begin`` learns about the call that is starting.

    The targets are given as the user gave them (class labels, values on
    their own scale), so that a scikit-learn scorer can compare them with
    ``estimator.predict``. The arrays are the estimator's own: do not modify
    them, and do not keep them beyond ``on_train_end``.

    Parameters
    ----------
    max_epochs : int
        Epochs this call may run: ``max_iter``, or 1 for ``partial_fit``.
    X, y, sample_weight
        The data the epochs train on (without the held-out part), after
        validation; ``sample_weight`` includes any ``class_weight`` and is
        None when every weight is 1.
    X_val, y_val, sample_weight_val
        The held-out data (``early_stopping=True`` with 'sgd' or 'adam'), or
        None.
    """

    max_epochs: int
    X: object
    y: object
    sample_weight: object
    X_val: object = None
    y_val: object = None
    sample_weight_val: object = None


def check_callbacks(value):
    """Return the ``callbacks`` parameter as a list of callables.

    Parameters
    ----------
    value : None, callable or sequence of callables
        The parameter.

    Returns
    -------
    list of callable
    """
    if value is None:
        return []
    callbacks = list(value) if isinstance(value, list | tuple) else [value]
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables, got {cb!r}.")
    return callbacks


def begin_training(callbacks, estimator, decode, max_epochs, train, validation):
    """Call every callback's ``on_train_begin`` with a :class:`TrainingRun`.

    Parameters
    ----------
    callbacks : list of callable
        As :func:`check_callbacks` returns them.
    estimator : BaseMLPPrimer
        The estimator about to train.
    decode : callable
        ``decode(Y)``: the encoded targets as the user gave them (labels, or
        values on their own scale).
    max_epochs : int
        Epochs this call may run.
    train, validation : tuple
        ``(X, Y, sample_weight)`` of the training and held-out data
        (``validation`` None when nothing is held out).
    """
    begins = [cb.on_train_begin for cb in callbacks if hasattr(cb, "on_train_begin")]
    if not begins:
        return
    X, Y, sw = train
    X_val, Y_val, sw_val = validation or (None, None, None)
    run = TrainingRun(
        max_epochs=max_epochs,
        X=X,
        y=decode(Y),
        sample_weight=sw,
        X_val=X_val,
        y_val=None if Y_val is None else decode(Y_val),
        sample_weight_val=sw_val,
    )
    for begin in begins:
        begin(estimator, run)


def save_callback_states(value):
    """Snapshot what the ready-made callbacks remember between calls.

    Parameters
    ----------
    value : object
        The ``callbacks`` parameter, not yet checked.

    Returns
    -------
    list of (callback, dict)
        Give it to :func:`restore_callback_states` when the call fails.
    """
    callbacks = value if isinstance(value, list | tuple) else [value]
    return [(cb, cb._save_state()) for cb in callbacks if hasattr(cb, "_save_state")]


def restore_callback_states(saved):
    """Put the callbacks' memories back as :func:`save_callback_states` found them.

    Parameters
    ----------
    saved : list of (callback, dict)
        What :func:`save_callback_states` returned.
    """
    for cb, state in saved:
        cb._restore_state(state)


def after_epoch(callbacks, estimator, info):
    """Call every callback in order; return True if any asked to stop.

    Parameters
    ----------
    callbacks : list of callable
        The callbacks.
    estimator : BaseMLPPrimer
        The estimator in training.
    info : dict
        The epoch's numbers (the last entry of ``history_``).

    Returns
    -------
    bool
    """
    # Every callback sees every epoch, the one that stops training too.
    return any([bool(cb(estimator, info)) for cb in callbacks])


def end_training(callbacks, estimator):
    """Call every callback's ``on_train_end``, however training ended.

    Parameters
    ----------
    callbacks : list of callable
        The callbacks.
    estimator : BaseMLPPrimer
        The estimator that trained.
    """
    for cb in callbacks:
        hook = getattr(cb, "on_train_end", None)
        if hook is not None:
            hook(estimator)
