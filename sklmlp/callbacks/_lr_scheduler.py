"""LRScheduler: the learning rate of every epoch, by a schedule."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .._core.schedules import DEFAULT_GAMMA, SCHEDULES
from ._base import MONITOR_CONSTRAINTS, Monitoring, epochs_done, with_monitor_doc


@with_monitor_doc
class LRScheduler(Monitoring):
    """Set the learning rate of every epoch by a schedule.

    Before each epoch the scheduler sets the optimizer's base rate, in place
    of ``learning_rate_init``, from the number of epochs the model has done
    (``len(loss_curve_)``: a ``partial_fit`` loop or a warm start goes on
    along the schedule). ``epoch`` below counts them from 0, ``base`` is
    ``learning_rate_init``, ``T`` is ``n_epochs``:

    - 'step': ``base * gamma ** (epoch // step_size)``;
    - 'exponential': ``base * gamma ** epoch``;
    - 'cosine': from ``base`` down to ``min_learning_rate`` along half a
      cosine over ``T`` epochs, then the floor;
    - 'one_cycle': up from ``base / div_factor`` to ``base`` over the first
      ``pct_start`` of ``T`` epochs, then down to
      ``base / (div_factor * final_div_factor)`` at epoch ``T - 1``;
    - 'plateau': ``base``, multiplied by ``factor`` each time ``patience``
      epochs in a row do not improve the monitored number, never below
      ``min_learning_rate``;
    - a callable ``policy(epoch)``: ``base * policy(epoch)`` (a module-level
      function, so that the estimator pickles).

    With 'sgd' the rate in effect follows ``learning_rate`` from the base
    rate: 'constant' uses it as it is, 'invscaling' divides it by
    ``(t + 1) ** power_t`` and 'adaptive' by 5 for each stall. With 'adam' the
    base rate is the ``lr`` of Adam's bias-corrected step size. The rate of
    each epoch is in the epoch's numbers as 'learning_rate' (with Adam, the
    step size of its last batch). 'lbfgs' takes no learning rate: fitting
    with a scheduler raises a ValueError.

    Parameters
    ----------
    policy : {'step', 'exponential', 'cosine', 'one_cycle', 'plateau'} or \
callable, default='cosine'
        The schedule.

    n_epochs : int, default=None
        ``T`` of 'cosine' and 'one_cycle'; None: the estimator's ``max_iter``.

    min_learning_rate : float, default=0.0
        The floor of 'cosine' and 'plateau'.

    step_size : int, default=10
        Epochs between two decays of 'step'.

    gamma : float, default=None
        Decay factor of 'step' (None: 0.1) and 'exponential' (None: 0.95).

    pct_start, div_factor, final_div_factor : float, default=0.3, 25.0, 1e4
        The shape of 'one_cycle' (PyTorch's ``OneCycleLR`` defaults).

    factor : float, default=0.1
        What 'plateau' multiplies the rate by.

    patience : int, default=5
        Epochs without improvement before 'plateau' lowers the rate.
    {monitor}

    Attributes
    ----------
    learning_rate_ : float
        The base rate set last (the next epoch's).
    scale_ : float
        'plateau' only: the product of its reductions so far.
    monitor_, best_, best_epoch_, wait_
        'plateau' only: the number watched, its best value and epoch, and the
        epochs since.

    See Also
    --------
    sklmlp.MLPClassifierPrimer : ``learning_rate``, ``learning_rate_init``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklmlp import MLPClassifierPrimer
    >>> from sklmlp.callbacks import LRScheduler
    >>> X, y = load_iris(return_X_y=True)
    >>> rates = []
    >>> def record(estimator, info):
    ...     rates.append(info["learning_rate"])
    >>> clf = MLPClassifierPrimer((8,), solver="sgd", learning_rate_init=0.1,
    ...                           max_iter=4, callbacks=[LRScheduler("cosine"), record])
    >>> for _ in range(5):  # one epoch a call: the schedule goes on across calls
    ...     clf = clf.partial_fit(X, y, classes=[0, 1, 2])
    >>> [round(rate, 4) for rate in rates]  # T = max_iter = 4 epochs, then the floor
    [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """

    _parameter_constraints: dict = {
        **MONITOR_CONSTRAINTS,
        "policy": [StrOptions({*SCHEDULES, "plateau"}), callable],
        "n_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "min_learning_rate": [Interval(Real, 0, None, closed="left")],
        "step_size": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, None, closed="left"), None],
        "pct_start": [Interval(Real, 0, 1, closed="neither")],
        "div_factor": [Interval(Real, 0, None, closed="neither")],
        "final_div_factor": [Interval(Real, 0, None, closed="neither")],
        "factor": [Interval(Real, 0, 1, closed="both")],
        "patience": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        policy="cosine",
        *,
        n_epochs=None,
        min_learning_rate=0.0,
        step_size=10,
        gamma=None,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        factor=0.1,
        patience=5,
        monitor=None,
        mode="auto",
        min_delta=0.0,
    ):
        self.policy = policy
        self.n_epochs = n_epochs
        self.min_learning_rate = min_learning_rate
        self.step_size = step_size
        self.gamma = gamma
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.factor = factor
        self.patience = patience
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta

    def _begin(self, estimator, run):
        self._validate_params()
        if estimator.solver == "lbfgs":
            raise ValueError(
                "LRScheduler needs solver='sgd' or 'adam': lbfgs takes no "
                "learning rate (it searches its own step along each direction). "
                "Remove the scheduler from callbacks, or change the solver."
            )
        if self.policy == "plateau" and self._start_monitoring(estimator, run):
            self.scale_ = 1.0
        self._set_rate(estimator)

    def __call__(self, estimator, info):
        """Set the next epoch's rate (after watching this one, for 'plateau')."""
        if self.policy == "plateau" and not self._observe(estimator, info):
            if self.wait_ >= self.patience:
                self.scale_ *= self.factor
                self.wait_ = 0
        self._set_rate(estimator)
        return False

    def _rate(self, epoch, base, max_iter):
        if callable(self.policy):
            return base * float(self.policy(epoch))
        if self.policy == "plateau":
            return max(base * self.scale_, self.min_learning_rate)
        function, names = SCHEDULES[self.policy]
        options = {name: getattr(self, name) for name in names}
        if "n_epochs" in options and options["n_epochs"] is None:
            options["n_epochs"] = max_iter
        if "gamma" in options and options["gamma"] is None:
            options["gamma"] = DEFAULT_GAMMA[self.policy]
        return function(epoch, base, **options)

    def _set_rate(self, estimator):
        rate = self._rate(
            epochs_done(estimator), estimator.learning_rate_init, estimator.max_iter
        )
        self.learning_rate_ = float(rate)
        estimator._optimizer.set_base_learning_rate(self.learning_rate_)
