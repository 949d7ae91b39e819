"""EpochScoring: a scikit-learn scorer's value after every epoch."""

from sklearn.metrics import check_scoring

from .._history import record_score
from ._base import Callback


class EpochScoring(Callback):
    """Score the model every epoch with a scikit-learn scorer.

    The score is computed on the held-out data when the estimator holds some
    out (``early_stopping=True`` with 'sgd' or 'adam'), else on the training
    data, with the sample weights the estimator trains with (``class_weight``
    included). It is added to the epoch's numbers under ``name``, so later
    callbacks see it, and appended to the estimator's ``epoch_scores_[name]``.

    Parameters
    ----------
    scoring : str or callable
        A scorer name (``'accuracy'``, ``'neg_log_loss'``, ``'r2'``, ... see
        ``sklearn.metrics.get_scorer_names()``) or a callable
        ``scorer(estimator, X, y)`` (it also gets ``sample_weight=`` when the
        data are weighted).

    name : str, default=None
        Key of the score; None: ``scoring`` when it is a name, else 'score'.

    on_train : bool, default=False
        Score the training data even when data is held out.

    Attributes
    ----------
    name_ : str
        The key the scores go under.

    See Also
    --------
    EarlyStopping : Stop when a number (a score, too) stops improving.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import EpochScoring
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifierPrimer((8,), solver="lbfgs", max_iter=1000, random_state=0,
    ...                           callbacks=[EpochScoring("balanced_accuracy")])
    >>> scores = clf.fit(X, y).epoch_scores_["balanced_accuracy"]
    >>> len(scores) == clf.n_iter_, scores[-1] > scores[0]
    (True, True)
    """

    _parameter_constraints: dict = {
        "scoring": [str, callable],
        "name": [str, None],
        "on_train": ["boolean"],
    }

    def __init__(self, scoring, *, name=None, on_train=False):
        self.scoring = scoring
        self.name = name
        self.on_train = on_train

    def _begin(self, estimator, run):
        self._validate_params()
        if self.name is not None:
            self.name_ = self.name
        else:
            self.name_ = self.scoring if isinstance(self.scoring, str) else "score"
        self._scorer = check_scoring(estimator, scoring=self.scoring)
        if run.X_val is not None and not self.on_train:
            self._data = run.X_val, run.y_val, run.sample_weight_val
        else:
            self._data = run.X, run.y, run.sample_weight

    def __call__(self, estimator, info):
        """Add the epoch's score to ``info`` and to ``epoch_scores_``."""
        X, y, sample_weight = self._data
        weights = {} if sample_weight is None else {"sample_weight": sample_weight}
        score = float(self._scorer(estimator, X, y, **weights))
        record_score(estimator, info, self.name_, score)
        return False

    def _end(self, estimator):
        # The data are the estimator's: do not keep (or pickle) them.
        self.__dict__.pop("_data", None)
        self.__dict__.pop("_scorer", None)
