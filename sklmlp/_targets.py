"""What differs between classification and regression: one targets object per kind.

skglm keeps what depends on the problem (the datafit) in one small object that
the solver only calls; this module does the same for the two estimators. A
targets object encodes the user's ``y`` into the matrix the network trains on
(and decodes it back for the callbacks' scorers), names the core loss, says
how the output layer starts (at the loss's best constant model or not, with
which weights under ``weight_init='auto'``), scores raw network outputs
(early stopping's accuracy or :math:`R^2`), gives the labels a held-out split
is stratified on, and holds the fitted target scaling.

:class:`ClassificationTargets` and :class:`RegressionTargets` are made from
the estimator's parameters by the first ``fit`` (or ``partial_fit``) call,
which fits them on ``y`` (the class labels; ``normalize_y``'s offset and
scale) and publishes their fitted attributes on the estimator (``classes_``
and ``_label_binarizer``; ``y_offset_``, ``y_scale_`` and ``_normalized_y``),
the names models saved by sklmlp 0.1.0 and 0.2.0 carry. Later calls (warm
start, ``partial_fit``, validation data) encode with the fitted object. The
estimator keeps it as ``_targets``, derived state that is not saved: pickle
and skops files hold the published attributes only, as before, and
:meth:`from_fitted` rebuilds the object from them on loading.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._core.losses import (
    LOSSES,
    OUTPUT_ACTIVATIONS,
    log_binary_logistic,
    log_logistic,
    log_softmax,
)

try:  # scikit-learn's private cache of np.unique(y), only a speed-up
    from sklearn.utils._unique import attach_unique
except ImportError:  # pragma: no cover - a scikit-learn without it

    def attach_unique(y):
        """Return ``y`` unchanged."""
        return y


__all__ = ["ClassificationTargets", "RegressionTargets"]


# (loss parameter, multiclass?) -> core loss
_CLASSIFIER_LOSSES = {
    ("log_loss", True): "softmax_log_loss",
    ("log_loss", False): "logistic_log_loss",
    ("hinge", True): "multiclass_hinge",
    ("hinge", False): "binary_hinge",
}
_CLASSIFIER_LOSS_PARAMS = {
    core: param for (param, _), core in _CLASSIFIER_LOSSES.items()
}


@dataclass(frozen=True)
class _LabelKind:
    """How one type of class target maps the network's raw scores back to labels.

    ``labels(binarizer, classes, scores)``: the predicted labels (a positive score is a
    positive label); ``log_proba(scores)``: log-probabilities, computed stably
    from the logits; ``stratify(Y)``: labels to stratify a held-out split on,
    or None; ``correct(scores, Y)``: whether each sample is predicted right.
    """

    labels: Callable
    log_proba: Callable
    stratify: Callable
    correct: Callable


def _argmax_labels(binarizer, classes, scores):
    return classes.take(scores.argmax(axis=1))


def _sign_labels(binarizer, classes, scores):
    # What LabelBinarizer.inverse_transform returns, without its 20 us of
    # checks (a third of a single-row predict).
    return classes[(scores[:, 0] > 0).astype(np.intp)]


def _multilabel_labels(binarizer, classes, scores):
    return binarizer.inverse_transform(scores, threshold=0.0)


def _argmax_correct(scores, Y):
    return scores.argmax(axis=1) == Y.argmax(axis=1)


def _sign_correct(scores, Y):
    return np.all((scores > 0) == (Y > 0.5), axis=1)


def _single_column(Y):
    return Y[:, 0] if Y.shape[1] == 1 else None


# LabelBinarizer's y_type_ -> how its targets and scores are read.
_LABEL_KINDS = {
    # The held-out split is stratified only where scikit-learn's MLP stratifies
    # it, a single output column: a binary target or one label. Its multiclass
    # split is random (its one-hot targets have n_classes columns), and so is
    # this one, so that early stopping holds out the same rows.
    "multiclass": _LabelKind(
        _argmax_labels,
        log_softmax,
        lambda Y: None,
        _argmax_correct,
    ),
    "binary": _LabelKind(
        _sign_labels, log_binary_logistic, _single_column, _sign_correct
    ),
    "multilabel-indicator": _LabelKind(
        _multilabel_labels, log_logistic, _single_column, _sign_correct
    ),
}


class ClassificationTargets:
    """Class labels (binary, multiclass, multilabel) as indicator columns.

    Parameters
    ----------
    loss : {'log_loss', 'hinge'}
        The classifier's ``loss`` parameter.
    class_weight : dict, 'balanced' or None
        The classifier's ``class_weight``: when given, ``fit`` starts the output
        layer at the reweighted class frequencies.
    owner : str
        The estimator's class name, for error messages.
    """

    def __init__(self, loss="log_loss", class_weight=None, owner="classifier"):
        self.loss = loss
        self.class_weight = class_weight
        self.owner = owner
        self.label_binarizer = None

    @classmethod
    def from_fitted(cls, state):
        """Rebuild the fitted object from a fitted classifier's attributes."""
        targets = cls(
            loss=cls.loss_param(state["_network"].loss_kind.name),
            class_weight=state.get("class_weight"),
        )
        targets.label_binarizer = state["_label_binarizer"]
        return targets

    def fitted_attributes(self):
        """Return the estimator's fitted attributes that this object determines."""
        return {
            "_label_binarizer": self.label_binarizer,
            "classes_": self.label_binarizer.classes_,
        }

    # -- encoding -----------------------------------------------------------------

    def encode(self, y, *, dtype, fitting, incremental, classes, warm_start):
        """Check the labels ``y``; return their indicators ``(n_samples, n_outputs)``.

        ``fitting``: the first call, which fits the classes (from ``classes``
        under ``partial_fit``); later calls check ``y`` against them
        (``warm_start``: a warm-started ``fit``, which must see them all).
        Indicators are bool whatever the model's ``dtype``.
        """
        if classes is not None and np.ndim(classes) != 1:
            raise ValueError(
                "classes must be a 1-D array-like of every class label, got "
                f"{classes!r}."
            )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 1 and y.dtype.kind in "biuf":
            # The target checks and the binarizer below each call np.unique(y);
            # computed once and attached to a view of y, they share it (1.4 ms
            # -> 0.5 ms on 20,000 labels). Only for numbers: np.unique of mixed
            # objects raises before scikit-learn's own message can.
            y = attach_unique(y)
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type == "multiclass-multioutput":
            # Caught here, before partial_fit's unique_labels fails on it with
            # a message that prints all of y.
            raise ValueError(
                "Multioutput target data is not supported: y is "
                "multiclass-multioutput (a column with more than two classes). "
                "Use one classifier per output, e.g. "
                "sklearn.multioutput.MultiOutputClassifier."
            )
        multilabel = target_type.startswith("multilabel")
        if fitting:
            binarizer = LabelBinarizer()
            if incremental and not multilabel:
                if classes is None:
                    raise ValueError(
                        "classes must be passed on the first call to partial_fit."
                    )
                binarizer.fit(np.asarray(classes))
                self._check_known_classes(unique_labels(y), binarizer.classes_)
            else:
                binarizer.fit(y)
            if len(binarizer.classes_) < 2 and not multilabel:
                raise ValueError(
                    f"{self.owner} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: "
                    f"{binarizer.classes_[0]!r}."
                )
            self.label_binarizer = binarizer
        else:
            known = self.label_binarizer.classes_
            # A column of labels has passed the target checks above: its classes
            # are np.unique's (unique_labels would check its type twice more,
            # 70 us of a 0.7 ms partial_fit call on 200 rows).
            seen = np.unique(y) if y.ndim == 1 else unique_labels(y)
            if classes is not None and not np.array_equal(
                unique_labels(classes), known
            ):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on the first call "
                    f"to partial_fit, was: {known!r}."
                )
            if warm_start:
                if set(seen) != set(known):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{known}, `y` has {seen}"
                    )
            else:
                self._check_known_classes(seen, known)
        return self.indicators(y)

    def indicators(self, y):
        """Class indicators of ``y`` as bool: what ``LabelBinarizer.transform`` gives.

        Indicators are kept as bool, as scikit-learn does: the network casts each
        batch to the model's dtype, and the full set costs 1 byte a cell. For a
        column of labels the codes come from one ``searchsorted`` on the sorted
        classes, several times faster than the binarizer's sparse detour (1.2 ms
        -> 0.2 ms on 20,000 labels); anything else goes through the binarizer.
        """
        binarizer = self.label_binarizer
        classes = binarizer.classes_
        if binarizer.y_type_ in ("binary", "multiclass") and y.ndim == 1:
            codes = np.searchsorted(classes, y)
            np.minimum(codes, len(classes) - 1, out=codes)
            if np.array_equal(classes[codes], y):  # every label is a known class
                if binarizer.y_type_ == "binary":
                    return (codes == 1)[:, None]
                return codes[:, None] == np.arange(len(classes))
        return binarizer.transform(y).astype(bool)

    @staticmethod
    def _check_known_classes(seen, known):
        unknown = np.setdiff1d(seen, known)
        if len(unknown):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{known}. 'y' has {seen}."
            )

    def scale(self, Y, sample_weight, *, fitting):
        """Return the encoded targets on the network's scale: indicators as they are."""
        return Y

    def decode(self, Y):
        """Map indicators back to the user's labels (for the callbacks' scorers)."""
        # The labels predict() gives for scores of +1 where an indicator is
        # set and -1 where it is not.
        return self.labels(2.0 * Y - 1.0)

    # -- the network's start --------------------------------------------------

    def _kind(self):
        return _LABEL_KINDS[self.label_binarizer.y_type_]

    def loss_name(self):
        """Return the core loss for the fitted target type."""
        multiclass = self.label_binarizer.y_type_ == "multiclass"
        return _CLASSIFIER_LOSSES[self.loss, multiclass]

    @staticmethod
    def loss_param(core_loss):
        """Return the ``loss`` parameter that builds the core loss ``core_loss``."""
        return _CLASSIFIER_LOSS_PARAMS[core_loss]

    def starts_at_baseline(self, incremental):
        """Whether the output bias starts at the loss's best constant model."""
        # class_weight reweights the classes on purpose, often by orders of
        # magnitude: the output layer starts at the reweighted class
        # frequencies (the best constant model) instead of spending its first
        # epochs learning them. Without it the biases are scikit-learn's draws,
        # so the path stays scikit-learn's. Not for partial_fit: its first
        # chunk may miss classes (that is what `classes=` is for), and a
        # class without rows would start at log(eps) = -36, out of reach.
        return self.class_weight is not None and not incremental

    def auto_output_init(self, solver):
        """Return the output layer's scheme under 'auto' (None: as the hidden ones)."""
        return None

    def built_options(self):
        """Target options a warm start must not change, beyond the loss."""
        return {}

    # -- reading raw scores ---------------------------------------------------

    def score(self, scores, Y, sample_weight):
        """Accuracy of raw network scores against indicators."""
        correct = self._kind().correct(scores, Y)
        return float(np.average(correct, weights=sample_weight))

    def stratify(self, Y):
        """Labels to stratify the validation split on (None: do not stratify)."""
        return self._kind().stratify(Y)

    def labels(self, scores, classes=None):
        """Predicted labels of raw scores (a positive score is a positive label).

        ``classes``: the labels to name (binary, multiclass), by default the
        fitted ones; ``predict`` passes the estimator's ``classes_``, which a
        user may have replaced since.
        """
        binarizer = self.label_binarizer
        if classes is None:
            classes = binarizer.classes_
        return self._kind().labels(binarizer, classes, scores)

    def log_proba(self, scores):
        """Log-probabilities of the logits, computed stably."""
        return self._kind().log_proba(scores)


class RegressionTargets:
    """Real-valued targets, standardized under ``normalize_y``.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}
        The regressor's ``loss`` parameter (its core loss of the same name).
    normalize_y : bool
        ``normalize_y`` resolved: fit an offset and scale per output (under
        'squared_error'), start the output layer at the best constant model.
    """

    def __init__(self, loss="squared_error", normalize_y=False):
        self.loss = loss
        self.normalize_y = bool(normalize_y)
        self.y_offset = self.y_scale = None

    @classmethod
    def from_fitted(cls, state):
        """Rebuild the fitted object from a fitted regressor's attributes."""
        targets = cls(
            loss=state["_network"].loss_kind.name, normalize_y=state["_normalized_y"]
        )
        targets.y_offset = state["y_offset_"]
        targets.y_scale = state["y_scale_"]
        return targets

    def fitted_attributes(self):
        """Return the estimator's fitted attributes that this object determines."""
        return {
            "_normalized_y": self.normalize_y,
            "y_offset_": self.y_offset,
            "y_scale_": self.y_scale,
        }

    def encode(self, y, *, dtype, fitting, incremental, classes, warm_start):
        """Check the real targets ``y``; return them as ``(n_samples, n_outputs)``.

        In the model's ``dtype``; the other arguments are the classifier's.
        """
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for Poisson "
                "regression (loss='poisson' needs y >= 0)."
            )
        # y is finite (validated); in a float32 model it may still overflow.
        with np.errstate(over="ignore"):
            Y = np.asarray(y, dtype=dtype)
        if not np.isfinite(Y).all():
            raise ValueError(
                f"y has values too large for the model's {np.dtype(dtype)} "
                f"arithmetic (largest magnitude {np.max(np.abs(y)):.3g}, limit "
                f"{np.finfo(dtype).max:.3g}). Scale the targets, or train in "
                "float64 (pass X as float64)."
            )
        return Y.reshape(-1, 1) if Y.ndim == 1 else Y

    def scale(self, Y, sample_weight, *, fitting):
        """Map targets to the scale the network trains on (fitted by the first call).

        The scaling is fixed by the first fit (or first partial_fit chunk);
        warm starts and later chunks train on the same scale.
        """
        if fitting:
            self.y_offset = self.y_scale = None
            scaling = LOSSES[self.loss].target_scaling
            if self.normalize_y and scaling is not None:
                offset, scale = scaling(Y, sample_weight)
                self.y_offset = offset.astype(Y.dtype)
                self.y_scale = scale.astype(Y.dtype)
        if self.y_scale is None:
            return Y
        return (Y - self.y_offset) / self.y_scale

    def decode(self, Y):
        """Map targets on the network's scale back to the user's (for scorers)."""
        if self.y_scale is not None:
            Y = Y * self.y_scale + self.y_offset
        return Y.ravel() if Y.shape[1] == 1 else Y

    # -- the network's start --------------------------------------------------

    def loss_name(self):
        """Return the core loss: the ``loss`` parameter's name."""
        return self.loss

    @staticmethod
    def loss_param(core_loss):
        """Return the ``loss`` parameter that builds the core loss ``core_loss``."""
        return core_loss

    def starts_at_baseline(self, incremental):
        """Whether the output bias starts at the loss's best constant model."""
        # Poisson's answer to the targets' scale (log link): the output bias
        # starts at the log of the mean target, the intercept-only model.
        # normalize_y=False keeps scikit-learn's random start.
        return self.normalize_y

    def auto_output_init(self, solver):
        """Return the output layer's scheme under 'auto' (None: as the hidden ones)."""
        # On rescaled targets, Adam starts from the best constant model: zero
        # output weights and bias predict the mean target (its step leaves
        # zero at full speed whatever the gradient's size). Measured on 6
        # regression families it never lost to Glorot's random output layer
        # and gained up to 0.06 R^2 (benchmarks/bench_defaults.py); with plain
        # SGD, whose steps scale with the gradient, the hidden layers would
        # wait for the output weights to grow, and it lost.
        if self.normalize_y and solver == "adam":
            return "zeros"
        return None

    def built_options(self):
        """Target options a warm start must not change, beyond the loss."""
        return {"normalize_y": self.normalize_y}

    # -- reading raw scores ---------------------------------------------------

    def score(self, scores, Y, sample_weight):
        """:math:`R^2` of raw network scores against targets on the network's scale."""
        # Targets and predictions on the network's scale: R^2 is the same as
        # on the original scale (an affine map of both, per output).
        predictions = OUTPUT_ACTIVATIONS[LOSSES[self.loss].output](scores)
        if not np.isfinite(predictions).all():
            return np.nan
        return float(r2_score(Y, predictions, sample_weight=sample_weight))

    def stratify(self, Y):
        """Labels to stratify the validation split on: none for real targets."""
        return None
