"""How an epoch runs and when training stops.

The estimators (:mod:`sklmlp._base`) translate scikit-learn's parameters into
:class:`Settings` and build a :class:`~sklmlp._fit_state.FitState` (network,
parameters, statistics, optimizer, random state, targets, records), then call
:func:`fit_stochastic` or :func:`fit_lbfgs`, which take the state and return
it. Everything that happens between the first epoch and the
last lives here: the epoch loop (:func:`run_epoch`, one pass over the
batches; the optimizers of :mod:`sklmlp._core.optimizers` only step), the
driving of SciPy's L-BFGS-B (:func:`minimize_lbfgs`), the held-out split (or
the validation data given to ``fit``) and its scores, and scikit-learn's
stopping rules (no improvement for ``n_iter_no_change`` epochs, ``max_iter``,
divergence, Ctrl-C). The callbacks are called as
:mod:`sklmlp._callback_protocol` says; scikit-learn's callbacks, when set, get
a task per epoch (:mod:`sklmlp._sklearn_callbacks`).

The loop writes the per-epoch records in the state's
:class:`~sklmlp._fit_state.Records` (``n_iter``, ``t``, ``loss``, the best
loss or score, and ``history``: one dict per epoch, see
:mod:`sklmlp._history`), and has the estimator publish the state as its
attributes (``coefs_``, ``n_iter_``, ``history_``, ...) before the callbacks
look: before the first epoch, after every epoch, and at the end. What
``verbose`` prints, one object prints
(:class:`~sklmlp._history.VerbosePrinter`). What only the estimator knows (how
to publish the state as its attributes, and scikit-learn's callback tasks)
the loop gets as explicit functions, an :class:`EstimatorHooks`; the targets
object of the state scores raw outputs, decodes targets and gives the labels
to stratify the held-out split on.
"""

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._callback_protocol import after_epoch, begin_training, end_training
from ._core.fast import scratch_for
from ._history import VerbosePrinter
from ._holdout import split_validation

__all__ = [
    "EstimatorHooks",
    "Settings",
    "fit_lbfgs",
    "fit_stochastic",
    "minimize_lbfgs",
    "run_epoch",
]


@dataclass(frozen=True)
class Settings:
    """What the training loop reads from the estimator's parameters.

    Parameters
    ----------
    max_iter : int
        Epoch (lbfgs: iteration) budget of a ``fit`` call.
    tol : float
        Improvement below which an epoch counts as no improvement.
    n_iter_no_change : int or float
        Epochs without improvement before the stall rule fires.
    shuffle : bool
        Visit the samples in a fresh random order every epoch.
    verbose : bool
        Print the loss (and the held-out score) after every epoch.
    alpha : float
        L2 strength.
    batch_size : int or 'auto'
        The estimator's parameter; resolved against the data by the loop.
    early_stopping : bool
        Hold ``validation_fraction`` of the data out and score it every epoch.
    validation_fraction : float
        Share of the data held out.
    max_fun : int
        Loss evaluations of lbfgs.
    dropout : list of float or None
        Drop rate per hidden layer.
    input_noise : float
        Standard deviation of the Gaussian input noise.
    batch_norm_momentum : float
        Weight of each batch in batch normalization's running statistics.
    """

    max_iter: int
    tol: float
    n_iter_no_change: float
    shuffle: bool
    verbose: bool
    alpha: float
    batch_size: object
    early_stopping: bool
    validation_fraction: float
    max_fun: int
    dropout: object = None
    input_noise: float = 0.0
    batch_norm_momentum: float = 0.1


@dataclass(frozen=True)
class EstimatorHooks:
    """What the loop needs from the estimator that trains, as functions.

    Parameters
    ----------
    publish : callable
        ``publish(state, records_only=False)``: show the
        :class:`~sklmlp._fit_state.FitState` as the estimator's attributes:
        its records, its optimizer and random state, and its flat vectors as
        per-layer views (``coefs_``, ...); or only its records.
    open_tasks : callable
        ``open_tasks(max_epochs, X, Y, sample_weight)``: scikit-learn's
        callback tasks of this call (:class:`~sklmlp._sklearn_callbacks.FitTasks`),
        or None when no scikit-learn callback is set.
    """

    publish: Callable
    open_tasks: Callable = lambda max_epochs, X, Y, sample_weight: None


def _batch_size(batch_size, n_samples, network):
    """Resolve ``batch_size`` against the data, warning as scikit-learn does."""
    if batch_size == "auto":
        batch_size = min(200, n_samples)
    else:
        if batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped"
            )
        batch_size = int(np.clip(batch_size, 1, n_samples))
    if batch_size == 1 and n_samples > 1 and network.n_stats:
        warnings.warn(
            "batch_norm with batch_size=1: a batch of one row cannot be "
            "normalized by its own statistics, so every batch is normalized with "
            "the running statistics, which then never change. Use batches of "
            "at least 2 rows."
        )
    return batch_size


# -- the stopping rules --------------------------------------------------------------


def _score_validation(state, params, stats, validation, info):
    """Record the validation score and loss of the model at ``params`` in ``info``."""
    X_val, Y_val, sw_val = validation
    network = state.network
    # Batch normalization as at predict time: the running statistics.
    scores = network.forward(*network.unpack(params, stats), X_val)
    score = state.targets.score(scores, Y_val, sw_val)
    # The loss from the same forward pass as the score, not a second one.
    info["validation_score"] = score
    info["validation_loss"] = network.data_loss(scores, Y_val, sw_val)
    return score


def _track_validation(records, score, settings):
    """Count an epoch without improvement of the score; return True at a new best."""
    if score < records.best_validation_score + settings.tol:
        records.no_improvement_count += 1
    else:
        records.no_improvement_count = 0
    if score > records.best_validation_score:
        records.best_validation_score = score
        return True
    return False


def _track_training_loss(records, loss, settings):
    if loss > records.best_loss - settings.tol:
        records.no_improvement_count += 1
    else:
        records.no_improvement_count = 0
    if loss < records.best_loss:
        records.best_loss = loss


def _stalled(records, optimizer, settings, printer):
    """scikit-learn's stall rule: True when training stops for lack of progress.

    After ``n_iter_no_change`` epochs without an improvement of ``tol`` the
    optimizer decides: stop, or (SGD's 'adaptive' schedule) divide its rate by 5
    and go on.
    """
    if records.no_improvement_count <= settings.n_iter_no_change:
        return False
    what = "Validation score" if settings.early_stopping else "Training loss"
    msg = (
        f"{what} did not improve more than tol={settings.tol:f} for "
        f"{settings.n_iter_no_change} consecutive epochs."
    )
    stop, message = optimizer.trigger_stopping(msg)
    if printer is not None:
        printer.note(message)
    if not stop:
        records.no_improvement_count = 0
    return stop


def _check_finite(epoch, loss, params):
    if not (np.isfinite(loss) and np.isfinite(params).all()):
        # The last batch's update can overflow the weights while the loss
        # (measured before it) is still finite: say which one blew up.
        what = (
            f"the loss became {loss}"
            if not np.isfinite(loss)
            else f"the weights became non-finite (loss {loss})"
        )
        raise ValueError(
            f"Training diverged at epoch {epoch}: {what}. "
            "Lower learning_rate_init, scale the inputs (e.g. with "
            "StandardScaler) or increase alpha. The estimator was left "
            "as it was before this call."
        )


# -- one epoch, and L-BFGS ----------------------------------------------------------


def _batches(X, Y, sample_weight, batch_size, order, joined):
    """Yield an epoch's batches ``(X_batch, Y_batch, sample_weight_batch)``.

    ``order``: the order to visit the rows in, or None (as stored). ``joined``:
    a last, smaller batch joins the batch before (batch normalization, whose
    statistics a batch of a few rows would estimate with noise: 3 rows of
    1,347 in batches of 64 cost an 8-layer net 20 points of accuracy).

    Shuffled batches are gathered into two buffers made once per epoch, not
    allocated per batch (why: :func:`~sklmlp._core.fast.add_scaled`). A batch
    is valid until the next one is yielded.
    """
    n_samples = X.shape[0]
    starts = list(range(0, n_samples, batch_size))
    if joined and len(starts) > 1 and n_samples % batch_size:
        starts.pop()
    stops = [*starts[1:], n_samples]
    dense = not sp.issparse(X)
    if order is not None:
        longest = max(stop - start for start, stop in zip(starts, stops))
        Y_buffer = np.empty((longest, *Y.shape[1:]), dtype=Y.dtype)
        X_buffer = np.empty((longest, X.shape[1]), dtype=X.dtype) if dense else None
    for start, stop in zip(starts, stops):
        if order is None:
            rows = slice(start, stop)
            X_batch, Y_batch = X[rows], Y[rows]
        else:
            rows = order[start:stop]
            # take() gathers rows several times faster than X[rows];
            # mode='clip' (the rows are valid) writes into the buffer
            # directly, where 'raise' copies through a temporary.
            n_rows = stop - start
            if dense:
                X_batch = X.take(rows, axis=0, out=X_buffer[:n_rows], mode="clip")
            else:
                X_batch = X[rows]
            Y_batch = Y.take(rows, axis=0, out=Y_buffer[:n_rows], mode="clip")
        yield X_batch, Y_batch, None if sample_weight is None else sample_weight[rows]


def run_epoch(
    network,
    params,
    optimizer,
    X,
    Y,
    sample_weight,
    batch_size,
    rng,
    *,
    order=None,
    alpha=0.0,
    dropout=None,
    input_noise=0.0,
    stats=None,
    momentum=None,
):
    """One pass over the data in mini-batches; return the mean batch objective.

    Parameters
    ----------
    network : Network
        The network.
    params : ndarray of shape (n_params,)
        Flat parameters, updated in place.
    optimizer : SGD or Adam
        Holds the update rule and its state.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training input.
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Per-sample weights.
    batch_size : int
        Samples per batch. The last batch may be smaller, except for a network
        with batch normalization: there the remainder joins the batch before.
    rng : numpy.random.RandomState
        Draws dropout masks and input noise.
    order : ndarray of shape (n_samples,), default=None
        The order to visit the samples in; None visits them as stored.
    alpha : float, default=0.0
        L2 strength.
    dropout : sequence of float, default=None
        Drop probability per hidden layer.
    input_noise : float, default=0.0
        Standard deviation of Gaussian input noise.
    stats : ndarray of shape (n_stats,), default=None
        Running statistics of batch normalization, updated in place.
    momentum : float, default=None
        Weight of each batch in the running statistics.

    Returns
    -------
    float
        Sum over batches of the batch objective times the batch size, divided by
        the number of samples (scikit-learn's ``loss_``).
    """
    grad = np.empty_like(params)
    # The optimizers update params and grad in place, so their per-layer views
    # stay valid for the whole epoch: unpack them once, not once per batch.
    views, grad_views = network.unpack(params, stats), network.unpack(grad)
    # The weight decay and the optimizer share one scratch buffer (see
    # fast.add_scaled: nothing the size of a batch is allocated per batch).
    scratch = scratch_for(params.shape[0], params.dtype)
    total = 0.0
    # A diverging run overflows on its way to inf; the caller checks the
    # returned loss and reports the divergence, so the warnings add nothing.
    with np.errstate(over="ignore", invalid="ignore"):
        for X_batch, Y_batch, sw in _batches(
            X, Y, sample_weight, batch_size, order, joined=bool(network.n_stats)
        ):
            value, _ = network.loss_and_grad(
                params,
                X_batch,
                Y_batch,
                sw,
                alpha,
                out=grad,
                rng=rng,
                dropout=dropout,
                input_noise=input_noise,
                momentum=momentum,
                views=views,
                grad_views=grad_views,
                scratch=scratch,
            )
            if not math.isfinite(value):
                return value
            total += value * X_batch.shape[0]
            optimizer.update(params, grad, scratch=scratch)
    return total / X.shape[0]


def minimize_lbfgs(
    network,
    params,
    X,
    Y,
    sample_weight,
    *,
    alpha,
    max_iter,
    max_fun,
    tol,
    callback=None,
):
    """Minimize the full-batch objective with SciPy's L-BFGS-B.

    Parameters
    ----------
    network : Network
        The network.
    params : ndarray of shape (n_params,)
        Starting point (not modified).
    X, Y, sample_weight
        Training data, as in :meth:`Network.loss_and_grad`.
    alpha : float
        L2 strength.
    max_iter, max_fun : int
        Iteration and function-evaluation budgets.
    tol : float
        Projected-gradient tolerance (``gtol``).
    callback : callable, default=None
        Called after each iteration with SciPy's ``intermediate_result``.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` is float64; the caller casts it back.
    """
    grad = np.empty_like(params)

    def fun(x):
        # SciPy works in float64; the network keeps its own dtype. The line
        # search may probe a point where the loss overflows: it backs off from
        # an infinite value by itself, so the overflow warnings add nothing.
        with np.errstate(over="ignore", invalid="ignore"):
            value, g = network.loss_and_grad(
                x.astype(network.dtype, copy=False),
                X,
                Y,
                sample_weight,
                alpha,
                out=grad,
            )
        return value, g.astype(np.float64)

    try:
        return scipy.optimize.minimize(
            fun,
            params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
            callback=callback,
        )
    finally:
        # The full-batch buffers are as large as the activations of the whole
        # training set; do not keep them in the fitted model.
        network.clear_workspaces()


# -- the stochastic solvers --------------------------------------------------------


def fit_stochastic(
    estimator,
    hooks,
    state,
    train,
    settings,
    callbacks,
    *,
    incremental,
    validation=None,
):
    """Train with SGD or Adam, epoch by epoch, until a stopping rule fires.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        What the callbacks get; ``hooks.publish`` shows the state on it.
    hooks : EstimatorHooks
        What the loop needs from the estimator.
    state : FitState
        The network, its parameters and statistics (updated in place), the
        optimizer, the random state, the targets and the records.
    train : tuple
        ``(X, Y, sample_weight)``: validated input, encoded targets, weights
        or None.
    settings : Settings
        The loop's parameters.
    callbacks : list of callable
        Called after every epoch (see the module docstring).
    incremental : bool
        ``partial_fit``: one epoch, no held-out data.
    validation : tuple or None, default=None
        ``(X_val, Y_val, sample_weight_val)`` given to ``fit``, validated and
        encoded as the training data: scored every epoch instead of a held-out
        fraction, and what early stopping stops on when it is on.

    Returns
    -------
    FitState
        ``state``, its ``params`` and ``stats`` the final ones: the best
        validation epoch's with early stopping.
    """
    if settings.early_stopping and validation is None:
        X, Y, sample_weight = train
        train, validation = split_validation(
            X,
            Y,
            sample_weight,
            settings.validation_fraction,
            labels=state.targets.stratify(Y),
            random_state=state.random_state,
        )
    max_epochs = 1 if incremental else settings.max_iter
    tasks = None
    try:
        begin_training(
            callbacks, estimator, state.targets.decode, max_epochs, train, validation
        )
        tasks = hooks.open_tasks(max_epochs, *train)
        state.params, state.stats = _epochs(
            estimator,
            hooks,
            state,
            train,
            validation,
            settings,
            callbacks,
            incremental,
            tasks,
        )
        hooks.publish(state)
    finally:
        end_training(callbacks, estimator)
    if tasks is not None:
        tasks.finish()
    return state


def _epochs(
    estimator,
    hooks,
    state,
    train,
    validation,
    settings,
    callbacks,
    incremental,
    tasks,
):
    """Run the epoch loop; return the final weights and statistics."""
    network, params, stats = state.network, state.params, state.stats
    optimizer, rng, records = state.optimizer, state.random_state, state.records
    X, Y, sample_weight = train
    early_stopping = settings.early_stopping
    best = (params.copy(), stats.copy()) if early_stopping else None
    n_samples = X.shape[0]
    batch_size = _batch_size(settings.batch_size, n_samples, network)
    printer = VerbosePrinter() if settings.verbose else None

    # The visiting order is re-permuted every epoch, as scikit-learn does.
    order = np.arange(n_samples) if settings.shuffle else None
    records.n_iter = 0
    hooks.publish(state, records_only=True)
    try:
        for _ in range(settings.max_iter):
            started = time.perf_counter()
            if tasks is not None:
                tasks.begin("epoch", params, stats)
            if settings.shuffle:
                order = order[rng.permutation(n_samples)]
            loss = run_epoch(
                network,
                params,
                optimizer,
                X,
                Y,
                sample_weight,
                batch_size,
                rng,
                order=order,
                alpha=settings.alpha,
                dropout=settings.dropout,
                input_noise=settings.input_noise,
                stats=stats,
                momentum=settings.batch_norm_momentum,
            )
            info, improved, stop = _close_epoch(
                estimator, state, loss, n_samples, validation, settings, printer
            )
            if improved:
                best = (params.copy(), stats.copy())
            hooks.publish(state)
            asked = after_epoch(callbacks, estimator, info)
            if tasks is not None and tasks.end(params, stats):
                asked = True
            if asked and not stop:
                stop = True
                if printer is not None:
                    printer.note("A callback asked to stop training.")
            info["time"] = time.perf_counter() - started
            if stop or incremental:
                break
            if records.n_iter == settings.max_iter:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        # As scikit-learn: Ctrl-C ends training and keeps the weights so
        # far (a model that is still finite; otherwise the fit fails).
        warnings.warn("Training interrupted by user.")
        if not np.isfinite(params).all():
            raise
    return best if early_stopping else (params, stats)


def _close_epoch(estimator, state, loss, n_samples, validation, settings, printer):
    """Record the epoch that ran, score it, and apply the stall rule.

    Returns
    -------
    info : dict
        The epoch's entry of the history.
    improved : bool
        Whether the held-out score is the best so far (early stopping).
    stop : bool
        Whether the stall rule ends training.
    """
    records, optimizer = state.records, state.optimizer
    records.n_iter += 1
    _check_finite(records.n_iter, loss, state.params)
    records.loss = float(loss)
    records.t += n_samples
    info = {"epoch": records.n_iter, "loss": records.loss}
    records.history.append(info)
    if validation is not None:
        score = _score_validation(state, state.params, state.stats, validation, info)
    improved = False
    if settings.early_stopping:
        improved = _track_validation(records, score, settings)
    else:
        _track_training_loss(records, records.loss, settings)
    if printer is not None:
        printer(estimator, info)
    info["learning_rate"] = optimizer.learning_rate

    optimizer.iteration_ends(records.t)
    stop = _stalled(records, optimizer, settings, printer)
    return info, improved, stop


# -- lbfgs --------------------------------------------------------------------------


def fit_lbfgs(
    estimator,
    hooks,
    state,
    train,
    settings,
    callbacks,
    validation=None,
):
    """Train with SciPy's L-BFGS-B; callbacks see every iteration.

    The objective normalizes batch-normalized layers with the statistics of the
    whole training set; the running statistics end as those of the solution.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        What the callbacks get; ``hooks.publish`` shows the state on it.
    hooks : EstimatorHooks
        What the loop needs from the estimator (with callbacks, the state of
        every iteration is published).
    state : FitState
        The network, the starting point (``params``), the running statistics
        (overwritten), the targets and the records.
    train : tuple
        ``(X, Y, sample_weight)``: the training data.
    settings : Settings
        The loop's parameters.
    callbacks : list of callable
        Called after every iteration (see the module docstring).
    validation : tuple or None, default=None
        ``(X_val, Y_val, sample_weight_val)`` given to ``fit``: its score and
        loss are recorded every iteration (lbfgs does not stop early).

    Returns
    -------
    FitState
        ``state``, its ``params`` the solution in the network's dtype and its
        ``stats`` the solution's statistics.
    """
    recorder = _IterationRecorder(
        estimator, hooks, state, train, settings, callbacks, validation
    )
    try:
        begin_training(
            callbacks,
            estimator,
            state.targets.decode,
            settings.max_iter,
            train,
            validation,
        )
        recorder.tasks = hooks.open_tasks(settings.max_iter, *train)
        result = minimize_lbfgs(
            state.network,
            state.params,
            *train,
            alpha=settings.alpha,
            max_iter=settings.max_iter,
            max_fun=settings.max_fun,
            tol=settings.tol,
            callback=recorder,
        )
        _take_solution(state, result, train, settings, recorder.stopped)
        hooks.publish(state)
    finally:
        end_training(callbacks, estimator)
    if recorder.tasks is not None:
        recorder.tasks.finish()
    return state


class _IterationRecorder:
    """SciPy's per-iteration callback: the records, the callbacks, the tasks.

    Each iteration appends its entry to the history; with callbacks, tasks or
    validation data the state moves to the iterate (and its statistics) and
    is published, so that they see the model as after an epoch of sgd.
    """

    def __init__(self, estimator, hooks, state, train, settings, callbacks, validation):
        self.estimator = estimator
        self.hooks = hooks
        self.state = state
        self.train = train
        self.callbacks = callbacks
        self.validation = validation
        self.printer = VerbosePrinter() if settings.verbose else None
        self.start = state.records.curve_start
        self.clock = time.perf_counter()
        self.tasks = None
        self.stopped = False
        # The iterate before the current one, for scikit-learn's task-begin hooks.
        self.previous = (state.params, state.stats.copy())

    def __call__(self, intermediate_result):
        records = self.state.records
        info = {
            "epoch": len(records.history) - self.start + 1,
            "loss": float(intermediate_result.fun),
        }
        records.history.append(info)
        try:
            if self.callbacks or self.tasks is not None or self.validation is not None:
                self._show(intermediate_result.x, info)
            if self.printer is not None:
                self.printer(self.estimator, info)
            asked = bool(self.callbacks) and after_epoch(
                self.callbacks, self.estimator, info
            )
            if self.tasks is not None:
                # SciPy reports an iteration once it has ended: its task
                # begins (at the iterate before) and ends here.
                state = self.state
                self.tasks.begin("iteration", *self.previous)
                asked = self.tasks.end(state.params, state.stats) or asked
                self.previous = (state.params, state.stats.copy())
            if asked:
                self.stopped = True
                # SciPy (>= 1.11) ends the minimization on StopIteration.
                raise StopIteration
        finally:
            now = time.perf_counter()
            info["time"], self.clock = now - self.clock, now

    def _show(self, x, info):
        """Move the state to the iterate ``x``, score it, and publish it."""
        state = self.state
        X, _, sample_weight = self.train
        # Callbacks see the current iterate, as after an epoch of sgd, with
        # the statistics it normalizes the training set with.
        state.params = x.astype(state.network.dtype)
        state.network.update_stats(state.params, state.stats, X, sample_weight)
        state.records.n_iter = info["epoch"]
        if self.validation is not None:
            _score_validation(state, state.params, state.stats, self.validation, info)
        self.hooks.publish(state)


def _take_solution(state, result, train, settings, stopped_by_callback):
    """Check SciPy's result and make it the state's model."""
    params = result.x.astype(state.network.dtype)
    if not (np.isfinite(result.fun) and np.isfinite(params).all()):
        raise ValueError(
            "lbfgs diverged: the loss or the weights became non-finite. Scale "
            "the inputs (e.g. with StandardScaler) or increase alpha. The "
            "estimator was left as it was before this call."
        )
    if result.status != 0 and not stopped_by_callback:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"(status={result.status}): {result.message}. Increase max_iter "
            "or max_fun, or scale the data.",
            ConvergenceWarning,
        )
    records = state.records
    records.n_iter = min(int(result.nit), settings.max_iter)
    records.loss = float(result.fun)
    # L-BFGS-B never accepts a worse iterate: its last loss is its best.
    best = records.best_loss
    records.best_loss = records.loss if best is None else min(best, records.loss)
    X, _, sample_weight = train
    state.params = params
    state.network.update_stats(params, state.stats, X, sample_weight)
