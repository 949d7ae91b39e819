"""The parameter and attribute documentation both estimators share.

Each public estimator's docstring holds ``{shared_parameters}`` and
``{shared_attributes}``; :func:`with_shared_docs` fills them in, so that a
parameter is documented once and reads the same on both pages.
"""

SHARED_PARAMETERS_DOC = """
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
        trains on all the data, as in scikit-learn. Validation data given to
        ``fit`` (``X_val``, ``y_val``) is scored instead of a held-out share.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping; ignored when
        ``fit`` is given ``X_val`` and ``y_val``.

    beta_1 : float, default=0.9
        Decay rate of Adam's first moment estimate, in [0, 1).

    beta_2 : float or 'auto', default='auto'
        Decay rate of Adam's second moment estimate, in [0, 1). 'auto' is 0.95
        (RealMLP's choice, measured better on real tables) under
        ``defaults='tabular'`` and scikit-learn's 0.999 under
        ``defaults='sklearn'``.

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
        Each is called after every epoch (every iteration of 'lbfgs'), in
        list order, as ``callback(estimator, info)``, the estimator holding
        that epoch's weights; ``info`` holds 'epoch' and 'loss', with 'sgd'
        and 'adam' the epoch's 'learning_rate' and, with early stopping,
        'validation_score' and 'validation_loss', and whatever the callbacks
        before in the list added (one dict goes along the list). A callback
        returning True stops training cleanly (no ConvergenceWarning).
        Optional methods ``on_train_begin(estimator, run)`` and
        ``on_train_end(estimator)`` bracket every call to ``fit`` and
        ``partial_fit``. :mod:`sklmlp.callbacks` has ready-made ones: scores,
        early stopping, checkpoints, learning-rate schedules, a progress bar.

    batch_norm : bool or list of bool, default=False
        Batch normalization (Ioffe and Szegedy, 2015) of every hidden layer, or
        one flag per hidden layer: a layer's pre-activations (each maxout piece)
        are normalized to zero mean and unit variance, then scaled and shifted
        by learned parameters, before the activation. While training, a batch
        is normalized with its own (sample-weighted) statistics; predictions,
        scores, ``hidden_activations`` and early stopping's held-out score use
        the running statistics. A normalized layer has no bias (the shift
        replaces it). A batch of one row cannot be normalized by its own
        statistics: it is normalized with the running ones and leaves them
        as they are. 'lbfgs' trains on the statistics of the whole training
        set, and ends with them as running statistics.

    batch_norm_momentum : float, default=0.1
        Weight of each batch in the running statistics, in (0, 1], as in
        PyTorch's ``BatchNorm1d``: ``running = (1 - momentum) * running +
        momentum * batch`` (Keras's ``momentum=0.99`` is 0.01 here). The
        running variance is the biased one that normalized the batch.

    batch_norm_epsilon : float, default=1e-5
        Added to the variance before its square root.

    input_scaling : {'auto', 'standard', 'robust'} or None, default='auto'
        How the network takes its inputs. 'standard' centers each column on its
        mean and divides it by its standard deviation, 'robust' on its median
        and by its interquartile range (half its range where that is zero);
        both then clip smoothly, ``z / sqrt(1 + (z / 5) ** 2)``, so that no
        outlier or unseen extreme value reaches the first layer at full size.
        The statistics are weighted by ``sample_weight`` and fixed by the first
        ``fit`` or ``partial_fit``; the scaling is part of the model (predict,
        ONNX export), so raw features need no scaler in front. A model fitted
        on sparse input keeps it sparse: it divides each column by its largest
        absolute value and does not center; a model fitted on dense input
        centers sparse input too (densifying it). None takes the inputs as
        given. 'auto' is 'standard' for the classifier and 'robust' for the
        regressor under ``defaults='tabular'`` (each measured best on its
        task), None under ``defaults='sklearn'``.

    defaults : {'tabular', 'sklearn'}, default='tabular'
        What the parameters left at 'auto' become (``input_scaling``,
        ``beta_2``, and the regressor's ``normalize_y``). 'tabular' is what
        measured best on real tabular data (see the user guide, "Deliberate
        differences"); 'sklearn' is scikit-learn's ``MLPClassifier`` /
        ``MLPRegressor`` exactly: with the same ``random_state`` the same
        weights, batches, updates and predictions. A parameter set
        explicitly is used as given under either.
"""

SHARED_ATTRIBUTES_DOC = """
    loss_ : float
        The current loss: the objective at the end of the last epoch (the mean of
        the batch objectives, as scikit-learn) or at the lbfgs solution.

    best_loss_ : float or None
        Lowest training loss seen (None with early stopping).

    input_center_, input_scale_ : ndarray of shape (n_features,) or None
        The input scaling's per-column center and scale (``(X - center) /
        scale``, then the smooth clipping); None when the inputs are taken as
        given.

    history_ : list of dict
        One dict per epoch (lbfgs: iteration) since the model was started:
        ``'epoch'`` (counted within its call), ``'loss'``, with early stopping
        ``'validation_score'`` and ``'validation_loss'``, ``'learning_rate'``
        (stochastic solvers), what callbacks added (the scores of
        :class:`~sklmlp.callbacks.EpochScoring`), and ``'time'``, the epoch's
        wall-clock seconds. It is the ``info`` the callbacks get; the four
        attributes below are read from it.

    loss_curve_ : list of float
        Loss after each epoch (stochastic solvers) or each iteration ('lbfgs').

    validation_scores_ : list of float or None
        Held-out score after each epoch when ``early_stopping=True``, or the
        score of the ``X_val`` given to ``fit`` (None after a fit that had no
        validation data).

    validation_loss_curve_ : list of float or None
        Held-out loss (without the L2 term) after each epoch when
        ``early_stopping=True``, or the loss of the given ``X_val``.

    best_validation_score_ : float or None
        Best held-out (or given validation) score when ``early_stopping=True``:
        the score of the weights kept.

    epoch_scores_ : dict of str to list of float
        The scores :class:`~sklmlp.callbacks.EpochScoring` callbacks computed
        after each epoch, by name; empty without them.

    t_ : int
        Training samples seen by the stochastic solver.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix of layer ``i``, shape
        ``(fan_in, fan_out)``; for a maxout layer ``fan_out`` is
        ``units * maxout_pieces``, unit ``u`` owning columns ``u * k`` to
        ``u * k + k - 1``.

    intercepts_ : list of (ndarray or None)
        ``intercepts_[i]`` is the bias vector of layer ``i``; None for a
        batch-normalized layer, which has none.

    prelu_slopes_ : list of (ndarray or None)
        One entry per hidden layer: the learned PReLU slopes, or None.

    batch_norm_scale_, batch_norm_shift_ : list of (ndarray or None)
        One entry per hidden layer: the learned scale and shift of its
        normalized pre-activations (shape ``(fan_out,)`` as ``coefs_[i]``'s
        columns), or None where the layer is not normalized.

    batch_norm_mean_, batch_norm_var_ : list of (ndarray or None)
        One entry per hidden layer: the running mean and (biased) variance
        that normalize it outside training, or None.

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
        Learnable parameters: weights, biases, PReLU slopes and batch
        normalization's scales and shifts (not its running statistics).

    n_neurons_ : int
        Neurons, counted as the notes count them (hidden and output units, the
        input layer excluded).
"""


def with_shared_docs(cls):
    """Fill the shared sections into the docstring of ``cls``.

    Parameters
    ----------
    cls : type
        An estimator class whose docstring holds the placeholders.

    Returns
    -------
    type
        ``cls``, its docstring completed.
    """
    cls.__doc__ = cls.__doc__.replace("{shared_parameters}", SHARED_PARAMETERS_DOC)
    cls.__doc__ = cls.__doc__.replace("{shared_attributes}", SHARED_ATTRIBUTES_DOC)
    return cls
