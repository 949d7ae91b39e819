"""The public classifier, whole: parameters, documentation, labels, predictions.

:class:`MLPClassifierPrimer` declares its parameters (constructor, constraint
table, docstring), weights the classes and turns outputs into labels and
probabilities. Its targets object (:class:`sklmlp._targets.ClassificationTargets`)
encodes class labels (binary, multiclass, multilabel) as indicators, picks the
core loss and scores raw outputs for early stopping. Fitting is shared with
the regressor (:mod:`sklmlp._base`).
"""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array

from ._base import BaseMLPPrimer
from ._docstrings import with_shared_docs
from ._targets import ClassificationTargets


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

    _targets_type = ClassificationTargets

    def _new_targets(self):
        return ClassificationTargets(
            loss=self.loss, class_weight=self.class_weight, owner=type(self).__name__
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
        return self._targets.labels(scores, self.classes_)

    def _has_proba(self):
        # A fitted model answers for the loss it was trained with, whatever
        # set_params did since: margins are not probabilities.
        loss = self.loss
        if "_network" in self.__dict__:
            loss = ClassificationTargets.loss_param(self._network.loss_kind.name)
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
        log_p = self._targets.log_proba(scores)
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
