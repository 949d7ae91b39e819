"""The public estimators: their parameters, defaults and documentation.

:class:`MLPClassifierPrimer` and :class:`MLPRegressorPrimer` only declare what
scikit-learn needs to know about their parameters (the constructor, the
constraint table, the docstring). Their behaviour lives in
:mod:`sklmlp._classifier` and :mod:`sklmlp._regressor` over the shared
:mod:`sklmlp._base`, and training in :mod:`sklmlp._training`. Pickles and skops
files name the classes by this module, ``sklmlp._estimators``.
"""

from sklearn.utils._param_validation import StrOptions

from ._base import BaseMLPPrimer
from ._classifier import BaseMLPClassifier
from ._docstrings import with_shared_docs
from ._regressor import BaseMLPRegressor

__all__ = ["MLPClassifierPrimer", "MLPRegressorPrimer"]


@with_shared_docs
class MLPClassifierPrimer(BaseMLPClassifier):
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
        batch_norm=False,
        batch_norm_momentum=0.1,
        batch_norm_epsilon=1e-5,
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
        )
        self.class_weight = class_weight


@with_shared_docs
class MLPRegressorPrimer(BaseMLPRegressor):
    """Multilayer perceptron regressor on a vectorized NumPy core.

    A drop-in for scikit-learn's ``MLPRegressor`` (same parameters, defaults and
    attributes) with per-layer activations, weight-initialization heuristics,
    batch normalization, dropout, input noise, callbacks and hidden-layer
    diagnostics. One default differs on purpose: the targets are standardized
    (``normalize_y=True``), so that targets of any scale train; ``loss_`` and
    the loss curves are then on the standardized scale. ``normalize_y=False``
    follows ``MLPRegressor``'s path exactly.

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
        weights (and zero bias under 'squared_error', unless ``bias_init``
        sets a constant). The scaling is fixed by the first ``fit`` or ``partial_fit``
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
        batch_norm=False,
        batch_norm_momentum=0.1,
        batch_norm_epsilon=1e-5,
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
            batch_norm=batch_norm,
            batch_norm_momentum=batch_norm_momentum,
            batch_norm_epsilon=batch_norm_epsilon,
        )
        self.normalize_y = normalize_y
