"""The scikit-learn face shared by both estimators: parameters, fitting, attributes.

Everything numerical happens in the core (:mod:`sklmlp._core.network`,
:mod:`sklmlp._core.optimizers`) and the epoch loop with its stopping rules in
:mod:`sklmlp._training`; this module validates the parameters and the input,
builds the call's :class:`~sklmlp._fit_state.FitState` from scikit-learn's
parameters (a new network and optimizer, or copies of the fitted ones),
hands it to the loop, and publishes it as the fitted attributes. A call to
``fit`` or ``partial_fit`` either succeeds or leaves the estimator exactly as
it was.
"""

import copy
from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils.validation import (
    _check_sample_weight,
    check_random_state,
    validate_data,
)

from ._callback_protocol import (
    check_callbacks,
    restore_callback_states,
    save_callback_states,
)
from ._core.activations import resolve_activation
from ._core.initializers import resolve_init
from ._core.input_scaling import fit_input_scaling
from ._core.network import Network
from ._core.optimizers import OPTIMIZERS
from ._fit_state import FitState, Records
from ._fitted import FittedNetworkMixin
from ._history import epoch_scores, loss_curve, validation_record
from ._parameters import (
    ACTIVATION_OPTIONS,
    PARAMETER_CONSTRAINTS,
    PRESETS,
    batch_norm_flags,
    check_combinations,
    dropout_rates,
    hidden_activations,
    hidden_sizes,
)
from ._sklearn_callbacks import CALLBACK_MIXINS, FIT_CONTEXT_KEYS, start_fit_task
from ._training import EstimatorHooks, Settings, fit_lbfgs, fit_stochastic


class BaseMLPPrimer(
    FittedNetworkMixin, *CALLBACK_MIXINS, BaseEstimator, metaclass=ABCMeta
):
    """Base class of the multilayer perceptrons; use the derived classes.

    The derived classes define ``_new_targets``, which makes their targets
    object (:mod:`sklmlp._targets`: encoding and decoding, the core loss, the
    output layer's start, scoring raw outputs, target scaling), and the
    ``predict`` family.
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS
    _presets: dict = PRESETS

    def _param(self, name):
        """Return a parameter's value, with 'auto' resolved by ``defaults``."""
        value = getattr(self, name)
        if name in self._presets and isinstance(value, str) and value == "auto":
            return self._presets[name][self.defaults]
        return value

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        *,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        loss,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        weight_init,
        bias_init,
        leaky_relu_slope,
        maxout_pieces,
        dropout,
        input_noise,
        callbacks,
        batch_norm,
        batch_norm_momentum,
        batch_norm_epsilon,
        input_scaling,
        defaults,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.weight_init = weight_init
        self.bias_init = bias_init
        self.leaky_relu_slope = leaky_relu_slope
        self.maxout_pieces = maxout_pieces
        self.dropout = dropout
        self.input_noise = input_noise
        self.callbacks = callbacks
        self.batch_norm = batch_norm
        self.batch_norm_momentum = batch_norm_momentum
        self.batch_norm_epsilon = batch_norm_epsilon
        self.input_scaling = input_scaling
        self.defaults = defaults

    # -- the per-epoch records: history_, and scikit-learn's views of it --------

    def _from_history(self, name, read, *args):
        if "history_" not in self.__dict__:  # not fitted
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}"
            )
        return read(self, *args)

    @property
    def loss_curve_(self):  # noqa: D102 (documented with the class attributes)
        return self._from_history("loss_curve_", loss_curve)

    @property
    def validation_scores_(self):  # noqa: D102
        return self._from_history(
            "validation_scores_", validation_record, "validation_score"
        )

    @property
    def validation_loss_curve_(self):  # noqa: D102
        return self._from_history(
            "validation_loss_curve_", validation_record, "validation_loss"
        )

    @property
    def epoch_scores_(self):  # noqa: D102
        return self._from_history("epoch_scores_", epoch_scores)

    # -- fitting --------------------------------------------------------------

    @abstractmethod
    def _new_targets(self):
        """Return an unfitted targets object for this call's parameters."""

    def _built_options(self):
        """Parameters a warm start must not change, beyond layers and activations."""
        return {
            "loss": self._targets.loss_param(self._network.loss_kind.name),
            "input_scaling": self._input_scaling,
            **self._targets.built_options(),
        }

    def _sample_weight(self, sample_weight, X, y):
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            # scikit-learn 1.9's _check_sample_weight says so; 1.6's lets
            # all-zero weights through to a division by zero.
            if not sample_weight.any():
                raise ValueError(
                    "Sample weights must contain at least one non-zero number."
                )
        return sample_weight

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        incremental=False,
        classes=None,
        validation=(None, None, None),
    ):
        # The call trains a fit state of its own, built from copies of what
        # the estimator holds: it changes no stored value. What a failure
        # leaves to undo is which values the attributes name, since the call
        # rebinds them before it can fail: validation sets scikit-learn's
        # n_features_in_ and feature_names_in_ and a first call the targets'
        # attributes; the state is published on the estimator as it trains,
        # for the callbacks that read the estimator mid-fit (predict with it,
        # read history_, pickle it) or change it (restore weights in place,
        # set the optimizer's rate); and a user's callback may set attributes
        # of its own. Hence a shallow copy of the attributes (references,
        # in their order: a saved file's layout does not change).
        bound = dict(self.__dict__)
        saved_callbacks = save_callback_states(self.callbacks)
        try:
            self._fit_call(X, y, sample_weight, incremental, classes, validation)
        except BaseException:
            # A failed call leaves the estimator, and what its callbacks
            # remember, exactly as they were; scikit-learn's callback context
            # stays until scikit-learn's fit wrapper tears the callbacks down.
            live = {k: v for k, v in self.__dict__.items() if k in FIT_CONTEXT_KEYS}
            self.__dict__.clear()
            self.__dict__.update(bound)
            self.__dict__.update(live)
            restore_callback_states(saved_callbacks)
            raise
        return self

    def _fit_call(self, X, y, sample_weight, incremental, classes, validation):
        """Validate, build this call's fit state, publish it and train it."""
        sizes = hidden_sizes(self.hidden_layer_sizes)
        activations = hidden_activations(self.activation, len(sizes))
        batch_norm = batch_norm_flags(self.batch_norm, len(sizes))
        dropout = dropout_rates(self.dropout, len(sizes))
        check_combinations(self, dropout, incremental)
        callbacks = check_callbacks(self.callbacks)

        fitted = hasattr(self, "coefs_")
        first_pass = not fitted or (not self.warm_start and not incremental)
        X, Y, sample_weight = self._training_data(
            X, y, sample_weight, first_pass, incremental, classes
        )
        validation = self._validation_data(*validation, X.dtype, Y.shape[1])
        units = [X.shape[1], *sizes, Y.shape[1]]
        random_state = self._call_random_state(
            first_pass, fresh_draws=bool(dropout or self.input_noise)
        )
        if first_pass:
            state, model = self._new_state(
                units,
                activations,
                batch_norm,
                X.dtype,
                Y,
                sample_weight,
                incremental,
                random_state,
            )
            # The new model's attributes, in the order sklmlp 0.2.0 set them
            # (saved files keep its layout); the replaced model's optimizer goes.
            self._random_state = random_state
            self.__dict__.update(model)
            self.__dict__.pop("_optimizer", None)
        else:
            self._check_architecture(units, activations, batch_norm)
            state = self._resumed_state(incremental, random_state)
        state.records.begin(
            lbfgs=self.solver == "lbfgs",
            holds_out=self._holds_out(),
            given_validation=validation is not None,
        )
        self._publish(state)
        self._train(
            state,
            (X, Y, sample_weight),
            self._settings(dropout),
            callbacks,
            incremental,
            validation,
        )
        # fit_lbfgs and fit_stochastic published the final state (before
        # on_train_end, which may restore other weights in place).

    def _training_data(
        self, X, y, sample_weight, first_pass, incremental, classes, dtype=None
    ):
        """Validate the data; return input, encoded targets and sample weights.

        The validation data given to ``fit`` takes the same path, as more data
        for the model this call trains (``first_pass=False``,
        ``incremental=True``: known labels, its ``dtype``, its scales).
        """
        if dtype is None:
            # A fitted model keeps its dtype: more data for it (partial_fit,
            # warm start) is converted, as scikit-learn's MLP accepts it too.
            dtype = (np.float64, np.float32) if first_pass else self._network.dtype
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=first_pass,
            **self._y_checks,
        )
        if first_pass:
            self._targets = self._new_targets()
        targets = self._targets
        Y = targets.encode(
            y,
            dtype=X.dtype,
            fitting=first_pass,
            incremental=incremental,
            classes=classes,
            warm_start=self.warm_start and not incremental,
        )
        sample_weight = self._sample_weight(sample_weight, X, y)
        if sample_weight is not None and not np.all(sample_weight > 0):
            # A zero weight means the row is not there. Dropping it is exact, and
            # it spares a minibatch (or a validation set) of zero-weight rows a
            # division by a zero weight sum.
            keep = np.flatnonzero(sample_weight > 0)
            X, Y, sample_weight = X[keep], Y[keep], sample_weight[keep]
        Y = targets.scale(Y, sample_weight, fitting=first_pass)
        if first_pass:
            # classes_ (and _label_binarizer); y_offset_, y_scale_ (and
            # _normalized_y): the names saved models carry.
            self.__dict__.update(targets.fitted_attributes())
            # Fixed by the first fit (or partial_fit chunk), as the target
            # scaling is; the network applies it to every input it takes.
            self._input_scaling = self._param("input_scaling")
            self.input_center_ = self.input_scale_ = None
            if self._input_scaling is not None:
                self.input_center_, self.input_scale_ = fit_input_scaling(
                    X, sample_weight, self._input_scaling
                )
        return X, Y, sample_weight

    def _validation_data(self, X_val, y_val, sample_weight_val, dtype, n_outputs):
        """Check the validation data given to ``fit``; return it as the loop takes it.

        Returns None when none is given, else ``(X_val, Y_val,
        sample_weight_val)`` validated, encoded and scaled as the training data
        (``class_weight`` applies too), before any training starts.
        """
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError(
                    "sample_weight_val is given without X_val and y_val: pass the "
                    "validation data with its weights."
                )
            return None
        if X_val is None or y_val is None:
            given, missing = ("X_val", "y_val") if y_val is None else ("y_val", "X_val")
            raise ValueError(
                f"{given} is given but {missing} is not: pass both X_val and y_val "
                "(and optionally sample_weight_val), or neither."
            )
        try:
            X_val, Y_val, sw_val = self._training_data(
                X_val,
                y_val,
                sample_weight_val,
                first_pass=False,
                incremental=True,
                classes=None,
                dtype=dtype,
            )
        except ValueError as exc:
            raise ValueError(
                f"Invalid validation data (X_val, y_val, sample_weight_val): {exc}"
            ) from exc
        if X_val.shape[0] < 2:
            # R^2 is not defined on one sample; the held-out split asks as much.
            raise ValueError(
                "Invalid validation data: the validation score needs at least 2 "
                f"samples (with a positive weight), got {X_val.shape[0]}."
            )
        if Y_val.shape[1] != n_outputs:
            raise ValueError(
                f"Invalid validation data: y_val has {Y_val.shape[1]} outputs, the "
                f"training targets y have {n_outputs}."
            )
        return X_val, Y_val, sw_val

    def _call_random_state(self, first_pass, fresh_draws):
        """Return the random state this call shuffles, splits and draws with."""
        if first_pass or not fresh_draws:
            # Every call starts from random_state again, as scikit-learn's MLP
            # does: partial_fit replays the same shuffling order.
            return check_random_state(self.random_state)
        # Dropout masks and input noise must be fresh draws on every call,
        # not the last call's replayed: continue the stream, from a copy (the
        # call changes no stored value).
        return copy.deepcopy(self._random_state)

    def _resumed_state(self, incremental, random_state):
        """Return the fit state of a call that continues the fitted model.

        The parameters, statistics, records and optimizer moments are copies:
        the call trains them, the estimator's stay as they were until it
        publishes the state.
        """
        network = self._network
        norms = self._norms()
        params = network.pack(
            self.coefs_, self.intercepts_, self._slopes_or_empty(), norms
        )
        if self.solver == "lbfgs":
            optimizer = None
        elif incremental and "_optimizer" in self.__dict__:
            # partial_fit goes on with the moments of the calls before.
            optimizer = copy.deepcopy(self._optimizer)
        else:
            optimizer = self._new_optimizer(network)
        return FitState(
            network=network,
            params=params,
            stats=network.pack_stats(norms),
            targets=self._targets,
            random_state=random_state,
            records=Records.resume(self.__dict__),
            optimizer=optimizer,
        )

    def _train(self, state, train, settings, callbacks, incremental, validation):
        """Hand the fit state and the data to the training loop; return the state."""
        targets = state.targets

        def open_tasks(max_epochs, X, Y, sample_weight):
            return start_fit_task(
                self,
                task_name="partial_fit" if incremental else "fit",
                max_subtasks=max_epochs,
                X=X,
                y=targets.decode(Y),
                sample_weight=sample_weight,
            )

        hooks = EstimatorHooks(publish=self._publish, open_tasks=open_tasks)
        if self.solver == "lbfgs":
            return fit_lbfgs(self, hooks, state, train, settings, callbacks, validation)
        state = fit_stochastic(
            self,
            hooks,
            state,
            train,
            settings,
            callbacks,
            incremental=incremental,
            validation=validation,
        )
        if not incremental:
            # A fitted model has no use for the batch buffers (3.4 MiB for
            # a (512, 256) net at batch 256); partial_fit keeps them for
            # the next call.
            state.network.clear_workspaces()
        return state

    def _new_state(
        self,
        units,
        activations,
        batch_norm,
        dtype,
        Y,
        sample_weight,
        incremental,
        random_state,
    ):
        """Return the fit state of a new model, and the attributes describing it."""
        n_hidden = len(units) - 2
        targets = self._targets
        network = Network(
            units,
            activations,
            targets.loss_name(),
            leaky_relu_slope=self.leaky_relu_slope,
            maxout_pieces=self.maxout_pieces,
            batch_norm=batch_norm,
            batch_norm_epsilon=self.batch_norm_epsilon,
            input_scaling=None
            if self.input_center_ is None
            else (self.input_center_, self.input_scale_),
            dtype=dtype,
        )
        # The output layer initializes as the last hidden layer does (as
        # scikit-learn, whose single activation sets every layer's Glorot bound).
        if n_hidden:
            last = activations[-1]
        elif isinstance(self.activation, str):
            last = resolve_activation(self.activation)
        else:
            last = "identity"
        init_acts = [*activations, last]
        weight_init = [resolve_init(self.weight_init, act) for act in init_acts]
        output_init = targets.auto_output_init(self.solver)
        if self.weight_init == "auto" and output_init is not None:
            weight_init[-1] = output_init
        params = network.init_params(
            random_state,
            weight_init,
            init_acts,
            self.bias_init,
            Y=Y if targets.starts_at_baseline(incremental) else None,
            sample_weight=sample_weight,
        )
        state = FitState(
            network=network,
            params=params,
            stats=network.init_stats(),
            targets=targets,
            random_state=random_state,
            records=Records.start(holds_out=self._holds_out()),
            optimizer=None if self.solver == "lbfgs" else self._new_optimizer(network),
        )
        model = {
            "n_outputs_": units[-1],
            "n_layers_": len(units),
            "layer_activations_": list(activations),
            "_network": network,
            "out_activation_": network.loss_kind.output,
            "weight_init_": weight_init,
        }
        return state, model

    def _check_architecture(self, units, activations, batch_norm):
        network = self._network
        if (
            network.layer_units != units
            or self.layer_activations_ != activations
            or network.batch_norm != batch_norm
        ):
            raise ValueError(
                "warm_start and partial_fit need the architecture of the fitted "
                f"model (layer units {network.layer_units}, activations "
                f"{self.layer_activations_}, batch_norm {network.batch_norm}); "
                f"got layer units {units}, activations {activations} and "
                f"batch_norm {batch_norm}. Set warm_start=False to start over."
            )
        # The settings the fitted network was built with: the loss always, an
        # activation's option where a layer uses that activation.
        built = {
            name: (value, self._param(name))
            for name, value in self._built_options().items()
        }
        for option, activation in ACTIVATION_OPTIONS.items():
            if activation in activations:
                built[option] = (network.options[option], getattr(self, option))
        if any(batch_norm):
            built["batch_norm_epsilon"] = (
                network.batch_norm_epsilon,
                self.batch_norm_epsilon,
            )
        changed = {name: pair for name, pair in built.items() if pair[0] != pair[1]}
        if changed:
            was = ", ".join(f"{name}={old!r}" for name, (old, _) in changed.items())
            now = ", ".join(f"{name}={new!r}" for name, (_, new) in changed.items())
            raise ValueError(
                f"warm_start and partial_fit continue the fitted model, built with "
                f"{was}; got {now}. Set warm_start=False to start over."
            )

    def _publish(self, state, *, records_only=False):
        """Show the fit state as the estimator's attributes.

        The flat vectors become per-layer attributes (``coefs_``, ...: views
        into them), the records ``n_iter_``, ``history_``, ... (the lists
        themselves), the network, optimizer and random state ``_network``,
        ``_optimizer`` and ``_random_state``; ``records_only`` publishes only
        the records.
        """
        attributes = self.__dict__
        if not records_only:
            network = state.network
            attributes["_random_state"] = state.random_state
            attributes["_network"] = network
            attributes.update(
                self._reconstruction_attributes(state.params, state.stats)
            )
            attributes["n_params_"] = network.n_params
            attributes["n_neurons_"] = int(sum(network.layer_units[1:]))
        attributes.update(state.records.attributes())
        if state.optimizer is not None and not records_only:
            attributes["_optimizer"] = state.optimizer

    def _reconstruction_attributes(self, params, stats):
        """Return the per-layer attributes to predict with, views of the vectors."""
        weights, biases, slopes, norms = self._network.unpack(params, stats)
        attributes = {"coefs_": weights, "intercepts_": biases, "prelu_slopes_": slopes}
        for name in ("scale", "shift", "mean", "var"):
            attributes[f"batch_norm_{name}_"] = [
                None if views is None else getattr(views, name) for views in norms
            ]
        return attributes

    def _holds_out(self):
        # Early stopping holds data out only for the stochastic solvers (as in
        # scikit-learn, lbfgs ignores it): lbfgs keeps no validation records.
        return bool(self.early_stopping) and self.solver in OPTIMIZERS

    def _settings(self, dropout):
        """Return the training loop's parameters."""
        return Settings(
            max_iter=self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            shuffle=self.shuffle,
            verbose=self.verbose,
            alpha=self.alpha,
            batch_size=self.batch_size,
            early_stopping=self._holds_out(),
            validation_fraction=self.validation_fraction,
            max_fun=self.max_fun,
            dropout=dropout,
            input_noise=self.input_noise,
            batch_norm_momentum=self.batch_norm_momentum,
        )

    def _new_optimizer(self, network):
        options = {
            "sgd": dict(
                learning_rate_init=self.learning_rate_init,
                lr_schedule=self.learning_rate,
                momentum=self.momentum,
                nesterov=self.nesterovs_momentum,
                power_t=self.power_t,
            ),
            "adam": dict(
                learning_rate_init=self.learning_rate_init,
                beta_1=self.beta_1,
                beta_2=self._param("beta_2"),
                epsilon=self.epsilon,
            ),
        }[self.solver]
        return OPTIMIZERS[self.solver](network.n_params, network.dtype, **options)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the model to data matrix ``X`` and targets ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classification) or real values (regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; the loss is their weighted mean.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            Validation data, scored after every epoch (every 'lbfgs' iteration)
            instead of a held-out ``validation_fraction`` of ``X``, which then
            all trains. With ``early_stopping=True`` ('sgd', 'adam') training
            stops on its score and keeps the weights of its best score;
            otherwise its score and loss are only recorded (``history_``,
            ``validation_scores_``, ``validation_loss_curve_``). Checked
            before training starts. In a ``Pipeline`` the steps before this
            estimator do not transform it unless the pipeline is told to
            (``transform_input=["X_val"]``, with metadata routing).
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``; classes must be among those of ``y``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Non-negative weights of the validation score and loss
            (``class_weight`` applies to them as to ``sample_weight``).

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sklmlp import MLPClassifierPrimer
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
        ...                           max_iter=1000, random_state=0)
        >>> clf.fit(X, y)
        MLPClassifierPrimer(hidden_layer_sizes=(8,), max_iter=1000, random_state=0,
                            solver='lbfgs')
        >>> clf.n_iter_ > 0, len(clf.loss_curve_) == clf.n_iter_
        (True, True)
        """
        return self._fit(
            X,
            y,
            sample_weight=sample_weight,
            incremental=False,
            validation=(X_val, y_val, sample_weight_val),
        )

    def _check_solver(self):
        if self.solver not in OPTIMIZERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        """Declare sparse input support."""
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
