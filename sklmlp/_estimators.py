"""The public estimators: the classifier and the regressor.

Thin layers over :mod:`sklmlp._base`: target encoding, losses and predictions.
"""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
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
from ._losses import LOSSES

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

_SHARED_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer. An empty
        tuple gives a net with no hidden layer (a single layer of output neurons:
        softmax or SVM classifier, linear or Poisson regression).

    activation : str or list of str, default='relu'
        Activation of the hidden layers, or one name per hidden layer:
        'identity', 'logistic' (alias 'sigmoid'), 'tanh', 'relu', 'leaky_relu'
        (slope ``leaky_relu_slope``), 'prelu' (one learnable slope per unit,
        starting at 0.25, not weight-decayed) or 'maxout' (``maxout_pieces``
        linear pieces per unit).

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        'lbfgs' is SciPy's L-BFGS-B on the flat parameter vector; 'sgd' is
        stochastic gradient descent; 'adam' is Kingma and Ba's Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2 / n_samples`` on the
        connection weights (biases and PReLU slopes are not decayed).

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of 'sgd': constant, ``learning_rate_init / t **
        power_t``, or divided by 5 whenever training stalls.

    learning_rate_init : float, default=0.001
        Initial step size ('sgd' and 'adam').

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum epochs (stochastic solvers) or iterations ('lbfgs').

    shuffle : bool, default=True
        Shuffle the samples every epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, the validation split, shuffling, dropout
        and input noise. An int gives bit-identical models run after run.

    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement; for 'lbfgs',
        the projected-gradient tolerance.

    verbose : bool, default=False
        Print the loss after every iteration.

    warm_start : bool, default=False
        Continue from the fitted weights on the next ``fit``.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd'.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for
        classifiers) and stop when its score stops improving; the best weights
        are restored at the end. Only 'sgd' and 'adam' use it; 'lbfgs'
        trains on all the data, as in scikit-learn.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int or np.inf, default=10
        Epochs without ``tol`` improvement before stopping (or, with
        ``learning_rate='adaptive'``, before dividing the step size by 5).

    max_fun : int, default=15000
        Maximum loss evaluations of 'lbfgs'.

    weight_init : {'auto', 'glorot', 'he', 'lecun', 'small', 'zeros'}, default='auto'
        Initialization heuristic. 'glorot' is scikit-learn's uniform scheme
        ``U(-b, b)``, ``b = sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)`` ahead
        of logistic units); 'he' draws ``N(0, 2 / fan_in)``; 'lecun'
        ``N(0, 1 / fan_in)``; 'small' ``0.01 * N(0, 1)``; 'zeros' sets every
        weight to zero (symmetry is never broken: for study only). 'auto' is
        'glorot' for every activation, so default models start exactly where
        scikit-learn's do: with the default training, 'he' (the notes'
        recommendation for ReLU units) trained worse on shallow and deep nets
        alike (see the user guide). The output layer follows the last hidden
        layer.

    bias_init : float or 'auto', default='auto'
        A constant for every bias (the notes mention 0.01 for ReLU nets), or
        'auto': biases drawn like the weights under 'glorot' (scikit-learn's
        behaviour) and zero under every other scheme.

    leaky_relu_slope : float, default=0.01
        Slope of 'leaky_relu' units for negative inputs, in [0, 1).

    maxout_pieces : int, default=2
        Linear pieces per 'maxout' unit (each piece has its own weights and
        bias, and ``n_params_`` counts them all).

    dropout : float or list of float, default=0.0
        Inverted-dropout rate of the hidden layers (one rate, or one per hidden
        layer), in [0, 1); active while training with 'sgd' or 'adam', off at
        prediction.

    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to each training batch
        ('sgd' and 'adam').

    callbacks : callable or list of callables, default=None
        Each is called after every epoch (every iteration of 'lbfgs') as
        ``callback(estimator, info)``, the estimator holding that epoch's
        weights; ``info`` holds 'epoch' and 'loss', with 'sgd' and 'adam' the
        epoch's 'learning_rate' and, with early stopping, 'validation_score'
        and 'validation_loss'. A callback returning True stops training
        cleanly (no ConvergenceWarning).
"""

_SHARED_ATTRIBUTES_DOC = """
    loss_ : float
        The current loss: the objective at the end of the last epoch (the mean of
        the batch objectives, as scikit-learn) or at the lbfgs solution.

    best_loss_ : float or None
        Lowest training loss seen (None with early stopping).

    loss_curve_ : list of float
        Loss after each epoch (stochastic solvers) or each iteration ('lbfgs').

    validation_scores_ : list of float or None
        Held-out score after each epoch when ``early_stopping=True``.

    validation_loss_curve_ : list of float or None
        Held-out loss (without the L2 term) after each epoch when
        ``early_stopping=True``.

    best_validation_score_ : float or None
        Best held-out score when ``early_stopping=True``.

    t_ : int
        Training samples seen by the stochastic solver.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix of layer ``i``, shape
        ``(fan_in, fan_out)``; for a maxout layer ``fan_out`` is
        ``units * maxout_pieces``, unit ``u`` owning columns ``u * k`` to
        ``u * k + k - 1``.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i``.

    prelu_slopes_ : list of (ndarray or None)
        One entry per hidden layer: the learned PReLU slopes, or None.

    layer_activations_ : list of str
        The activation of each hidden layer, aliases resolved.

    weight_init_ : list of str
        The initialization scheme used for each layer ('auto' resolved).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    n_iter_ : int
        Epochs (or lbfgs iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Output activation.

    n_params_ : int
        Learnable parameters: weights, biases and PReLU slopes.

    n_neurons_ : int
        Neurons, counted as the notes count them (hidden and output units, the
        input layer excluded).
"""


def _with_docs(cls):
    cls.__doc__ = cls.__doc__.replace("{shared_parameters}", _SHARED_PARAMETERS_DOC)
    cls.__doc__ = cls.__doc__.replace("{shared_attributes}", _SHARED_ATTRIBUTES_DOC)
    return cls


@_with_docs
class MLPClassifierPrimer(ClassifierMixin, BaseMLPPrimer):
    """Multilayer perceptron classifier on a vectorized NumPy core.

    A drop-in for scikit-learn's ``MLPClassifier`` (same parameters, defaults and
    attributes) with per-layer activations, weight-initialization heuristics, a
    multiclass SVM loss, class weights, dropout, input noise, callbacks and
    hidden-layer diagnostics.

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
        uses ``n_samples / (n_classes * np.bincount(y))``. When given, the output
        layer's biases start at the best constant model of the reweighted data
        (the log of the weighted class frequencies) rather than at random.

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
    _y_checks = {}

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
        beta_2=0.999,
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
        )
        self.class_weight = class_weight

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

    def _starts_at_baseline(self):
        # class_weight reweights the classes on purpose, often by orders of
        # magnitude: the output layer starts at the reweighted class
        # frequencies (the best constant model) instead of spending its first
        # epochs learning them. Without it the biases are scikit-learn's draws,
        # so the path stays scikit-learn's.
        return self.class_weight is not None

    def _loss_name(self, n_outputs):
        return _CLASSIFIER_LOSSES[self.loss, self._multiclass()]

    def _loss_param(self, core_loss):
        return {core: param for (param, _), core in _CLASSIFIER_LOSSES.items()}[
            core_loss
        ]

    def _stratify_labels(self, Y):
        if self._multiclass():
            return Y.argmax(axis=1)
        return Y[:, 0] if Y.shape[1] == 1 else None

    def _score_from_scores(self, scores, Y, sample_weight):
        if self._multiclass():
            correct = scores.argmax(axis=1) == Y.argmax(axis=1)
        else:
            correct = np.all((scores > 0) == (Y > 0.5), axis=1)
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
        scores = self._raw_scores(X)
        # What LabelBinarizer.inverse_transform returns, without its 20 us of
        # checks (a third of a single-row predict): the class of the largest
        # score, or of a positive one. Multilabel targets take the binarizer.
        y_type = self._label_binarizer.y_type_
        if y_type == "multiclass":
            return self.classes_.take(scores.argmax(axis=1))
        if y_type == "binary":
            return self.classes_[(scores[:, 0] > 0).astype(np.intp)]
        return self._label_binarizer.inverse_transform(scores, threshold=0.0)

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
        scores = self._raw_scores(X)
        if self._multiclass():
            shifted = scores - scores.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        else:
            # log s(z) = -log(1 + exp(-z)); log(1 - s(z)) = -log(1 + exp(z))
            log_p = -np.logaddexp(0, -scores)
            if self._label_binarizer.y_type_ == "binary":
                log_p = np.hstack([-np.logaddexp(0, scores), log_p])
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


@_with_docs
class MLPRegressorPrimer(RegressorMixin, BaseMLPPrimer):
    """Multilayer perceptron regressor on a vectorized NumPy core.

    A drop-in for scikit-learn's ``MLPRegressor`` (same parameters, defaults and
    attributes) with per-layer activations, weight-initialization heuristics,
    dropout, input noise, callbacks and hidden-layer diagnostics.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        'squared_error' is half the squared error summed over outputs;
        'poisson' is half the Poisson deviance with a log link (predictions are
        ``exp`` of the output layer) and needs ``y >= 0``.
    {shared_parameters}
    normalize_y : bool, default=True
        Make targets of any scale train with the default step size. Under
        'squared_error' each output is standardized (weighted mean 0, variance
        1, as ``TransformedTargetRegressor(transformer=StandardScaler())`` would
        do) and predictions are mapped back; ``loss_``, ``loss_curve_`` and the
        output layer's weights are then on the standardized targets. Under
        'poisson' the targets stay as they are (the log link turns their scale
        into a shift) and the output bias starts at the log of their weighted
        mean, the intercept-only model. With ``weight_init='auto'`` and
        'adam', the output layer then starts at that best constant model: zero
        weights. The scaling is fixed by the first ``fit`` or ``partial_fit``
        call. False trains on ``y`` as given from scikit-learn's random start:
        ``MLPRegressor``'s path.

    Attributes
    ----------
    {shared_attributes}
    y_offset_, y_scale_ : ndarray of shape (n_outputs,) or None
        Under 'squared_error' with ``normalize_y=True``, ``predict`` returns
        ``y_offset_ + y_scale_ * out`` where ``out`` is the output layer's value.
        None when the targets are not rescaled (``normalize_y=False``, or
        'poisson').

    See Also
    --------
    MLPClassifierPrimer : The classifier.
    sklearn.neural_network.MLPRegressor : scikit-learn's regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from sklmlp import MLPRegressorPrimer
    >>> X = np.linspace(-3, 3, 200).reshape(-1, 1)
    >>> y = np.sin(X).ravel()
    >>> reg = MLPRegressorPrimer(hidden_layer_sizes=(20,), activation="tanh",
    ...                          solver="lbfgs", max_iter=1000,
    ...                          random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _parameter_constraints: dict = {
        **BaseMLPPrimer._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
        "normalize_y": ["boolean"],
    }
    _y_checks = {"y_numeric": True}

    def __init__(
        self,
        loss="squared_error",
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
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        weight_init="auto",
        bias_init="auto",
        leaky_relu_slope=0.01,
        maxout_pieces=2,
        dropout=0.0,
        input_noise=0.0,
        callbacks=None,
        normalize_y=True,
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
        )
        self.normalize_y = normalize_y

    def _encode_targets(self, y, dtype, first_pass, incremental, classes):
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

    def _loss_name(self, n_outputs):
        return self.loss

    def _scale_targets(self, Y, sample_weight, first_pass):
        if first_pass:
            # The scaling is fixed by the first fit (or first partial_fit
            # chunk); warm starts and later chunks train on the same scale.
            self._normalized_y = bool(self.normalize_y)
            self.y_offset_ = self.y_scale_ = None
            scaling = LOSSES[self.loss].target_scaling
            if self.normalize_y and scaling is not None:
                offset, scale = scaling(Y, sample_weight)
                self.y_offset_ = offset.astype(Y.dtype)
                self.y_scale_ = scale.astype(Y.dtype)
        if self.y_scale_ is None:
            return Y
        return (Y - self.y_offset_) / self.y_scale_

    def _built_options(self):
        return {**super()._built_options(), "normalize_y": self._normalized_y}

    def _starts_at_baseline(self):
        # Poisson's answer to the targets' scale (log link): the output bias
        # starts at the log of the mean target, the intercept-only model.
        # normalize_y=False keeps scikit-learn's random start.
        return self.normalize_y

    def _auto_output_init(self):
        # On rescaled targets, Adam starts from the best constant model: zero
        # output weights and bias predict the mean target (its step leaves
        # zero at full speed whatever the gradient's size). Measured on 6
        # regression families it never lost to Glorot's random output layer
        # and gained up to 0.06 R^2 (benchmarks/bench_defaults.py); with plain
        # SGD, whose steps scale with the gradient, the hidden layers would
        # wait for the output weights to grow, and it lost.
        if self.normalize_y and self.solver == "adam":
            return "zeros"
        return None

    def _score_from_scores(self, scores, Y, sample_weight):
        # Targets and predictions on the network's scale: R^2 is the same as
        # on the original scale (an affine map of both, per output).
        predictions = self._network.output_activation(scores)
        if not np.isfinite(predictions).all():
            return np.nan
        return float(r2_score(Y, predictions, sample_weight=sample_weight))

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklmlp import MLPRegressorPrimer
        >>> X = np.linspace(-1, 1, 100).reshape(-1, 1)
        >>> y = X.ravel() ** 2
        >>> reg = MLPRegressorPrimer(hidden_layer_sizes=(16,), solver="adam",
        ...                          learning_rate_init=0.01, random_state=0)
        >>> for chunk in np.array_split(np.arange(100), 4):  # data arriving in chunks
        ...     reg = reg.partial_fit(X[chunk], y[chunk])
        >>> reg.t_, len(reg.loss_curve_)
        (100, 4)
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions (``exp`` of the output layer under 'poisson').

        Examples
        --------
        >>> import numpy as np
        >>> from sklmlp import MLPRegressorPrimer
        >>> X = np.linspace(0, 1, 50).reshape(-1, 1)
        >>> y = np.exp(2 * X.ravel())
        >>> reg = MLPRegressorPrimer(loss="poisson", hidden_layer_sizes=(),
        ...                          solver="lbfgs", random_state=0).fit(X, y)
        >>> prediction = reg.predict(X)
        >>> prediction.shape, bool((prediction > 0).all())  # exp of the output layer
        ((50,), True)
        """
        scores = self._raw_scores(X)
        predictions = self._network.output_activation(scores)
        if self.y_scale_ is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                predictions *= self.y_scale_
                predictions += self.y_offset_
            if not np.isfinite(predictions).all():
                raise ValueError(
                    "Some predictions are too large for the model's "
                    f"{predictions.dtype} arithmetic once mapped back to the "
                    "targets' scale. Scale the inputs as the training data were "
                    "scaled (e.g. with StandardScaler)."
                )
        return predictions.ravel() if predictions.shape[1] == 1 else predictions

    def __sklearn_tags__(self):
        """Declare multi-output support and, under 'poisson', positive targets.

        Multi-output Poisson regression works (see the test suite), but the
        multi-output tag is claimed only for 'squared_error': scikit-learn's
        multi-output check draws negative targets whatever ``positive_only``
        says, and 'poisson' rightly rejects them.
        """
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = self.loss == "poisson"
        tags.target_tags.multi_output = not tags.target_tags.positive_only
        return tags
