"""ONNX export: onnxruntime against the estimators, configuration by configuration.

Every configuration is fitted in float32 and float64, alone and inside
``Pipeline(StandardScaler(), ...)``, exported with ``skl2onnx.to_onnx`` and run
by onnxruntime on 1,200 rows: 600 at the training data's scale, then 600 scaled
up 10 to 10,000 times (saturated units, large scores, clipped probabilities and
exponentials). The labels must equal ``predict``, and the numbers
``predict_proba`` / ``decision_function`` / ``predict`` must agree to rounding,
rtol 1e-5 in float32 and 1e-10 in float64:

- on every row, to rtol of the scale of the row's scores (``_score_scale``): a
  score summed from terms of 10,000 is known to 1e-3 in float32 however small it
  is, in either implementation, and a probability or an exponential moves with
  it (by ``p * dz``);
- probabilities on the rows at the training scale, where that rounding is far
  below rtol, also to ``rtol * (p + largest p of the row)``.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.activations import ACTIVATIONS
from sklmlp._core.batchnorm import inference_affine

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")
sklmlp_onnx = pytest.importorskip("sklmlp.onnx")

from skl2onnx.common.data_types import (  # noqa: E402
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
)

RTOL = {np.float32: 1e-5, np.float64: 1e-10}
DTYPES = [np.float32, np.float64]
N_FEATURES = 5
RNG = np.random.RandomState(0)
X_TRAIN = RNG.randn(150, N_FEATURES)
# 600 typical rows, then 150 rows at each of 10x, 100x, 1,000x and 10,000x.
X_EVAL = np.vstack(
    [RNG.randn(600, N_FEATURES)]
    + [scale * RNG.randn(150, N_FEATURES) for scale in (10, 100, 1e3, 1e4)]
)
N_TYPICAL = 600
FIT = dict(max_iter=20, learning_rate_init=0.01, random_state=0)


def _targets(X):
    """Classification targets of every kind, from the first three features."""
    a, b, c = X[:, 0] + X[:, 1] > 0, X[:, 0] - X[:, 2] > 0.5, X[:, 2] > 0
    three = a.astype(int) + b.astype(int)
    return {
        "binary-int": np.where(a, 1, -1),
        "binary-str": np.where(a, "yes", "no"),
        "multiclass-int": np.array([3, 7, 11])[three],
        "multiclass-str": np.array(["ant", "bee", "cat"])[three],
        "multilabel": np.c_[a, b, c].astype(int),
    }


def _fit(estimator, X, y, dtype, pipeline):
    model = make_pipeline(StandardScaler(), estimator) if pipeline else estimator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X.astype(dtype), y)


def _session(onx):
    options = ort.SessionOptions()
    options.log_severity_level = 3  # skl2onnx's own meta-estimator graphs warn
    return ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def _run(model, X, **kwargs):
    session = _session(skl2onnx.to_onnx(model, X[:1], **kwargs))
    return session.run(None, {session.get_inputs()[0].name: X})


def _estimator(model):
    return model[-1] if isinstance(model, Pipeline) else model


def _score_scale(model, X):
    """Per row, the scale of the rounding error in the output scores.

    The network run on ``|input|`` with ``|weights|`` and ``|biases|``
    (activations pass it on: all are 1-Lipschitz but PReLU, scaled by its
    largest slope; maxout takes the largest piece). A score is a sum of terms
    that large, so two float computations of it differ by a few roundoffs of
    this, whatever the score's own size: a score of 20 summed from terms of
    10,000 is only known to 1e-3 in float32.
    """
    estimator = _estimator(model)
    if estimator is not model:
        X = model[:-1].transform(X)
    a = np.abs(np.asarray(X, dtype=np.float64))
    pieces = estimator._network.options["maxout_pieces"]
    activations = [*estimator.layer_activations_, "identity"]
    slopes = [*estimator.prelu_slopes_, None]
    norms = [*estimator._norms(), None]
    eps = estimator._network.batch_norm_epsilon
    for W, b, name, slope, views in zip(
        estimator.coefs_, estimator.intercepts_, activations, slopes, norms
    ):
        if views is not None:  # normalization at predict time: z * k + c
            k, b = inference_affine(views, eps)
            W = W * k
        a = a @ np.abs(W) + np.abs(b)
        if name == "maxout":
            a = a.reshape(len(a), -1, pieces).max(axis=2)
        if slope is not None:
            a *= max(1.0, float(np.abs(slope).max()))
    return a.max(axis=1, keepdims=True)


def _assert_within(actual, expected, tolerance, dtype):
    actual = np.asarray(actual)
    assert actual.dtype == dtype
    expected = np.asarray(expected).reshape(len(expected), -1)
    error = np.abs(actual.reshape(expected.shape) - expected)
    # Below the smallest normal number (where predict_proba clips, and exp
    # underflows into denormals) float results have no relative accuracy.
    tolerance = tolerance + np.finfo(dtype).tiny
    bad = ~(error <= tolerance)
    worst = float(np.max(error / np.maximum(tolerance, 1e-300)))
    assert not bad.any(), f"{bad.sum()} of {bad.size} off, worst {worst:.3g}x tol"


def _assert_proba_close(actual, expected, model, X, dtype):
    # Softmax and logistic: scores off by dz move p by p * (dz - E_p[dz]), at
    # most 2 p max|dz|; exp and log-softmax add their own roundoff, rtol * p.
    tolerance = RTOL[dtype] * expected * (1 + 2 * _score_scale(model, X))
    if len(X) == len(X_EVAL):
        # At the training scale the scores' rounding is far below rtol, and the
        # probabilities must agree to rtol of the row's largest one.
        typical = expected[:N_TYPICAL]
        plain = RTOL[dtype] * (typical + typical.max(axis=1, keepdims=True))
        np.minimum(tolerance[:N_TYPICAL], plain, out=tolerance[:N_TYPICAL])
    _assert_within(actual, expected, tolerance, dtype)


def _assert_scores_close(actual, expected, model, X, dtype):
    tolerance = RTOL[dtype] * (
        np.abs(expected).reshape(len(X), -1) + _score_scale(model, X)
    )
    _assert_within(actual, expected, tolerance, dtype)


def _assert_predictions_close(actual, expected, model, X, dtype):
    estimator = _estimator(model)
    expected = expected.reshape(len(X), -1)
    if estimator._network.loss_kind.output == "exp":
        # y_scale_ * exp(z): a relative error of dz.
        tolerance = RTOL[dtype] * np.abs(expected) * (1 + _score_scale(model, X))
        if estimator.y_scale_ is not None:
            tolerance += estimator.y_scale_ * np.finfo(dtype).tiny
    else:
        scale = 1.0 if estimator.y_scale_ is None else estimator.y_scale_
        tolerance = RTOL[dtype] * (np.abs(expected) + scale * _score_scale(model, X))
    _assert_within(actual, expected, tolerance, dtype)


def _assert_classifier_matches(model, X, dtype):
    """Labels equal predict; the second output equals probabilities or margins."""
    labels, second = _run(model, X, options={MLPClassifierPrimer: {"zipmap": False}})
    np.testing.assert_array_equal(labels, model.predict(X))
    if hasattr(model, "predict_proba"):
        expected = model.predict_proba(X)
        _assert_proba_close(second, expected, model, X, dtype)
        # predict_proba's clipping, 1 ulp below 1 (which the tolerance would
        # not see), and at the smallest normal number.
        low, high = np.finfo(dtype).tiny, np.nextafter(dtype(1), dtype(0))
        assert low <= second.min() and second.max() <= high
        if expected.max() == high:  # saturated rows
            assert second.max() == high
        return
    margins = model.decision_function(X)
    if margins.ndim == 1:  # binary: the two columns are (-d, d)
        _assert_scores_close(second[:, 1], margins, model, X, dtype)
        np.testing.assert_array_equal(second[:, 0], -second[:, 1])
    else:
        _assert_scores_close(second, margins, model, X, dtype)


# -- every configuration, both dtypes, alone and in a pipeline --------------------

HIDDEN = {
    "identity": dict(activation="identity"),
    "logistic": dict(activation="logistic"),
    "sigmoid": dict(activation="sigmoid"),
    "tanh": dict(activation="tanh"),
    "relu": dict(activation="relu"),
    "leaky_relu": dict(activation="leaky_relu", leaky_relu_slope=0.1),
    "prelu": dict(activation="prelu"),
    "maxout": dict(activation="maxout", maxout_pieces=3),
    "per-layer": dict(
        hidden_layer_sizes=(7, 6, 5), activation=["tanh", "maxout", "prelu"]
    ),
    "no-hidden": dict(hidden_layer_sizes=()),
    "batch-norm": dict(activation="relu", batch_norm=True),
    "batch-norm-per-layer": dict(
        hidden_layer_sizes=(7, 6, 5),
        activation=["tanh", "maxout", "prelu"],
        batch_norm=[True, True, False],
    ),
}


@pytest.mark.parametrize("pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("config", HIDDEN)
def test_hidden_layers(config, dtype, pipeline):
    params = {"hidden_layer_sizes": (8, 6), **HIDDEN[config], **FIT}
    y = _targets(X_TRAIN)["multiclass-int"]
    model = _fit(MLPClassifierPrimer(**params), X_TRAIN, y, dtype, pipeline)
    if config == "prelu":  # the slopes have moved away from their start
        slopes = (model[-1] if pipeline else model).prelu_slopes_[0]
        assert np.ptp(slopes) > 0
    if config.startswith("batch-norm"):  # statistics away from (0, 1)
        var = _estimator(model).batch_norm_var_[0]
        assert np.abs(var - 1).max() > 0.05
    _assert_classifier_matches(model, X_EVAL.astype(dtype), dtype)


@pytest.mark.parametrize("pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("loss", ["log_loss", "hinge"])
@pytest.mark.parametrize("target", list(_targets(X_TRAIN)))
def test_classifier_targets_and_losses(target, loss, dtype, pipeline):
    y = _targets(X_TRAIN)[target]
    estimator = MLPClassifierPrimer((8,), activation="tanh", loss=loss, **FIT)
    model = _fit(estimator, X_TRAIN, y, dtype, pipeline)
    _assert_classifier_matches(model, X_EVAL.astype(dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("loss", ["log_loss", "hinge"])
@pytest.mark.parametrize("target", ["binary-str", "multiclass-int", "multilabel"])
def test_scores_swept_through_the_tails(target, loss, dtype):
    # A net without hidden layer on rows along the weights of its last output:
    # that score sweeps -800 .. 800 in steps of 0.5, through the logistic's and
    # the softmax's tails (where an onnxruntime Sigmoid would be off by 100%
    # in float32 and 0.1% in float64) and predict_proba's clipping, while each
    # row's rounding scale stays that of its own score.
    y = _targets(X_TRAIN)[target]
    estimator = MLPClassifierPrimer((), loss=loss, **FIT)
    model = _fit(estimator, X_TRAIN, y, dtype, False)
    w = model.coefs_[0][:, -1].astype(np.float64)
    X = (np.linspace(-800, 800, 3201)[:, None] * w / (w @ w)).astype(dtype)
    _assert_classifier_matches(model, X, dtype)


@pytest.mark.parametrize("pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("normalize_y", [True, False], ids=["normalize", "raw-y"])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("batch_norm", [False, True], ids=["plain", "batch-norm"])
def test_regressor(batch_norm, n_outputs, loss, normalize_y, dtype, pipeline):
    y = np.c_[X_TRAIN[:, 0] - 2 * X_TRAIN[:, 1], X_TRAIN[:, 2]][:, :n_outputs]
    if loss == "poisson":
        y = np.exp(np.clip(y, -3, 1))
    else:
        y = 50 + 20 * y  # far from zero mean and unit scale: normalize_y matters
    estimator = MLPRegressorPrimer(
        loss,
        hidden_layer_sizes=(8,),
        normalize_y=normalize_y,
        batch_norm=batch_norm,
        # Poisson on unscaled inputs reaches the clipping of its exponential on
        # the extreme rows (checked below); the input scaling would bound them.
        input_scaling=None if loss == "poisson" else "auto",
        **FIT,
    )
    model = _fit(estimator, X_TRAIN, y.squeeze(), dtype, pipeline)
    X = X_EVAL.astype(dtype)
    (out,) = _run(model, X)
    assert out.shape == (len(X), n_outputs)
    _assert_predictions_close(out, model.predict(X), model, X, dtype)
    if loss == "poisson" and not pipeline:
        # The exponential was clipped on some rows, as the estimator clips it.
        scores = model._raw_scores(X)
        assert (scores > np.log(np.finfo(dtype).max) - 4).any()


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("input_scaling", ["standard", "robust"])
def test_input_scaling_is_exported(input_scaling, dtype):
    # Columns far from zero mean and unit scale, and evaluation rows far beyond
    # the training range (up to 1e30), where the smooth clipping bounds them.
    shift = np.array([1e4, -50.0, 0.0, 3.0, 1e-3, 0.0][:N_FEATURES])
    scale = np.array([1e3, 0.01, 1.0, 100.0, 1e-4, 5.0][:N_FEATURES])
    X_train = X_TRAIN * scale + shift
    X = np.vstack([X_EVAL * scale + shift, 1e30 * np.sign(X_EVAL[:20])]).astype(dtype)
    y = _targets(X_TRAIN)["multiclass-int"]
    classifier = _fit(
        MLPClassifierPrimer((8,), input_scaling=input_scaling, **FIT),
        X_train,
        y,
        dtype,
        False,
    )
    assert classifier.input_center_ is not None
    _assert_classifier_matches(classifier, X, dtype)
    regressor = _fit(
        MLPRegressorPrimer(hidden_layer_sizes=(8,), input_scaling=input_scaling, **FIT),
        X_train,
        50 + 20 * X_TRAIN[:, 0],
        dtype,
        False,
    )
    (out,) = _run(regressor, X)
    _assert_predictions_close(out, regressor.predict(X), regressor, X, dtype)


def test_regressor_normalize_y_is_used():
    # The regressor test above would pass vacuously if y_scale_ were 1.
    y = 50 + 20 * X_TRAIN[:, 0]
    model = _fit(
        MLPRegressorPrimer(hidden_layer_sizes=(4,), **FIT),
        X_TRAIN,
        y,
        np.float64,
        False,
    )
    assert model.y_scale_[0] > 10 and model.y_offset_[0] > 40


# -- dtypes and inputs ------------------------------------------------------------


@pytest.mark.parametrize(
    "model_dtype, input_type",
    [(np.float64, FloatTensorType), (np.float32, DoubleTensorType)],
    ids=["float64-model-float-input", "float32-model-double-input"],
)
def test_graph_computes_in_the_input_dtype(model_dtype, input_type):
    y = _targets(X_TRAIN)["multiclass-str"]
    model = _fit(MLPClassifierPrimer((8,), **FIT), X_TRAIN, y, model_dtype, False)
    compute = np.float64 if input_type is DoubleTensorType else np.float32
    onx = skl2onnx.to_onnx(
        model,
        initial_types=[("X", input_type([None, N_FEATURES]))],
        options={MLPClassifierPrimer: {"zipmap": False}},
    )
    labels, proba = _session(onx).run(None, {"X": X_EVAL.astype(compute)})
    assert proba.dtype == compute
    # The two computations differ by float32 rounding (one of them is float32).
    expected = model.predict_proba(X_EVAL)
    _assert_proba_close(proba.astype(np.float32), expected, model, X_EVAL, np.float32)
    assert np.mean(labels == model.predict(X_EVAL)) > 0.99


def test_integer_input_is_cast_to_float32():
    X = np.rint(X_TRAIN * 3).astype(np.int64)
    model = _fit(
        MLPRegressorPrimer(hidden_layer_sizes=(6,), **FIT), X, X[:, 0], np.int64, False
    )
    onx = skl2onnx.to_onnx(model, initial_types=[("X", Int64TensorType([None, 5]))])
    X_eval = np.rint(X_EVAL[:600] * 3).astype(np.int64)
    (out,) = _session(onx).run(None, {"X": X_eval})
    assert out.dtype == np.float32
    _assert_predictions_close(out, model.predict(X_eval), model, X_eval, np.float32)


def test_convert_sklearn_and_older_opset():
    # convert_sklearn with named inputs; opset 13 writes ReduceMax's axes as an
    # attribute (an input from opset 18 on).
    model = _fit(
        MLPClassifierPrimer((6,), activation="maxout", **FIT),
        X_TRAIN,
        _targets(X_TRAIN)["binary-str"],
        np.float32,
        False,
    )
    for opset in (13, 18):
        onx = skl2onnx.convert_sklearn(
            model,
            initial_types=[("features", FloatTensorType([None, N_FEATURES]))],
            options={id(model): {"zipmap": False}},
            target_opset=opset,
        )
        assert max(o.version for o in onx.opset_import if o.domain == "") <= opset
        X = X_EVAL.astype(np.float32)
        labels, proba = _session(onx).run(None, {"features": X})
        np.testing.assert_array_equal(labels, model.predict(X))
        _assert_proba_close(proba, model.predict_proba(X), model, X, np.float32)


# -- classifier options -------------------------------------------------------------


@pytest.fixture(scope="module")
def string_classifier():
    y = _targets(X_TRAIN)["multiclass-str"]
    return _fit(MLPClassifierPrimer((8,), **FIT), X_TRAIN, y, np.float32, False)


def test_zipmap_default_gives_one_dict_per_row(string_classifier):
    X = X_EVAL[:50].astype(np.float32)
    labels, rows = _run(string_classifier, X)
    np.testing.assert_array_equal(labels, string_classifier.predict(X))
    classes = string_classifier.classes_
    proba = np.array([[row[c] for c in classes] for row in rows], dtype=np.float32)
    expected = string_classifier.predict_proba(X)
    _assert_proba_close(proba, expected, string_classifier, X, np.float32)


def test_zipmap_columns_gives_one_output_per_class(string_classifier):
    X = X_EVAL[:50].astype(np.float32)
    labels, *columns = _run(
        string_classifier, X, options={MLPClassifierPrimer: {"zipmap": "columns"}}
    )
    assert len(columns) == 3
    proba, expected = np.c_[tuple(columns)], string_classifier.predict_proba(X)
    _assert_proba_close(proba, expected, string_classifier, X, np.float32)


def test_zipmap_multilabel():
    model = _fit(
        MLPClassifierPrimer((8,), **FIT), X_TRAIN, _targets(X_TRAIN)["multilabel"],
        np.float32, False,
    )  # fmt: skip
    X = X_EVAL[:50].astype(np.float32)
    labels, rows = _run(model, X)
    np.testing.assert_array_equal(labels, model.predict(X))
    proba = np.array([[row[c] for c in range(3)] for row in rows], dtype=np.float32)
    _assert_proba_close(proba, model.predict_proba(X), model, X, np.float32)


def test_nocl_outputs_class_indices(string_classifier):
    X = X_EVAL[:50].astype(np.float32)
    options = {MLPClassifierPrimer: {"zipmap": False, "nocl": True}}
    labels, _ = _run(string_classifier, X, options=options)
    assert labels.dtype == np.int64
    expected = np.searchsorted(string_classifier.classes_, string_classifier.predict(X))
    np.testing.assert_array_equal(labels, expected)


def test_output_class_labels(string_classifier):
    options = {MLPClassifierPrimer: {"zipmap": False, "output_class_labels": True}}
    *_, classes = _run(
        string_classifier, X_EVAL[:5].astype(np.float32), options=options
    )
    np.testing.assert_array_equal(classes, string_classifier.classes_)


def test_whole_number_float_and_bool_labels_become_int64():
    for y in (np.where(X_TRAIN[:, 0] > 0, 2.0, 5.0), X_TRAIN[:, 0] > 0):
        model = _fit(MLPClassifierPrimer((4,), **FIT), X_TRAIN, y, np.float32, False)
        X = X_EVAL[:50].astype(np.float32)
        labels, _ = _run(model, X, options={MLPClassifierPrimer: {"zipmap": False}})
        assert labels.dtype == np.int64
        np.testing.assert_array_equal(labels, model.predict(X))


# -- meta-estimators -------------------------------------------------------------------


def _meta_estimators():
    clf = MLPClassifierPrimer((6,), **FIT)
    reg = MLPRegressorPrimer(hidden_layer_sizes=(6,), **FIT)
    return {
        # skl2onnx converts soft voting only without flatten_transform.
        "voting-soft": VotingClassifier(
            [("relu", clf), ("tanh", MLPClassifierPrimer((6,), "tanh", **FIT))],
            voting="soft",
            flatten_transform=False,
        ),
        "one-vs-rest": OneVsRestClassifier(clf),
        "grid-search": GridSearchCV(clf, {"alpha": [1e-4, 1e-2]}, cv=2),
        "voting-regressor": VotingRegressor([("a", reg), ("b", reg)]),
        "multi-output": MultiOutputRegressor(reg),
    }


@pytest.mark.parametrize("name", list(_meta_estimators()))
def test_meta_estimators(name):
    model = _meta_estimators()[name]
    targets = _targets(X_TRAIN)
    y = {
        "voting-regressor": X_TRAIN[:, 0],
        "multi-output": X_TRAIN[:, :2],
    }.get(name, targets["multiclass-int"])
    model = _fit(model, X_TRAIN, y, np.float32, False)
    X = X_EVAL[:600].astype(np.float32)
    options = {id(model): {"zipmap": False}} if hasattr(model, "classes_") else None
    outputs = _run(model, X, options=options)
    if hasattr(model, "classes_"):
        np.testing.assert_array_equal(outputs[0], model.predict(X))
        expected = model.predict_proba(X)
    else:
        expected = model.predict(X).reshape(len(X), -1)
    # Typical rows only: a plain relative tolerance.
    np.testing.assert_allclose(outputs[-1], expected, rtol=1e-5, atol=1e-6)


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [MLPClassifierPrimer(), MLPRegressorPrimer()])
def test_unfitted_model_raises_not_fitted(estimator):
    with pytest.raises(NotFittedError):
        skl2onnx.to_onnx(estimator, X_TRAIN[:1].astype(np.float32))


def test_unsupported_options_are_named(string_classifier):
    X = X_TRAIN[:1].astype(np.float32)
    with pytest.raises(NameError, match="raw_scores"):
        skl2onnx.to_onnx(
            string_classifier, X, options={MLPClassifierPrimer: {"raw_scores": True}}
        )
    with pytest.raises(ValueError, match="zipmap"):
        skl2onnx.to_onnx(
            string_classifier, X, options={MLPClassifierPrimer: {"zipmap": "rows"}}
        )
    regressor = _fit(
        MLPRegressorPrimer(hidden_layer_sizes=(3,), **FIT), X_TRAIN, X_TRAIN[:, 0],
        np.float32, False,
    )  # fmt: skip
    with pytest.raises(NameError, match="zipmap"):
        skl2onnx.to_onnx(regressor, X, options={MLPRegressorPrimer: {"zipmap": False}})


def test_zipmap_with_double_input_is_refused():
    model = _fit(
        MLPClassifierPrimer((4,), **FIT), X_TRAIN, _targets(X_TRAIN)["binary-int"],
        np.float64, False,
    )  # fmt: skip
    with pytest.raises(ValueError, match="ZipMap operator takes float32"):
        skl2onnx.to_onnx(model, X_TRAIN[:1])
    # Both other forms of the probabilities work in float64.
    for zipmap in (False, "columns"):
        options = {MLPClassifierPrimer: {"zipmap": zipmap}}
        outputs = _run(model, X_EVAL, options=options)
        proba = outputs[1] if zipmap is False else np.c_[tuple(outputs[1:])]
        expected = model.predict_proba(X_EVAL)
        _assert_proba_close(proba, expected, model, X_EVAL, np.float64)


def test_labels_onnx_cannot_hold_are_refused(monkeypatch):
    # scikit-learn's target checks let only whole-number floats through; a
    # model whose classes_ were replaced afterwards is refused by name.
    model = _fit(
        MLPClassifierPrimer((4,), **FIT), X_TRAIN, _targets(X_TRAIN)["binary-int"],
        np.float32, False,
    )  # fmt: skip
    monkeypatch.setattr(model, "classes_", np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="int64 or strings only"):
        skl2onnx.to_onnx(model, X_TRAIN[:1].astype(np.float32))
    # Class indices need no labels.
    options = {MLPClassifierPrimer: {"zipmap": False, "nocl": True}}
    X = X_EVAL.astype(np.float32)
    labels, _ = _run(model, X, options=options)
    np.testing.assert_array_equal(model.classes_[labels], model.predict(X))


def test_wrong_input_width_and_opset_are_refused(string_classifier):
    with pytest.raises(ValueError, match="fitted on 5 features.*has 3 columns"):
        skl2onnx.to_onnx(string_classifier, X_TRAIN[:1, :3].astype(np.float32))
    with pytest.raises(RuntimeError, match="target_opset>=13"):
        skl2onnx.to_onnx(
            string_classifier, X_TRAIN[:1].astype(np.float32), target_opset=12
        )


def test_activation_without_translation_is_named(string_classifier, monkeypatch):
    # The table covers every activation the core has; one added to the core
    # without an ONNX translation must fail by name, not deep in the converter.
    assert set(sklmlp_onnx._ACTIVATION_NODES) == set(ACTIVATIONS)
    monkeypatch.setattr(string_classifier, "layer_activations_", ["softsign"])
    with pytest.raises(NotImplementedError, match="softsign"):
        skl2onnx.to_onnx(string_classifier, X_TRAIN[:1].astype(np.float32))


# -- wiring ----------------------------------------------------------------------------


def test_affine_layers_is_the_one_source_of_weights(monkeypatch):
    # A per-layer transform (a folded batch normalization, later) substitutes
    # the effective (W, b) there, and the graph follows it.
    X = X_TRAIN.astype(np.float32)
    model = _fit(
        MLPRegressorPrimer(hidden_layer_sizes=(), normalize_y=False, **FIT), X,
        X[:, 0], np.float32, False,
    )  # fmt: skip
    doubled = [(2 * w, 2 * b) for w, b in sklmlp_onnx._affine_layers(model)]
    monkeypatch.setattr(sklmlp_onnx, "_affine_layers", lambda model: doubled)
    (out,) = _run(model, X)
    np.testing.assert_allclose(out.ravel(), 2 * model.predict(X), atol=1e-5)


def test_register_converters_is_idempotent(string_classifier):
    aliases = sklmlp_onnx.register_converters()
    assert aliases == {
        "MLPClassifierPrimer": "SklmlpMLPClassifierPrimer",
        "MLPRegressorPrimer": "SklmlpMLPRegressorPrimer",
    }
    X = X_EVAL[:10].astype(np.float32)
    labels, _ = _run(
        string_classifier, X, options={MLPClassifierPrimer: {"zipmap": False}}
    )
    np.testing.assert_array_equal(labels, string_classifier.predict(X))


def test_import_sklmlp_does_not_import_skl2onnx():
    code = (
        "import sys, sklmlp\n"
        "print(sorted(m for m in ('skl2onnx', 'onnx', 'onnxruntime', 'sklmlp.onnx')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
