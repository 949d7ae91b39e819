"""The public classifier, whole: parameters, documentation, labels, predictions.

:class:`MLPClassifierPrimer` declares its parameters (constructor, constraint
table, docstring), encodes class labels (binary, multiclass, multilabel) as
indicators, picks the core loss, scores raw outputs for early stopping and
turns outputs back into labels and probabilities. Fitting is shared with the
regressor (:mod:`sklmlp._base`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import check_array, column_or_1d

from ._base import BaseMLPPrimer
from ._core.losses import log_binary_logistic, log_logistic, log_softmax
from ._docstrings import with_shared_docs

try:  # scikit-learn's private cache of np.unique(y), only a speed-up
    from sklearn.utils._unique import attach_unique
except ImportError:  # pragma: no cover - a scikit-learn without it

    def attach_unique(y):
        """Return ``y`` unchanged."""
        return y


# (loss parameter, multiclass?) -> core loss
_CLASSIFIER_LOSSES = {
    ("log_loss", True): "softmax_log_loss",
    ("log_loss", False): "logistic_log_loss",
    ("hinge", True): "multiclass_hinge",
    ("hinge", False): "binary_hinge",
}


@dataclass(frozen=True)
class _TargetKind:
    """How one type of target maps the network's raw scores back to labels.

    ``labels(estimator, scores)``: the predicted labels (a positive score is a
    positive label); ``log_proba(scores)``: log-probabilities, computed stably
    from the logits; ``stratify(Y)``: labels to stratify a held-out split on,
    or None; ``correct(scores, Y)``: whether each sample is predicted right.
    """

    labels: Callable
    log_proba: Callable
    stratify: Callable
    correct: Callable


def _argmax_labels(estimator, scores):
    return estimator.classes_.take(scores.argmax(axis=1))


def _sign_labels(estimator, scores):
    # What LabelBinarizer.inverse_transform returns, without its 20 us of
    # checks (a third of a single-row predict).
    return estimator.classes_[(scores[:, 0] > 0).astype(np.intp)]


def _multilabel_labels(estimator, scores):
    return estimator._label_binarizer.inverse_transform(scores, threshold=0.0)


def _argmax_correct(scores, Y):
    return scores.argmax(axis=1) == Y.argmax(axis=1)


def _sign_correct(scores, Y):
    return np.all((scores > 0) == (Y > 0.5), axis=1)


def _single_column(Y):
    return Y[:, 0] if Y.shape[1] == 1 else None


# LabelBinarizer's y_type_ -> how its targets and scores are read.
_TARGET_KINDS = {
    # The held-out split is stratified only where scikit-learn's MLP stratifies
    # it, a single output column: a binary target or one label. Its multiclass
    # split is random (its one-hot targets have n_classes columns), and so is
    # this one, so that early stopping holds out the same rows.
    "multiclass": _TargetKind(
        _argmax_labels,
        log_softmax,
        lambda Y: None,
        _argmax_correct,
    ),
    "binary": _TargetKind(
        _sign_labels, log_binary_logistic, _single_column, _sign_correct
    ),
    "multilabel-indicator": _TargetKind(
        _multilabel_labels, log_logistic, _single_column, _sign_correct
    ),
}


@with_shared_docs
class MLPClassifierPrimer(ClassifierMixin, BaseMLPPrimer):
    """Multilayer perceptron classifier on a vectorized NumPy core.

    A drop-in for scikit-learn's ``MLPClassifier`` (same parameters and
    attributes) with per-layer activations, weight-initialization heuristics, a
    multiclass SVM loss, class weights, dropout, input noise, callbacks and
    hidden-layer diagnostics. Its defaults (``defaults='tabular'``) are made for
    raw tables: the inputs are standardized and clipped smoothly inside the
    model, and Adam's ``beta_2`` is 0.95. ``defaults='sklearn'`` follows
    ``MLPClassifier``'s path exactly.

    Parameters
    ----------
    {shared_parameters}
    loss : {'log_loss', 'hinge'}, default='log_loss'
        'log_loss' is softmax cross-entropy (logistic for binary and multilabel
        targets). 'hinge' is the multiclass SVM loss ``sum_{j != y} max(0, s_j -
        s_y + 1)`` (binary hinge for two classes and per label); it has no
        ``predict_proba``.

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``; 'balanced'
        uses ``n_samples / (n_classes * np.bincount(y))``. When given, ``fit``
        under 'log_loss' starts the output layer's biases at the best constant
        model of the reweighted data (the log of the weighted class
        frequencies, centered; their log-odds for one logistic output), in place
        of Glorot's draws or ``bias_init``. ``partial_fit`` keeps the usual
        start: its first chunk may lack classes.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
    {shared_attributes}

    See Also
    --------
    MLPRegressorPrimer : The regressor.
    sklearn.neural_network.MLPClassifier : scikit-learn's classifier.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklmlp import MLPClassifierPrimer
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                           max_iter=500, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.n_params_, clf.n_neurons_
    (131, 19)
    """

    _parameter_constraints: dict = {
        **BaseMLPPrimer._parameter_constraints,
        "loss": [StrOptions({"log_loss", "hinge"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2="auto",
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="log_loss",
        weight_init="auto",
        bias_init="auto",
        leaky_relu_slope=0.01,
        maxout_pieces=2,
        class_weight=None,
        dropout=0.0,
        input_noise=0.0,
        callbacks=None,
        batch_norm=False,
        batch_norm_momentum=0.1,
        batch_norm_epsilon=1e-5,
        input_scaling="auto",
        defaults="tabular",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            loss=loss,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            weight_init=weight_init,
            bias_init=bias_init,
            leaky_relu_slope=leaky_relu_slope,
            maxout_pieces=maxout_pieces,
            dropout=dropout,
            input_noise=input_noise,
            callbacks=callbacks,
            batch_norm=batch_norm,
            batch_norm_momentum=batch_norm_momentum,
            batch_norm_epsilon=batch_norm_epsilon,
            input_scaling=input_scaling,
            defaults=defaults,
        )
        self.class_weight = class_weight

    _y_checks = {}

    # -- targets ------------------------------------------------------------------

    def _encode_targets(self, y, dtype, first_pass, incremental, classes):
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
        if first_pass:
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
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: "
                    f"{binarizer.classes_[0]!r}."
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        else:
            # A column of labels has passed the target checks above: its classes
            # are np.unique's (unique_labels would check its type twice more,
            # 70 us of a 0.7 ms partial_fit call on 200 rows).
            seen = np.unique(y) if y.ndim == 1 else unique_labels(y)
            if classes is not None and not np.array_equal(
                unique_labels(classes), self.classes_
            ):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on the first call "
                    f"to partial_fit, was: {self.classes_!r}."
                )
            if self.warm_start and not incremental:
                if set(seen) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {seen}"
                    )
            else:
                self._check_known_classes(seen, self.classes_)
        return self._indicators(y)

    def _indicators(self, y):
        """Class indicators of ``y`` as bool: what ``LabelBinarizer.transform`` gives.

        Indicators are kept as bool, as scikit-learn does: the network casts each
        batch to the model's dtype, and the full set costs 1 byte a cell. For a
        column of labels the codes come from one ``searchsorted`` on the sorted
        classes, several times faster than the binarizer's sparse detour (1.2 ms
        -> 0.2 ms on 20,000 labels); anything else goes through the binarizer.
        """
        binarizer = self._label_binarizer
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

    def _sample_weight(self, sample_weight, X, y):
        sample_weight = super()._sample_weight(sample_weight, X, y)
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, dict):
            # A negative or non-finite class weight would silently turn the loss
            # into nonsense (or a division by zero); reject it by name.
            values = list(self.class_weight.values())
            if not all(
                isinstance(v, Real) and np.isfinite(v) and v >= 0 for v in values
            ):
                raise ValueError(
                    "class_weight values must be finite non-negative numbers, got "
                    f"{self.class_weight!r}."
                )
        weights = compute_sample_weight(self.class_weight, y)
        if sample_weight is not None:
            weights = weights * sample_weight
        if not weights.any():
            raise ValueError(
                "class_weight and sample_weight give every sample zero weight; at "
                "least one sample must have a positive weight."
            )
        return weights

    def _multiclass(self):
        return self._label_binarizer.y_type_ == "multiclass"

    def _starts_at_baseline(self, incremental):
        # class_weight reweights the classes on purpose, often by orders of
        # magnitude: the output layer starts at the reweighted class
        # frequencies (the best constant model) instead of spending its first
        # epochs learning them. Without it the biases are scikit-learn's draws,
        # so the path stays scikit-learn's. Not for partial_fit: its first
        # chunk may miss classes (that is what `classes=` is for), and a
        # class without rows would start at log(eps) = -36, out of reach.
        return self.class_weight is not None and not incremental

    def _loss_name(self, n_outputs):
        return _CLASSIFIER_LOSSES[self.loss, self._multiclass()]

    def _loss_param(self, core_loss):
        return {core: param for (param, _), core in _CLASSIFIER_LOSSES.items()}[
            core_loss
        ]

    def _target_kind(self):
        return _TARGET_KINDS[self._label_binarizer.y_type_]

    def _stratify_labels(self, Y):
        return self._target_kind().stratify(Y)

    def _decode_targets(self, Y):
        # The labels predict() gives for scores of +1 where an indicator is
        # set and -1 where it is not.
        return self._target_kind().labels(self, 2.0 * Y - 1.0)

    def _score_from_scores(self, scores, Y, sample_weight):
        correct = self._target_kind().correct(scores, Y)
        return float(np.average(correct, weights=sample_weight))

    # -- fitting ------------------------------------------------------------------

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array of shape (n_classes,), default=None
            Every class that any call will see. Required on the first call
            (not for multilabel targets), ignored if equal on later calls.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="sgd",
        ...                           learning_rate_init=0.05, random_state=0)
        >>> for epoch in range(20):
        ...     clf = clf.partial_fit(X, y, classes=np.unique(y))
        >>> clf.n_iter_, len(clf.loss_curve_)
        (1, 20)
        >>> clf.loss_curve_[-1] < clf.loss_curve_[0]
        True
        """
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit: the class "
                "frequencies of one chunk are not those of the data. Pass a dict."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # -- prediction ---------------------------------------------------------------

    def decision_function(self, X):
        """Raw output scores: logits under 'log_loss', margins under 'hinge'.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per class (multiclass) or label (multilabel), one value
            per sample for binary problems (positive means ``classes_[1]``).

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = make_blobs(n_samples=100, centers=2, random_state=0)
        >>> svm = MLPClassifierPrimer(hidden_layer_sizes=(), loss="hinge", alpha=1.0,
        ...                           solver="lbfgs", random_state=0).fit(X, y)
        >>> margins = svm.decision_function(X[:5])
        >>> margins.shape
        (5,)
        >>> bool(((margins > 0) == (svm.predict(X[:5]) == svm.classes_[1])).all())
        True
        """
        scores = self._raw_scores(X)
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels (an indicator matrix for multilabel targets).

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                           max_iter=1000, random_state=0).fit(X, y)
        >>> clf.predict(X[[0, 50, 100]])
        array([0, 1, 2])
        """
        scores = self._raw_scores(X)  # first: an unfitted model says so
        return self._target_kind().labels(self, scores)

    def _has_proba(self):
        # A fitted model answers for the loss it was trained with, whatever
        # set_params did since: margins are not probabilities.
        loss = self.loss
        if "_network" in self.__dict__:
            loss = self._loss_param(self._network.loss_kind.name)
        if loss != "log_loss":
            raise AttributeError(
                f"predict_proba is not available with loss={loss!r}; use "
                "decision_function, or loss='log_loss' for probabilities."
            )
        return True

    @available_if(_has_proba)
    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``; per-label probabilities
            for multilabel targets.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                           max_iter=1000, random_state=0).fit(X, y)
        >>> proba = clf.predict_proba(X[:3])
        >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
        ((3, 3), True)
        >>> bool((clf.classes_[proba.argmax(axis=1)] == clf.predict(X[:3])).all())
        True
        """
        # Inside (0, 1), as a probability of a class that is not certain: at
        # least the smallest normal number (so that log(predict_proba) stays
        # finite and equal to predict_log_proba) and below 1 (a logit above 37
        # would round to exactly 1.0 in float64).
        proba = np.exp(self.predict_log_proba(X))
        dtype = proba.dtype
        return np.clip(
            proba, np.finfo(dtype).tiny, np.nextafter(dtype.type(1), dtype.type(0))
        )

    @available_if(_has_proba)
    def predict_log_proba(self, X):
        """Logarithm of the class probabilities, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))`` computed from the logits (log-sum-exp),
            floored at ``log(np.finfo(dtype).tiny)`` so that it is never
            ``-inf``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                           max_iter=1000, random_state=0).fit(X, y)
        >>> log_proba = clf.predict_log_proba(X[:3])
        >>> bool(np.allclose(np.exp(log_proba), clf.predict_proba(X[:3])))
        True
        >>> bool(np.isfinite(log_proba).all())
        True
        """
        scores = self._raw_scores(X)  # first: an unfitted model says so
        log_p = self._target_kind().log_proba(scores)
        return np.maximum(log_p, np.log(np.finfo(log_p.dtype).tiny))

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy on the given data and labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels; exact match of every label for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        float
            Mean accuracy of ``self.predict(X)`` with respect to ``y``.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                           max_iter=1000, random_state=0).fit(X, y)
        >>> clf.score(X, y) > 0.95
        True
        """
        # Reject NaN and infinite labels here: scikit-learn's accuracy_score
        # meets them only after casting them to int (a RuntimeWarning).
        check_array(y, ensure_2d=False, dtype=None, input_name="y")
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        """Declare multilabel support."""
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
