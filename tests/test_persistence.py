"""Persistence: pickle, joblib and skops round trips, version stamps, threads."""

import json
import pickle
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning

import sklmlp._fitted
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer, __version__
from sklmlp.exceptions import InconsistentVersionWarning

_X = np.random.RandomState(0).randn(80, 4)
_Y3 = np.arange(80) % 3


def _configs():
    """(id, estimator, X, y): the estimator kinds, solvers, dtypes and features."""
    labels = np.array(["cat", "dog", "eel"])[_Y3]
    multilabel = np.c_[_Y3 == 0, _Y3 == 1].astype(int)
    frame = pd.DataFrame(_X, columns=["w", "x", "y", "z"])
    small = dict(max_iter=8, random_state=0)
    return [
        ("clf-adam", MLPClassifierPrimer((6,), **small), _X, labels),
        (
            "clf-sgd-early-stopping-frame",
            MLPClassifierPrimer((6,), solver="sgd", early_stopping=True, **small),
            frame,
            _Y3,
        ),
        (
            "clf-lbfgs-prelu-maxout",
            MLPClassifierPrimer(
                (5, 4), solver="lbfgs", activation=["prelu", "maxout"], **small
            ),
            _X,
            _Y3,
        ),
        (
            "clf-hinge-class-weight-float32",
            MLPClassifierPrimer(
                (6,), loss="hinge", class_weight={0: 1.0, 1: 2.0, 2: 0.5}, **small
            ),
            _X.astype(np.float32),
            _Y3,
        ),
        (
            "clf-multilabel-dropout",
            MLPClassifierPrimer((6,), dropout=0.2, input_noise=0.1, **small),
            _X,
            multilabel,
        ),
        (
            "reg-two-outputs-leaky",
            MLPRegressorPrimer(
                hidden_layer_sizes=(6, 3), activation="leaky_relu", **small
            ),
            _X,
            _X[:, :2],
        ),
        (
            "reg-poisson-no-hidden",
            MLPRegressorPrimer("poisson", (), **small),
            _X,
            np.abs(_X[:, 0]),
        ),
    ]


_IDS = [c[0] for c in _configs()]


@pytest.fixture(scope="module")
def fitted():
    models = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, est, X, y in _configs():
            models[name] = (est.fit(X, y), X)
    return models


def _outputs(est, X):
    """Every prediction method the estimator has, on X."""
    methods = ["predict", "predict_proba", "predict_log_proba", "decision_function"]
    out = {m: getattr(est, m)(X) for m in methods if hasattr(est, m)}
    out["hidden"] = est.hidden_activations(X)
    return out


def _assert_identical(a, b, X):
    """Bit-identical fitted state and outputs."""
    assert type(a) is type(b)
    assert a.get_params().keys() == b.get_params().keys()
    for key, value in vars(a).items():
        if key.endswith("_") and not key.startswith("_"):
            other = vars(b)[key]
            if isinstance(value, list) and any(
                isinstance(v, np.ndarray) for v in value
            ):
                assert len(value) == len(other)
                for u, v in zip(value, other):
                    assert (u is None) == (v is None), key
                    if u is not None:
                        np.testing.assert_array_equal(u, v, err_msg=key)
                        assert u.dtype == v.dtype
            elif isinstance(value, np.ndarray):
                np.testing.assert_array_equal(value, other, err_msg=key)
                assert value.dtype == other.dtype
            else:
                assert value == other or (value != value and other != other), key
    out_a, out_b = _outputs(a, X), _outputs(b, X)
    for key in out_a:
        if key == "hidden":
            for u, v in zip(out_a[key], out_b[key]):
                np.testing.assert_array_equal(u, v)
        else:
            np.testing.assert_array_equal(out_a[key], out_b[key], err_msg=key)


@pytest.mark.parametrize("name", _IDS)
def test_pickle_round_trip_is_bit_identical(fitted, name):
    est, X = fitted[name]
    loaded = pickle.loads(pickle.dumps(est))
    _assert_identical(est, loaded, X)


def test_pickling_does_not_touch_the_estimator(fitted):
    est, _ = fitted["clf-adam"]
    before = dict(vars(est))
    pickle.dumps(est)
    assert vars(est).keys() == before.keys()


@pytest.mark.parametrize("name", _IDS)
def test_joblib_round_trip_is_bit_identical(fitted, name, tmp_path):
    est, X = fitted[name]
    path = tmp_path / "model.joblib"
    joblib.dump(est, path, compress=3)
    _assert_identical(est, joblib.load(path), X)


def test_pickled_state_carries_the_sklmlp_version(fitted):
    est, _ = fitted["clf-adam"]
    state = est.__getstate__()
    assert state["_sklmlp_version"] == __version__
    # The stamp is not left on the loaded estimator.
    assert "_sklmlp_version" not in vars(pickle.loads(pickle.dumps(est)))


def test_model_from_another_version_warns(fitted, monkeypatch):
    est, X = fitted["clf-adam"]
    monkeypatch.setattr(sklmlp._fitted, "__version__", "0.0.1.dev-old")
    data = pickle.dumps(est)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning, match="0.0.1.dev-old") as record:
        loaded = pickle.loads(data)
    warning = record[0].message
    assert warning.original_version == "0.0.1.dev-old"
    assert warning.current_version == __version__
    assert warning.estimator_name == "MLPClassifierPrimer"
    # It still loads and predicts as the saved model did.
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_state_without_version_stamp_warns(fitted):
    est, X = fitted["reg-poisson-no-hidden"]
    state = est.__getstate__()
    del state["_sklmlp_version"]  # as saved before the stamp existed
    fresh = MLPRegressorPrimer.__new__(MLPRegressorPrimer)
    with pytest.warns(InconsistentVersionWarning, match="version unknown"):
        fresh.__setstate__(state)
    np.testing.assert_array_equal(fresh.predict(X), est.predict(X))


def test_same_version_loads_silently(fitted):
    # pytest turns warnings into errors: any warning here fails the test.
    est, X = fitted["clf-adam"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(est))


# -- skops: loading models from someone you do not trust -------------------------

# The only types a saved sklmlp model may ask skops to trust: sklmlp's own.
_SKLMLP_TYPES = {
    "sklmlp._classifier.MLPClassifierPrimer",
    "sklmlp._regressor.MLPRegressorPrimer",
    "sklmlp._core.network.Network",
    "sklmlp._core.optimizers.Adam",
    "sklmlp._core.optimizers.SGD",
}


@pytest.mark.parametrize("name", _IDS)
def test_skops_round_trip_trusts_only_sklmlp_types(fitted, name, tmp_path):
    est, X = fitted[name]
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert set(untrusted) <= _SKLMLP_TYPES
    module = {"MLPClassifierPrimer": "_classifier", "MLPRegressorPrimer": "_regressor"}
    assert f"sklmlp.{module[type(est).__name__]}.{type(est).__name__}" in untrusted
    assert "sklmlp._core.network.Network" in untrusted
    # Nothing loads until those types are trusted explicitly.
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(path)
    loaded = sio.load(path, trusted=untrusted)
    _assert_identical(est, loaded, X)


def test_skops_in_memory_and_version_stamp(fitted, monkeypatch):
    est, X = fitted["clf-sgd-early-stopping-frame"]
    data = sio.dumps(est)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    _assert_identical(est, loaded, X)
    # skops goes through __getstate__ / __setstate__ too: the stamp works.
    monkeypatch.setattr(sklmlp._fitted, "__version__", "0.0.1.dev-old")
    old = sio.dumps(est)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning, match="0.0.1.dev-old"):
        sio.loads(old, trusted=sio.get_untrusted_types(data=old))


def test_skops_lists_user_callbacks_as_untrusted():
    # A callback is user code: skops must not load it unless asked to.
    est = MLPRegressorPrimer(hidden_layer_sizes=(3,), max_iter=2, callbacks=[print])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(_X, _X[:, 0])
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert "builtins.print" in untrusted


# -- threads ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clf-lbfgs-prelu-maxout", "reg-two-outputs-leaky"])
def test_concurrent_predictions_match_serial(fitted, name):
    est, X = fitted[name]
    rng = np.random.RandomState(1)
    # Chunks of different sizes, so that any shared buffer would be resized.
    chunks = [rng.randn(n, X.shape[1]) for n in rng.randint(1, 300, size=48)]
    expected = [_outputs(est, chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda chunk: _outputs(est, chunk), chunks))
    for got, want in zip(results, expected):
        for key in want:
            if key == "hidden":
                for u, v in zip(got[key], want[key]):
                    np.testing.assert_array_equal(u, v)
            else:
                np.testing.assert_array_equal(got[key], want[key])


def test_models_saved_by_sklmlp_0_1_load_predict_and_train_on():
    # tests/data/models_sklmlp_0.1.0.pkl: a classifier (adam, 20 epochs) and a
    # regressor (lbfgs, targets 10 * x0 + 3) pickled by sklmlp 0.1.0, which
    # had neither batch normalization nor target scaling, with their
    # predictions at the time.
    path = Path(__file__).parent / "data" / "models_sklmlp_0.1.0.pkl"
    with pytest.warns(InconsistentVersionWarning, match="version 0.1.0"):
        saved = pickle.loads(path.read_bytes())
    X, clf, reg = saved["X"], saved["classifier"], saved["regressor"]
    np.testing.assert_array_equal(clf.predict_proba(X), saved["proba"])
    np.testing.assert_array_equal(reg.predict(X), saved["prediction"])
    # What the old models did, in today's terms.
    assert reg.normalize_y is False and reg.y_scale_ is None
    assert clf.batch_norm is False and clf.batch_norm_mean_ == [None]
    assert clf.get_params()["batch_norm_momentum"] == 0.1
    # They train on: a partial_fit with the saved Adam state, a warm start.
    y = np.arange(len(X)) % 3
    clf.partial_fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.set_params(warm_start=True, max_iter=5).fit(X, 10 * X[:, 0] + 3)
    assert np.isfinite(clf.predict_proba(X)).all()
    assert reg.score(X, 10 * X[:, 0] + 3) > 0.9


# -- files saved by sklmlp 0.2.0 (tests/data/make_models_0_2_0.py) -----------------

_DATA = Path(__file__).parent / "data"

# The types the 0.2.0 skops file names: the module paths of 0.2.0, which later
# versions keep importable.
_TYPES_0_2_0 = {
    "sklmlp._estimators.MLPClassifierPrimer",
    "sklmlp._estimators.MLPRegressorPrimer",
    "sklmlp._network.Network",
    "sklmlp._optimizers.Adam",
    "sklmlp._optimizers.SGD",
    "sklmlp.callbacks._early_stopping.EarlyStopping",
    "sklmlp.callbacks._scoring.EpochScoring",
}


def _check_saved_0_2_0(models):
    saved = np.load(_DATA / "models_sklmlp_0.2.0_outputs.npz")
    X = saved["X"]
    # The per-epoch records, as sklmlp 0.2.0 read them from these files.
    records = json.loads((_DATA / "models_sklmlp_0.2.0_records.json").read_text())
    for name, expected in records.items():
        for key, value in expected.items():
            assert getattr(models[name], key) == value, (name, key)
    names = {key.split("/")[0] for key in saved.files if "/" in key}
    assert set(models) == names
    for key in saved.files:
        if key == "X":
            continue
        name, method = key.split("/")
        got = getattr(models[name], method)(X)
        np.testing.assert_array_equal(got, saved[key], err_msg=key)
        assert got.dtype == saved[key].dtype
    # They train on: a partial_fit with the saved optimizer state, a warm start.
    y = np.array(["ant", "bee", "cow"])[np.arange(len(X)) % 3]
    models["clf-adam-batch-norm"].partial_fit(X, y)
    reg = models["reg-adam-batch-norm-prelu"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.set_params(warm_start=True, max_iter=3).fit(X, X[:, 0])
    assert np.isfinite(models["clf-adam-batch-norm"].predict_proba(X)).all()
    assert np.isfinite(reg.predict(X)).all()


def test_models_pickled_by_sklmlp_0_2_0_load_and_predict_as_saved():
    with pytest.warns(InconsistentVersionWarning, match="version 0.2.0"):
        models = pickle.loads((_DATA / "models_sklmlp_0.2.0.pkl").read_bytes())
    _check_saved_0_2_0(models)


def test_models_saved_with_skops_by_sklmlp_0_2_0_load_and_predict_as_saved():
    path = _DATA / "models_sklmlp_0.2.0.skops"
    untrusted = sio.get_untrusted_types(file=path)
    assert set(untrusted) == _TYPES_0_2_0
    with pytest.warns(InconsistentVersionWarning, match="version 0.2.0"):
        models = sio.load(path, trusted=untrusted)
    _check_saved_0_2_0(models)


def test_models_saved_by_0_2_0_keep_taking_their_inputs_as_given():
    # 0.2.0 had no input scaling: the upgraded models neither scale their
    # inputs nor start to when they train on (warm start, partial_fit).
    with pytest.warns(InconsistentVersionWarning):
        models = pickle.loads((_DATA / "models_sklmlp_0.2.0.pkl").read_bytes())
    for model in models.values():
        assert model.input_scaling is None and model.input_center_ is None
        assert model._network.input_scaling is None
