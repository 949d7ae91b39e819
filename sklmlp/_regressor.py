"""The public regressor, whole: parameters, documentation, targets, predictions.

:class:`MLPRegressorPrimer` declares its parameters (constructor, constraint
table, docstring) and maps outputs back to the targets' scale. Its targets
object (:class:`sklmlp._targets.RegressionTargets`) checks real-valued
targets, standardizes them (``normalize_y``), says how the output layer starts
and scores raw outputs with :math:`R^2` for early stopping. Fitting is shared
with the classifier (:mod:`sklmlp._base`).
"""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._base import BaseMLPPrimer
from ._docstrings import with_shared_docs
from ._targets import RegressionTargets


@with_shared_docs
class MLPRegressorPrimer(RegressorMixin, BaseMLPPrimer):
    """Multilayer perceptron regressor on a vectorized NumPy core.

    A drop-in for scikit-learn's ``MLPRegressor`` (same parameters and
    attributes) with per-layer activations, weight-initialization heuristics,
    batch normalization, dropout, input noise, callbacks and hidden-layer
    diagnostics. Its defaults (``defaults='tabular'``) are made for raw tables:
    the inputs are scaled robustly and clipped smoothly inside the model, the
    targets are standardized (``loss_`` and the loss curves are then on the
    standardized scale) and Adam's ``beta_2`` is 0.95. ``defaults='sklearn'``
    follows ``MLPRegressor``'s path exactly.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        'squared_error' is half the squared error summed over outputs;
        'poisson' is half the Poisson deviance with a log link (predictions are
        ``exp`` of the output layer) and needs ``y >= 0``.
    {shared_parameters}
    normalize_y : bool or 'auto', default='auto'
        'auto' is True under ``defaults='tabular'`` and False under
        ``defaults='sklearn'``. True makes targets of any scale train with the
        default step size. Under
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
        "normalize_y": ["boolean", StrOptions({"auto"})],
    }
    _presets: dict = {
        **BaseMLPPrimer._presets,
        "input_scaling": {"tabular": "robust", "sklearn": None},
        "normalize_y": {"tabular": True, "sklearn": False},
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
        beta_2="auto",
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
        input_scaling="auto",
        defaults="tabular",
        normalize_y="auto",
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
        self.normalize_y = normalize_y

    _y_checks = {"y_numeric": True}

    _targets_type = RegressionTargets

    def _new_targets(self):
        return RegressionTargets(
            loss=self.loss, normalize_y=bool(self._param("normalize_y"))
        )

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
