"""What a model saved by an earlier sklmlp lacks, filled in: every upgrade in one place.

Pickle and skops files hold an estimator's ``__dict__`` (its parameters and
fitted attributes) with the version stamp ``_sklmlp_version``.
``FittedNetworkMixin.__setstate__`` (:mod:`sklmlp._fitted`) warns when the
stamp is another version's and hands the state to :func:`upgrade_state`,
which fills in what that version did not keep, with the values that make the
model predict and train on as it did. The per-epoch records of sklmlp 0.1 and
0.2 (lists) become ``history_`` (:func:`history_from_records`), whatever the
stamp. The core's objects upgrade themselves as they unpickle
(``Network.__setstate__``, ``Optimizer.__setstate__``): the core knows
nothing of the estimators.
"""

import inspect

__all__ = ["history_from_records", "upgrade_state"]


def upgrade_state(state, estimator_type, *, other_version):
    """Fill in what a saved estimator's state lacks, in place.

    Parameters
    ----------
    state : dict
        The saved ``__dict__``, without its version stamp.
    estimator_type : type
        The estimator's class (its parameters and their defaults).
    other_version : bool
        Whether another sklmlp version saved it.
    """
    if other_version:
        parameters = inspect.signature(estimator_type.__init__).parameters
        if "coefs_" in state:
            _fill_fitted(state, parameters)
        # Parameters added since: their defaults, unless the lines above know
        # better what the saved model did.
        for name, param in parameters.items():
            if param.default is not inspect.Parameter.empty:
                state.setdefault(name, param.default)
    if "loss_curve_" in state and "history_" not in state:
        # sklmlp 0.1 and 0.2 kept the per-epoch records as lists.
        history_from_records(state)


def _fill_fitted(state, parameters):
    """Fill in the fitted attributes of features the saved model predates."""
    if "normalize_y" in parameters and "_normalized_y" not in state:
        # A regressor saved before normalize_y trained on its targets as given.
        state.setdefault("normalize_y", False)
        state.update(_normalized_y=False, y_offset_=None, y_scale_=None)
    # Models saved before input scaling took their inputs as given.
    state.setdefault("input_scaling", None)
    state.setdefault("_input_scaling", None)
    state.setdefault("input_center_", None)
    state.setdefault("input_scale_", None)
    n_hidden = len(state["coefs_"]) - 1
    for name in ("scale", "shift", "mean", "var"):
        state.setdefault(f"batch_norm_{name}_", [None] * n_hidden)


def history_from_records(state):
    """Turn the records of a model saved by sklmlp 0.1 or 0.2 into ``history_``.

    Those versions kept ``loss_curve_``, ``validation_scores_``,
    ``validation_loss_curve_`` and ``epoch_scores_`` as lists; each list is
    the tail of the epochs of ``loss_curve_`` (the held-out records may reach
    back beyond it, past an lbfgs fit that started the curve again).

    Parameters
    ----------
    state : dict
        The saved ``__dict__``, changed in place.
    """
    curve = state.pop("loss_curve_")
    scores = state.pop("epoch_scores_", None) or {}
    validation = state.pop("validation_scores_", None)
    validation_loss = state.pop("validation_loss_curve_", None)
    n_before = 0 if validation is None else max(len(validation) - len(curve), 0)
    history = [{} for _ in range(n_before)]
    history += [{"epoch": i + 1, "loss": loss} for i, loss in enumerate(curve)]
    state["_curve_start"] = n_before
    state["_validation_start"] = None
    if validation is not None:
        start = len(history) - len(validation)
        state["_validation_start"] = start
        for entry, score in zip(history[start:], validation):
            entry["validation_score"] = score
        for entry, loss in zip(history[start:], validation_loss or []):
            entry["validation_loss"] = loss
    for name, values in scores.items():
        for entry, value in zip(history[len(history) - len(values) :], values):
            entry[name] = value
    state["_score_names"] = list(scores)
    state["history_"] = history
