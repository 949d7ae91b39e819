"""One call's fit state: what a call to ``fit`` or ``partial_fit`` trains and records.

A :class:`FitState` holds everything a call changes as it trains: the
network, its flat parameters and batch-normalization statistics, the
optimizer with its moments, the random state that shuffles and draws, the
targets object, and the per-epoch :class:`Records`. The estimator
(:mod:`sklmlp._base`) builds it at the start of a call, from scratch or from
copies of what it holds (so that the call never changes the stored values),
the training loop (:mod:`sklmlp._training`) takes it and returns it, and the
estimator shows it as its attributes (``coefs_``, ``n_iter_``, ``history_``,
...) whenever a callback may look: after every epoch, and at the end.

A failed call leaves the stored values as they were, since it trained in
copies; the estimator then only puts its attribute bindings back
(``BaseMLPPrimer._fit``). The state itself is never saved: pickle and skops
files hold the published attributes, with the names and layout of sklmlp
0.2.0.
"""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["FitState", "Records"]

#: The attribute each record is published as, in the order a new model gets
#: them: the counters, the best score and loss (the score first when data is
#: held out), and ``loss_`` once an epoch has run.
_COUNTERS = (
    ("n_iter", "n_iter_"),
    ("t", "t_"),
    ("history", "history_"),
    ("curve_start", "_curve_start"),
    ("validation_start", "_validation_start"),
    ("score_names", "_score_names"),
    ("no_improvement_count", "_no_improvement_count"),
)
_BEST = (
    ("best_validation_score", "best_validation_score_"),
    ("best_loss", "best_loss_"),
)


@dataclass(eq=False)
class Records:
    """The training records of a model, and the stopping rules' counters.

    Parameters
    ----------
    history : list of dict
        One dict per epoch (lbfgs: iteration), published as ``history_``.
    n_iter : int
        Epochs of the last call (``n_iter_``).
    t : int
        Samples seen by the stochastic solvers (``t_``).
    loss : float or None
        The last epoch's loss (``loss_``); None before any epoch, when the
        estimator keeps what it had.
    best_loss : float or None
        The best training loss (``best_loss_``), None with held-out data.
    best_validation_score : float or None
        The best held-out score (``best_validation_score_``), or None.
    no_improvement_count : int
        Epochs since the last improvement (``_no_improvement_count``).
    curve_start : int
        Where ``loss_curve_`` and ``epoch_scores_`` start in ``history``.
    validation_start : int or None
        Where the held-out records start; None: there are none.
    score_names : list of str
        The keys of ``history`` that EpochScoring callbacks wrote.
    """

    history: list = field(default_factory=list)
    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    best_loss: float | None = np.inf
    best_validation_score: float | None = None
    no_improvement_count: int = 0
    curve_start: int = 0
    validation_start: int | None = None
    score_names: list = field(default_factory=list)

    @classmethod
    def start(cls, holds_out):
        """Return the records of a model trained from scratch.

        Parameters
        ----------
        holds_out : bool
            Whether training holds data out (early stopping with 'sgd' or
            'adam'): its score then decides, not the training loss.

        Returns
        -------
        Records
        """
        if holds_out:
            return cls(
                best_loss=None, best_validation_score=-np.inf, validation_start=0
            )
        return cls()

    @classmethod
    def resume(cls, attributes):
        """Return copies of a fitted model's records, for a call that continues it.

        Parameters
        ----------
        attributes : dict
            The estimator's ``__dict__``.

        Returns
        -------
        Records
            Lists copied: the call appends to its own.
        """
        values = {name: attributes[attr] for name, attr in (*_COUNTERS, *_BEST)}
        values["history"] = list(values["history"])
        values["score_names"] = list(values["score_names"])
        return cls(loss=attributes.get("loss_"), **values)

    def begin(self, *, lbfgs, holds_out, given_validation):
        """Set the records up for a call: where its curve and held-out records start.

        Parameters
        ----------
        lbfgs : bool
            Whether the call trains with 'lbfgs'.
        holds_out : bool
            Whether the call holds data out (early stopping with 'sgd' or
            'adam').
        given_validation : bool
            Whether validation data was given to ``fit``.
        """
        if lbfgs:
            # Its curve starts again (a warm start begins a new one, as in
            # scikit-learn), and the per-epoch scores follow the curve they
            # belong to.
            self.curve_start = len(self.history)
            if given_validation:
                self.validation_start = self.curve_start
            return
        # A warm start may switch early stopping on or off (scikit-learn then
        # fails on a None record): start the records the last fit did not keep.
        if holds_out or given_validation:
            if self.validation_start is None:
                self.validation_start = len(self.history)
        elif self.validation_start is not None:
            # The held-out records describe epochs the model has moved past:
            # they would no longer line up with loss_curve_.
            self.validation_start = None
        if holds_out and self.best_validation_score is None:
            self.best_validation_score = -np.inf
        elif not holds_out:
            self.best_validation_score = None
            if self.best_loss is None:
                self.best_loss = np.inf

    def attributes(self):
        """Return the records as the estimator publishes them.

        Returns
        -------
        dict
            Attribute name to value, in the order a new model gets them
            (``best_validation_score_`` first when data is held out, as the
            records of sklmlp 0.2.0 were set up); no ``loss_`` before the
            first epoch. The lists are the records' own, not copies: a
            callback that adds a score to them adds it to the records.
        """
        # Held-out data or not, as the records were first set up.
        best = _BEST if self.best_validation_score is not None else _BEST[::-1]
        published = {attr: getattr(self, name) for name, attr in (*_COUNTERS, *best)}
        if self.loss is not None:
            published["loss_"] = self.loss
        return published


@dataclass(eq=False)
class FitState:
    """Everything one call to ``fit`` or ``partial_fit`` trains and records.

    Parameters
    ----------
    network : Network
        The network (:mod:`sklmlp._core.network`); its layout and options do
        not change in training, only its scratch buffers.
    params : ndarray of shape (n_params,)
        The flat parameters this call trains (updated in place).
    stats : ndarray of shape (n_stats,)
        Batch normalization's running statistics (updated in place).
    targets : ClassificationTargets or RegressionTargets
        Encoding, scoring and scaling of the targets (:mod:`sklmlp._targets`).
    random_state : numpy.random.RandomState
        Shuffles, splits, draws dropout masks and input noise.
    records : Records
        The per-epoch records and the stopping rules' counters.
    optimizer : SGD or Adam or None, default=None
        The update rule and its moments; None with 'lbfgs'.
    """

    network: object
    params: np.ndarray
    stats: np.ndarray
    targets: object
    random_state: np.random.RandomState
    records: Records
    optimizer: object = None
