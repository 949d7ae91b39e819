"""scikit-learn's callback API (:mod:`sklearn.callback`, scikit-learn >= 1.9).

Where the installed scikit-learn has :mod:`sklearn.callback`, both estimators
inherit its ``CallbackSupportMixin`` (:data:`CALLBACK_MIXINS`): they get
``set_callbacks``, and scikit-learn's meta-estimators (``Pipeline``,
``GridSearchCV`` ...) propagate their callbacks into them. Where it has not
(scikit-learn 1.6 to 1.8), :data:`CALLBACK_MIXINS` is empty, the estimators have
no ``set_callbacks``, and nothing here is ever called.

A fit is one task, each epoch of 'sgd' and 'adam' (each iteration of 'lbfgs')
one of its subtasks. The training loop drives a :class:`FitTasks`, which
:func:`start_fit_task` returns only when a scikit-learn callback is set: a fit
without one creates no context and calls nothing (the loop's ``tasks`` is
None). The hooks get the data the epochs train on (``X``, the targets as the
user gave them, ``metadata={"sample_weight": ...}`` when there are weights)
and, when a callback's hook asks for it, a ``fitted_estimator``: a copy of the
estimator that predicts as the model stood at that point, built from copies of
the weights so that it does not change as training goes on.
"""

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9: no callback API
    CallbackSupportMixin = None

__all__ = [
    "CALLBACK_KEYS",
    "CALLBACK_MIXINS",
    "FIT_CONTEXT_KEYS",
    "FitTasks",
    "start_fit_task",
]

#: The base classes that give the estimators ``set_callbacks`` (none before 1.9).
CALLBACK_MIXINS = () if CallbackSupportMixin is None else (CallbackSupportMixin,)

#: What ``_init_callback_context`` sets on the estimator for the duration of a
#: fit, and scikit-learn's fit wrapper removes after tearing the callbacks down:
#: a failed fit that restores the estimator's state must keep them.
FIT_CONTEXT_KEYS = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")

#: Every attribute scikit-learn's callback API sets on an estimator: what a
#: model saved without its callbacks leaves out.
CALLBACK_KEYS = ("_skl_callbacks", "_parent_callback_ctx", *FIT_CONTEXT_KEYS)


def start_fit_task(estimator, *, task_name, max_subtasks, X, y, sample_weight):
    """Open the fit's root task when scikit-learn callbacks are set.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        The estimator about to train.
    task_name : {'fit', 'partial_fit'}
        The root task's name.
    max_subtasks : int
        The most epochs (lbfgs: iterations) this call may run.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The data the epochs train on.
    y : ndarray
        Its targets, as the user gave them.
    sample_weight : ndarray of shape (n_samples,) or None
        Its weights.

    Returns
    -------
    FitTasks or None
        None when no scikit-learn callback is set (always before 1.9).
    """
    if not getattr(estimator, "_skl_callbacks", None):
        return None
    context = estimator._init_callback_context(
        task_name=task_name, max_subtasks=max_subtasks
    )
    tasks = FitTasks(estimator, context, X, y, sample_weight)
    context.call_on_fit_task_begin(
        estimator=estimator, X=X, y=y, metadata=tasks.metadata
    )
    return tasks


class FitTasks:
    """The subtasks of one fit: an epoch (an lbfgs iteration) each.

    Parameters
    ----------
    estimator : BaseMLPPrimer
        The estimator in training.
    context : sklearn.callback.CallbackContext
        The fit's root context.
    X, y, sample_weight
        The data the epochs train on, the targets as the user gave them.
    """

    def __init__(self, estimator, context, X, y, sample_weight):
        self.estimator = estimator
        self.context = context
        self.X = X
        self.y = y
        self.metadata = (
            None if sample_weight is None else {"sample_weight": sample_weight}
        )
        self._task = None

    def _call(self, context, hook, params, stats):
        estimator = self.estimator

        def attributes():
            # Evaluated by scikit-learn only for a hook that asks for a
            # fitted_estimator: copies, so that it keeps predicting as now.
            return estimator._reconstruction_attributes(params.copy(), stats.copy())

        return getattr(context, hook)(
            estimator=estimator,
            X=self.X,
            y=self.y,
            metadata=self.metadata,
            reconstruction_attributes=attributes,
        )

    def begin(self, task_name, params, stats):
        """Open the next subtask, the model standing at ``params`` and ``stats``.

        Parameters
        ----------
        task_name : {'epoch', 'iteration'}
            The subtask's name.
        params, stats : ndarray
            The flat weights and batch-normalization statistics before it.
        """
        self._task = self.context.subcontext(task_name=task_name)
        self._call(self._task, "call_on_fit_task_begin", params, stats)

    def end(self, params, stats):
        """Close the open subtask; return True if a callback asks to stop.

        Parameters
        ----------
        params, stats : ndarray
            The flat weights and batch-normalization statistics after it.

        Returns
        -------
        bool
        """
        task, self._task = self._task, None
        return bool(self._call(task, "call_on_fit_task_end", params, stats))

    def finish(self):
        """Close the root task of a fit that succeeded (the estimator as fitted)."""
        self.context.call_on_fit_task_end(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            metadata=self.metadata,
            reconstruction_attributes={},
        )
