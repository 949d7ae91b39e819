"""ONNX export of sklmlp's estimators, through skl2onnx.

Importing this module registers a parser, a shape calculator and a converter for
:class:`~sklmlp.MLPClassifierPrimer` and :class:`~sklmlp.MLPRegressorPrimer`
with skl2onnx. From then on ``skl2onnx.to_onnx`` and
``skl2onnx.convert_sklearn`` convert a fitted estimator alone or inside any
pipeline or meta-estimator that skl2onnx converts, and onnxruntime (or any
ONNX runtime) serves the model without Python, NumPy or scikit-learn.
``import sklmlp`` never imports skl2onnx; install it with
``pip install "sklmlp[onnx]"``.

The graph computes what ``predict``, ``predict_proba``, ``decision_function``
compute, with the same formulas (those of ``sklmlp._core.losses``), in the dtype of
its input: a ``DoubleTensorType`` input computes in float64, a
``FloatTensorType`` (or integer) input in float32.

- A model that scales its inputs (``input_scaling``) starts with
  ``(X - input_center_) / input_scale_`` and the smooth clipping
  ``z / sqrt(1 + (z / 5)^2)``.
- Each layer is ``MatMul`` + ``Add`` on its weights and biases, then its
  activation: ``Sigmoid``, ``Tanh``, ``Relu``, ``LeakyRelu`` and ``PRelu``
  with the learned slopes (in float64, which onnxruntime runs neither of in,
  their formulas ``Max(z, slope * z)`` and ``Relu(z) + slopes * Min(z, 0)``),
  and maxout as ``Reshape`` to ``(n, units, pieces)`` + ``ReduceMax``. A
  batch-normalized layer is, at inference, the affine map ``z * k + c`` of
  its running statistics: it is folded into the layer's ``MatMul`` and
  ``Add`` (weights ``W * k``, bias ``c``).
- Classifiers output the labels (``ArgMax`` + ``Gather`` on the classes;
  ``score > 0`` per label for multilabel targets) and, under
  ``loss='log_loss'``, the probabilities: ``exp`` of the log-softmax of the
  scores (of the pair ``(0, z)`` per output for the logistic), floored at the
  log of the smallest normal number and clipped below 1, as ``predict_proba``
  does. Under ``loss='hinge'`` the second output holds the margins of
  ``decision_function``; a binary model gives two columns ``(-d, d)``, as
  skl2onnx's binary linear classifiers do, so that ZipMap has one per class.
- Regressors output ``y_offset_ + y_scale_ * out`` (``out`` alone when the
  targets are not rescaled), where ``out`` is the output layer's scores, or their
  exponential under ``loss='poisson'``, clipped before ``Exp`` as the
  estimator clips them. The output has shape ``(n_samples, n_outputs)``.

Classifier options are those of scikit-learn's classifier converters:
``zipmap`` (True, False or ``'columns'``), ``nocl`` and
``output_class_labels``. ONNX's ZipMap takes float32 probabilities only, so a
float64 classifier needs ``zipmap=False`` or ``'columns'``.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> from sklearn.datasets import load_iris
>>> import sklmlp.onnx  # registers the converters
>>> from sklmlp import MLPClassifierPrimer
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), solver="lbfgs",
...                           max_iter=300, random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> labels, proba = session.run(None, {"X": X})
>>> bool((labels == clf.predict(X)).all())
True
>>> bool(np.allclose(proba, clf.predict_proba(X), rtol=1e-5, atol=1e-5))
True
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx._parse import _parse_sklearn_classifier
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int32TensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.utils import check_input_and_output_numbers
from sklearn.utils.validation import check_is_fitted

from ._classifier import MLPClassifierPrimer
from ._core.batchnorm import inference_affine
from ._core.input_scaling import BOUND
from ._core.losses import _log_max
from ._regressor import MLPRegressorPrimer

__all__ = ["CLASSIFIER_OPTIONS", "MIN_OPSET", "register_converters"]

CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}
"""Options the classifier converter takes, with their allowed values."""

MIN_OPSET = 13
"""Oldest ONNX opset the converters write (``Unsqueeze`` and ``Clip`` inputs)."""

_ALIASES = {
    MLPClassifierPrimer: "SklmlpMLPClassifierPrimer",
    MLPRegressorPrimer: "SklmlpMLPRegressorPrimer",
}
_INPUT_TYPES = (
    FloatTensorType,
    DoubleTensorType,
    Int64TensorType,
    Int32TensorType,
    BooleanTensorType,
)


# -- the graph under construction -----------------------------------------------


class _Graph:
    """Adds nodes and constants to a skl2onnx container in one compute dtype."""

    def __init__(self, scope, operator, container):
        self.scope = scope
        self.container = container
        double = isinstance(operator.inputs[0].type, DoubleTensorType)
        self.dtype = np.dtype(np.float64 if double else np.float32)
        self.proto = TensorProto.DOUBLE if double else TensorProto.FLOAT
        self.opset = container.target_opset_any_domain("")
        if self.opset < MIN_OPSET:
            raise RuntimeError(
                f"sklmlp's ONNX converters write opset {MIN_OPSET} or newer "
                f"operators (Unsqueeze and Clip with tensor inputs); got "
                f"target_opset={self.opset}. Pass target_opset>={MIN_OPSET}."
            )

    def const(self, value, dtype=None):
        """Add ``value`` as an initializer; return its name.

        ``dtype`` None stores it in the compute dtype; ``np.int64`` and ``str``
        store indices, shapes and class labels.
        """
        if dtype is str:
            value = np.asarray(value, dtype=str)
            proto, content = TensorProto.STRING, [v.encode() for v in value.ravel()]
        elif dtype is None:
            value = np.asarray(value, dtype=self.dtype)
            proto, content = self.proto, value.ravel()
        else:
            value = np.asarray(value, dtype=np.int64)
            proto, content = TensorProto.INT64, value.ravel()
        name = self.scope.get_unique_variable_name("c")
        self.container.add_initializer(name, proto, list(value.shape), content)
        return name

    def node(self, op_type, inputs, output=None, **attrs):
        """Add one node; return the name of its output."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type,
            list(inputs),
            output,
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output

    def input(self, variable):
        """Return the model input, cast to the compute dtype unless a float."""
        if isinstance(variable.type, FloatTensorType | DoubleTensorType):
            return variable.full_name
        return self.node("Cast", [variable.full_name], to=self.proto)


# -- layers ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """One layer at inference: ``activation(a @ weights + bias)``."""

    weights: np.ndarray
    bias: np.ndarray
    activation: str = "identity"
    slopes: np.ndarray | None = None


def _affine_layers(model):
    """Return the effective ``(weights, bias)`` of every layer, output layer last.

    The one place that reads the fitted affine parameters: a per-layer
    transform applied at inference (a batch normalization folded into the
    weights) is substituted here, and every layer's ``MatMul`` + ``Add`` follows.
    """
    layers = []
    eps = model._network.batch_norm_epsilon
    norms = [*model._norms(), None]  # the output layer is never normalized
    for W, b, views in zip(model.coefs_, model.intercepts_, norms):
        if views is not None:
            # Inference-mode normalization is the affine map z * k + c: fold it
            # into the layer, W k and c, as the estimator computes it.
            k, c = inference_affine(views, eps)
            W, b = W * k, c
        layers.append((W, b))
    return layers


def _layers(model):
    affine = _affine_layers(model)
    names = list(model.layer_activations_) + ["identity"]
    slopes = list(model.prelu_slopes_) + [None]
    return [_Layer(w, b, name, s) for (w, b), name, s in zip(affine, names, slopes)]


def _sigmoid(g, z, layer, options):
    return g.node("Sigmoid", [z])


def _tanh(g, z, layer, options):
    return g.node("Tanh", [z])


def _relu(g, z, layer, options):
    return g.node("Relu", [z])


def _leaky_relu(g, z, layer, options):
    # The estimator computes max(z, slope * z), the slope in the compute dtype.
    # LeakyRelu's alpha attribute is a float32, and onnxruntime runs LeakyRelu
    # in float32 only: float64 takes the estimator's formula.
    slope = float(options["leaky_relu_slope"])
    if g.dtype == np.float32:
        return g.node("LeakyRelu", [z], alpha=slope)
    return g.node("Max", [z, g.node("Mul", [z, g.const(slope)])])


def _prelu(g, z, layer, options):
    # max(0, z) + a_j min(0, z) is z where z > 0 and a_j z elsewhere: PRelu's
    # definition, with one slope per unit broadcast over the rows. onnxruntime
    # has PRelu in float32 only; float64 takes the estimator's formula.
    slopes = g.const(layer.slopes)
    if g.dtype == np.float32:
        return g.node("PRelu", [z, slopes])
    negative = g.node("Mul", [g.node("Min", [z, g.const(0.0)]), slopes])
    return g.node("Add", [g.node("Relu", [z]), negative])


def _maxout(g, z, layer, options):
    # Unit u owns columns u*k .. u*k+k-1: a (n, units, k) view, max over k.
    k = int(options["maxout_pieces"])
    units = layer.weights.shape[1] // k
    shape = g.const([-1, units, k], dtype=np.int64)
    pieces = g.node("Reshape", [z, shape])
    if g.opset >= 18:  # ReduceMax takes its axes as an input from opset 18 on
        return g.node("ReduceMax", [pieces, g.const([2], np.int64)], keepdims=0)
    return g.node("ReduceMax", [pieces], axes=[2], keepdims=0)


_ACTIVATION_NODES = {
    "identity": lambda g, z, layer, options: z,
    "logistic": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "prelu": _prelu,
    "maxout": _maxout,
}
"""Canonical activation name -> ``f(graph, z, layer, options) -> output name``."""


def _scaled_inputs(g, model, X):
    """Add the input scaling and smooth clipping, where the model has them."""
    center = model.__dict__.get("input_center_")
    if center is None:
        return X
    z = g.node(
        "Div", [g.node("Sub", [X, g.const(center)]), g.const(model.input_scale_)]
    )
    # z / sqrt(1 + (z / bound)^2), clipped first to +-1e18 (where the result is
    # the bound to working precision) as the estimator computes it, so that
    # the square overflows neither float32 nor float64.
    z = g.node("Clip", [z, g.const(-1e18), g.const(1e18)])
    u = g.node("Div", [z, g.const(BOUND)])
    root = g.node("Sqrt", [g.node("Add", [g.node("Mul", [u, u]), g.const(1.0)])])
    return g.node("Div", [z, root])


def _scores(g, model, X):
    """Add the forward pass; return the name of the raw output scores."""
    a = _scaled_inputs(g, model, X)
    options = model._network.options
    for layer in _layers(model):
        z = g.node("MatMul", [a, g.const(layer.weights)])
        z = g.node("Add", [z, g.const(layer.bias)])
        a = _ACTIVATION_NODES[layer.activation](g, z, layer, options)
    return a


# -- output layers --------------------------------------------------------------


def _probabilities(g, log_p):
    # predict_proba: exp(max(log_p, log(tiny))), clipped to [tiny, 1 - eps/2].
    tiny = np.finfo(g.dtype).tiny
    floor = g.const(np.log(g.dtype.type(tiny)))
    p = g.node("Exp", [g.node("Max", [log_p, floor])])
    below_one = np.nextafter(g.dtype.type(1), g.dtype.type(0))
    return g.node("Clip", [p, g.const(tiny), g.const(below_one)])


def _pairs(g, scores, hinge):
    # One output column z -> the two class scores: (0, z) for the logistic,
    # whose log-softmax is (log(1 - s(z)), log s(z)); (-z, z) for the hinge.
    # A product with a 1 x 2 matrix: one term per entry, so exact.
    return g.node("MatMul", [scores, g.const([[-1.0 if hinge else 0.0, 1.0]])])


def _multiclass(g, scores, hinge):
    index = g.node("ArgMax", [scores], axis=1, keepdims=0)
    if hinge:
        return index, scores
    return index, _probabilities(g, g.node("LogSoftmax", [scores], axis=1))


def _binary(g, scores, hinge):
    # predict picks classes_[1] when z > 0; ArgMax of (0, z) or (-z, z) picks
    # column 1 exactly then (a tie goes to the first column, as z == 0 does).
    pairs = _pairs(g, scores, hinge)
    index = g.node("ArgMax", [pairs], axis=1, keepdims=0)
    if hinge:
        return index, pairs
    return index, _probabilities(g, g.node("LogSoftmax", [pairs], axis=1))


def _multilabel(g, scores, hinge):
    zero = g.const(0.0)
    labels = g.node("Cast", [g.node("Greater", [scores, zero])], to=TensorProto.INT64)
    if hinge:
        return labels, scores
    # Per label, the log-softmax of the pair (0, z) and its second entry.
    column = g.node("Unsqueeze", [scores, g.const([2], np.int64)])
    log_pairs = g.node("LogSoftmax", [_pairs(g, column, hinge)], axis=2)
    log_p = g.node("Gather", [log_pairs, g.const(1, np.int64)], axis=2)
    return labels, _probabilities(g, log_p)


_CLASSIFIER_OUTPUTS = {
    "multiclass": _multiclass,
    "binary": _binary,
    "multilabel-indicator": _multilabel,
}
"""Target type -> ``f(graph, scores, hinge) -> (label index or labels, second)``."""


def _class_labels(model):
    """Return the class labels as the graph outputs them: int64 or str values.

    ONNX's label outputs and ZipMap's keys are int64 or strings; skl2onnx
    writes whole-number float and bool labels as int64, and so does this.
    """
    classes = np.asarray(model.classes_)
    if classes.dtype.kind == "O":
        # np.unique of an object column: all strings, or all integers.
        if all(isinstance(c, str) for c in classes):
            classes = classes.astype(str)
        elif all(isinstance(c, Integral) for c in classes):
            classes = classes.astype(np.int64)
    if classes.dtype.kind in "US":
        return classes.astype(str)
    if classes.dtype.kind in "biu" or (
        classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes))
    ):
        return classes.astype(np.int64)
    raise ValueError(
        f"Cannot export {type(model).__name__} with class labels "
        f"{model.classes_!r} to ONNX: ONNX label outputs (and ZipMap's keys) "
        "hold int64 or strings only, and these are neither strings nor whole "
        "numbers. Encode the labels (e.g. with sklearn.preprocessing."
        "LabelEncoder) before fitting, or export with options={'nocl': True} "
        "for class indices."
    )


def _check_exportable(model):
    """Raise if ``model`` is unfitted or holds something the converters lack."""
    check_is_fitted(model)
    name = type(model).__name__
    unknown = sorted(set(model.layer_activations_) - set(_ACTIVATION_NODES))
    if unknown:
        raise NotImplementedError(
            f"Cannot export this {name} to ONNX: its hidden layers use "
            f"activation(s) {unknown}, which sklmlp.onnx has no ONNX translation "
            f"for (it translates {sorted(_ACTIVATION_NODES)})."
        )
    output = model._network.loss_kind.output
    known = _OUTPUT_ACTIVATIONS[type(model)]
    if output not in known:
        raise NotImplementedError(
            f"Cannot export this {name} to ONNX: its output activation "
            f"{output!r} has no ONNX translation (known: {sorted(known)})."
        )
    if isinstance(model, MLPClassifierPrimer):
        y_type = model._label_binarizer.y_type_
        if y_type not in _CLASSIFIER_OUTPUTS:
            raise NotImplementedError(
                f"Cannot export this {name} to ONNX: it was fitted on a "
                f"{y_type!r} target (exportable: {sorted(_CLASSIFIER_OUTPUTS)})."
            )


_OUTPUT_ACTIVATIONS = {
    MLPClassifierPrimer: {"softmax", "logistic", "identity"},
    MLPRegressorPrimer: {"identity", "exp"},
}


def _output_type(input_type):
    if isinstance(input_type, DoubleTensorType):
        return DoubleTensorType
    return FloatTensorType


def _n_rows(operator, n_outputs):
    """Check the operator's input; return its number of rows (None if unknown)."""
    check_input_and_output_numbers(
        operator, input_count_range=1, output_count_range=n_outputs
    )
    model = operator.raw_operator
    variable = operator.inputs[0]
    if not isinstance(variable.type, _INPUT_TYPES):
        raise TypeError(
            f"{type(model).__name__}'s ONNX converter takes a float, double, "
            f"int or bool tensor, got {variable.type!r} for input "
            f"{variable.onnx_name!r}."
        )
    shape = variable.type.shape
    if (
        shape is not None
        and len(shape) == 2
        and isinstance(shape[1], int)
        and shape[1] != model.n_features_in_
    ):
        raise ValueError(
            f"{type(model).__name__} was fitted on {model.n_features_in_} "
            f"features, but its ONNX input {variable.onnx_name!r} has "
            f"{shape[1]} columns."
        )
    return variable.get_first_dimension()


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    g = _Graph(scope, operator, container)
    nocl = container.get_options(model, dict(nocl=False))["nocl"]
    scores = _scores(g, model, g.input(operator.inputs[0]))
    hinge = model._network.loss_kind.output == "identity"
    y_type = model._label_binarizer.y_type_
    labels, second = _CLASSIFIER_OUTPUTS[y_type](g, scores, hinge)
    label_name = operator.outputs[0].full_name
    if y_type == "multilabel-indicator" or nocl:
        g.node("Identity", [labels], output=label_name)
    else:
        classes = _class_labels(model)
        classes = g.const(classes, str if classes.dtype.kind == "U" else np.int64)
        g.node("Gather", [classes, labels], output=label_name, axis=0)
    g.node("Identity", [second], output=operator.outputs[1].full_name)


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    g = _Graph(scope, operator, container)
    out = _scores(g, model, g.input(operator.inputs[0]))
    if model._network.loss_kind.output == "exp":
        # _clipped_exp: scores above log(max) - 4 would overflow.
        out = g.node("Exp", [g.node("Min", [out, g.const(_log_max(g.dtype))])])
    if getattr(model, "y_scale_", None) is not None:
        # predict: predictions *= y_scale_, then += y_offset_ (0 under poisson).
        out = g.node("Mul", [out, g.const(model.y_scale_)])
        if np.any(model.y_offset_ != 0):
            out = g.node("Add", [out, g.const(model.y_offset_)])
    g.node("Identity", [out], output=operator.outputs[0].full_name)


# -- skl2onnx's hooks -------------------------------------------------------------


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    _check_exportable(model)
    options = scope.get_options(model, dict(zipmap=True, nocl=False))
    if not options["nocl"] and model._label_binarizer.y_type_ != "multilabel-indicator":
        _class_labels(model)  # raises on labels ONNX cannot hold
    if options["zipmap"] is True and isinstance(inputs[0].type, DoubleTensorType):
        raise ValueError(
            f"Cannot export {type(model).__name__} with option zipmap=True for "
            "a double (float64) input: ONNX's ZipMap operator takes float32 "
            "probabilities only. Pass options={'zipmap': False} (a probability "
            "tensor) or {'zipmap': 'columns'} (one output per class), or a "
            "FloatTensorType input."
        )
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


def _parse_regressor(scope, model, inputs, custom_parsers=None):
    _check_exportable(model)
    operator = scope.declare_local_operator(_ALIASES[type(model)], model)
    operator.inputs = inputs
    variable = scope.declare_local_variable("variable", _output_type(inputs[0].type)())
    operator.outputs.append(variable)
    return operator.outputs


def _classifier_shapes(operator):
    n = _n_rows(operator, 2)
    model = operator.raw_operator
    y_type = model._label_binarizer.y_type_
    width = 2 if y_type == "binary" else len(model.classes_)
    floats = _output_type(operator.inputs[0].type)
    if y_type == "multilabel-indicator":
        label_type = Int64TensorType([n, width])
    else:
        nocl = operator.scope_inst.get_options(model, dict(nocl=False))["nocl"]
        numbers = nocl or _class_labels(model).dtype.kind == "i"
        label_type = (Int64TensorType if numbers else StringTensorType)([n])
    operator.outputs[0].type = label_type
    operator.outputs[1].type = floats([n, width])


def _regressor_shapes(operator):
    n = _n_rows(operator, 1)
    floats = _output_type(operator.inputs[0].type)
    operator.outputs[0].type = floats([n, operator.raw_operator.n_outputs_])


def register_converters():
    """Register the estimators' ONNX converters with skl2onnx.

    Importing :mod:`sklmlp.onnx` calls this already; call it again after
    something else has replaced the registrations. Each estimator gets a
    parser, a shape calculator and a converter, and the classifier the options
    in :data:`CLASSIFIER_OPTIONS`.

    Returns
    -------
    dict
        The skl2onnx alias registered for each estimator class.

    Examples
    --------
    >>> from sklmlp.onnx import register_converters
    >>> sorted(register_converters().values())
    ['SklmlpMLPClassifierPrimer', 'SklmlpMLPRegressorPrimer']
    """
    update_registered_converter(
        MLPClassifierPrimer,
        _ALIASES[MLPClassifierPrimer],
        _classifier_shapes,
        _convert_classifier,
        parser=_parse_classifier,
        options={name: list(values) for name, values in CLASSIFIER_OPTIONS.items()},
    )
    update_registered_converter(
        MLPRegressorPrimer,
        _ALIASES[MLPRegressorPrimer],
        _regressor_shapes,
        _convert_regressor,
        parser=_parse_regressor,
    )
    return {cls.__name__: alias for cls, alias in _ALIASES.items()}


register_converters()
