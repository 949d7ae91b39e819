"""The per-epoch records: ``history_``, and scikit-learn's lists read from it.

Every epoch (lbfgs: iteration) the loop appends one dict to the history of
the fit state's records (:class:`~sklmlp._fit_state.Records`), which the
estimator publishes as ``history_``: the ``info`` the callbacks get (epoch,
loss, held-out score and loss, learning rate, what callbacks add) and the
epoch's ``time``.
``loss_curve_``, ``validation_scores_``, ``validation_loss_curve_`` and
``epoch_scores_`` are read from it (:func:`loss_curve`,
:func:`validation_record`, :func:`epoch_scores`), from where each starts:
an lbfgs fit starts the loss curve and the scores again, a fit that stops
holding data out ends the held-out records. :class:`VerbosePrinter` prints
what ``verbose=True`` shows.
"""

__all__ = [
    "VerbosePrinter",
    "curve_length",
    "epoch_scores",
    "loss_curve",
    "record_score",
    "validation_record",
]


def loss_curve(estimator):
    """``loss_curve_``: the loss of every epoch of ``history_`` since the curve began.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        A fitted estimator.

    Returns
    -------
    list of float
    """
    history = estimator.history_
    return [entry["loss"] for entry in history[estimator._curve_start :]]


def validation_record(estimator, key):
    """``validation_scores_`` (``key='validation_score'``) or the held-out losses.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        A fitted estimator.
    key : {'validation_score', 'validation_loss'}
        The number of each held-out epoch to list.

    Returns
    -------
    list of float or None
        None when the last fit held nothing out.
    """
    history = estimator.history_
    start = estimator._validation_start
    if start is None:
        return None
    # An lbfgs fit between two held-out fits adds epochs without the key.
    return [entry[key] for entry in history[start:] if key in entry]


def epoch_scores(estimator):
    """``epoch_scores_``: each EpochScoring score of the epochs of ``loss_curve_``.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        A fitted estimator.

    Returns
    -------
    dict of str to list of float
        In the order the scores first appear.
    """
    history = estimator.history_
    names = set(estimator._score_names)
    scores = {}
    for entry in history[estimator._curve_start :]:
        for key, value in entry.items():
            if key in names:
                scores.setdefault(key, []).append(value)
    return scores


def curve_length(estimator):
    """``len(loss_curve_)``, without building the list.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        An estimator in training or fitted.

    Returns
    -------
    int
    """
    return len(estimator.history_) - estimator._curve_start


def record_score(estimator, info, name, value):
    """Add a callback's score to the epoch's numbers, as one of ``epoch_scores_``.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        The estimator in training.
    info : dict
        The epoch's numbers, the last entry of ``history_``.
    name : str
        The score's key.
    value : float
        The score.
    """
    info[name] = value
    names = estimator._score_names
    if name not in names:
        # The list of the call's records (a copy of the fitted model's: a
        # failed call leaves that one as it was).
        names.append(name)


class VerbosePrinter:
    """What ``verbose=True`` prints: the epoch's numbers and the loop's decisions.

    The loop calls it after each epoch (before the callbacks) with the epoch's
    numbers, and hands it the lines that explain a decision (a stall, a
    callback's stop) with :meth:`note`.
    """

    def __call__(self, estimator, info):
        """Print the epoch's loss, and its held-out score when there is one."""
        print(f"Iteration {info['epoch']}, loss = {info['loss']:.8f}")
        if "validation_score" in info:
            print(f"Validation score: {info['validation_score']:f}")
        return False

    def note(self, message):
        """Print one line about a decision of the loop."""
        print(message)
