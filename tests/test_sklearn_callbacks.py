"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9).

On a scikit-learn without it the estimators have no ``set_callbacks`` and the
rest works as before: the first tests say so on every version; the others need
the API and are defined only where it exists.
"""

import importlib.util
import pickle
import warnings

import joblib
import numpy as np
import pytest
from helpers import quiet_fit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp.callbacks import Checkpoint

HAS_CALLBACK_API = importlib.util.find_spec("sklearn.callback") is not None


def _clf(**params):
    return MLPClassifierPrimer(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0, **params
    )


@pytest.mark.parametrize("Estimator", [MLPClassifierPrimer, MLPRegressorPrimer])
def test_set_callbacks_exists_exactly_with_the_api(Estimator):
    assert hasattr(Estimator(), "set_callbacks") is HAS_CALLBACK_API


def test_sklmlp_callbacks_work_with_any_scikit_learn(clf_data):
    X, y = clf_data
    epochs = []
    clf = quiet_fit(
        _clf(max_iter=4, callbacks=[lambda est, info: epochs.append(info["epoch"])]),
        X,
        y,
    )
    assert epochs == [1, 2, 3, 4] == list(range(1, clf.n_iter_ + 1))


if HAS_CALLBACK_API:
    import skops.io as sio
    from sklearn.callback import ProgressBar, ScoringMonitor

    class Recorder:
        """Keeps every hook call: (hook, task name, task id, what it got)."""

        def __init__(self, stop_at=None):
            self.calls = []
            self.stop_at = stop_at

        def setup(self, estimator, context):
            self.calls.append(("setup", context.task_name, context.task_id, None))

        def teardown(self, estimator, context):
            self.calls.append(("teardown", context.task_name, context.task_id, None))

        def on_fit_task_begin(
            self,
            estimator,
            context,
            *,
            X=None,
            y=None,
            metadata=None,
            fitted_estimator=None,
        ):
            self.calls.append(
                ("begin", context.task_name, context.task_id, fitted_estimator)
            )

        def on_fit_task_end(
            self,
            estimator,
            context,
            *,
            X=None,
            y=None,
            metadata=None,
            fitted_estimator=None,
        ):
            got = dict(X=X, y=y, metadata=metadata, fitted=fitted_estimator)
            self.calls.append(("end", context.task_name, context.task_id, got))
            return self.stop_at is not None and context.task_id + 1 == self.stop_at

        def ends(self, task_name):
            return [c[3] for c in self.calls if c[0] == "end" and c[1] == task_name]

    class AutoRecorder(Recorder):
        """A recorder that meta-estimators propagate into their estimators."""

        max_propagation_depth = None

    class NoFittedEstimator:
        """Hooks that do not ask for a fitted estimator."""

        def setup(self, estimator, context):
            pass

        def teardown(self, estimator, context):
            pass

        def on_fit_task_begin(self, estimator, context):
            pass

        def on_fit_task_end(self, estimator, context, *, X=None):
            return False

    @pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
    def test_every_epoch_is_a_task(clf_data, solver):
        X, y = clf_data
        rec = Recorder()
        clf = quiet_fit(_clf(solver=solver, max_iter=6).set_callbacks(rec), X, y)
        name = "iteration" if solver == "lbfgs" else "epoch"
        hooks = [(c[0], c[1], c[2]) for c in rec.calls]
        assert hooks[:2] == [("setup", "fit", 0), ("begin", "fit", 0)]
        assert hooks[-2:] == [("end", "fit", 0), ("teardown", "fit", 0)]
        epochs = hooks[2:-2]
        assert epochs == [
            (hook, name, i) for i in range(clf.n_iter_) for hook in ("begin", "end")
        ]
        assert clf.n_iter_ == 6
        end = rec.ends(name)[-1]
        np.testing.assert_array_equal(end["X"], X)
        np.testing.assert_array_equal(end["y"], y)  # the labels as given
        assert end["metadata"] is None
        assert not hasattr(clf, "_callback_fit_ctx")

    @pytest.mark.parametrize("solver", ["adam", "sgd"])
    def test_fitted_estimator_predicts_as_the_model_stood(clf_data, solver):
        X, y = clf_data
        rec = Recorder()
        clf = quiet_fit(_clf(solver=solver, max_iter=5).set_callbacks(rec), X, y)
        fitted = [end["fitted"] for end in rec.ends("epoch")]
        for epoch, model in enumerate(fitted, start=1):
            # The model after `epoch` epochs is the one max_iter=epoch trains.
            short = quiet_fit(_clf(solver=solver, max_iter=epoch), X, y)
            np.testing.assert_allclose(
                model.predict_proba(X), short.predict_proba(X), rtol=1e-12
            )
        assert not np.allclose(fitted[0].predict_proba(X), fitted[-1].predict_proba(X))
        np.testing.assert_array_equal(fitted[-1].predict_proba(X), clf.predict_proba(X))
        # The begin hook of an epoch sees the model before it.
        begins = [c[3] for c in rec.calls if c[0] == "begin" and c[1] == "epoch"]
        np.testing.assert_array_equal(
            begins[1].predict_proba(X), fitted[0].predict_proba(X)
        )

    def test_fitted_estimator_of_lbfgs_iterations(clf_data):
        X, y = clf_data
        rec = Recorder()
        clf = quiet_fit(_clf(solver="lbfgs", max_iter=8).set_callbacks(rec), X, y)
        fitted = [end["fitted"] for end in rec.ends("iteration")]
        assert len(fitted) == clf.n_iter_ == 8
        np.testing.assert_allclose(fitted[-1].predict_proba(X), clf.predict_proba(X))
        losses = [
            np.mean(-np.log(f.predict_proba(X)[np.arange(len(y)), y])) for f in fitted
        ]
        assert losses[-1] < losses[0]

    def test_fitted_estimator_is_built_only_when_asked(clf_data, monkeypatch):
        X, y = clf_data
        built = []
        original = MLPClassifierPrimer._reconstruction_attributes

        def counting(self, params, stats):
            built.append(1)
            return original(self, params, stats)

        monkeypatch.setattr(MLPClassifierPrimer, "_reconstruction_attributes", counting)
        quiet_fit(_clf(max_iter=4).set_callbacks(NoFittedEstimator()), X, y)
        n_publish = len(built)  # the loop publishing the weights, no copies
        built.clear()
        quiet_fit(_clf(max_iter=4), X, y)
        assert len(built) == n_publish
        built.clear()
        quiet_fit(_clf(max_iter=4).set_callbacks(Recorder()), X, y)
        assert len(built) == n_publish + 8  # a begin and an end per epoch

    def test_no_callback_costs_no_context(clf_data, monkeypatch):
        X, y = clf_data

        def fail(*args, **kwargs):
            raise AssertionError("a callback context was created")

        monkeypatch.setattr(MLPClassifierPrimer, "_init_callback_context", fail)
        quiet_fit(_clf(max_iter=3), X, y)
        quiet_fit(_clf(max_iter=3, solver="lbfgs"), X, y)
        quiet_fit(_clf(max_iter=3).set_callbacks(), X, y)  # set, then emptied

    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_a_stop_request_ends_training(clf_data, solver):
        X, y = clf_data
        rec = Recorder(stop_at=3)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            clf = _clf(solver=solver, max_iter=50).set_callbacks(rec).fit(X, y)
        assert clf.n_iter_ == 3
        assert len(clf.loss_curve_) == 3

    def test_metadata_has_the_sample_weight(clf_data):
        X, y = clf_data
        weights = np.linspace(0.5, 1.5, len(y))
        rec = Recorder()
        quiet_fit(_clf(max_iter=2).set_callbacks(rec), X, y, sample_weight=weights)
        np.testing.assert_array_equal(
            rec.ends("epoch")[0]["metadata"]["sample_weight"], weights
        )

    def test_partial_fit_is_one_epoch_task(clf_data):
        X, y = clf_data
        rec = Recorder()
        clf = _clf().set_callbacks(rec)
        clf.partial_fit(X, y, classes=np.unique(y))
        clf.partial_fit(X, y)
        names = [(c[0], c[1]) for c in rec.calls if c[0] in ("begin", "end")]
        assert (
            names
            == [
                ("begin", "partial_fit"),
                ("begin", "epoch"),
                ("end", "epoch"),
                ("end", "partial_fit"),
            ]
            * 2
        )

    def test_both_kinds_of_callbacks_together(clf_data):
        X, y = clf_data
        seen = []
        rec = Recorder()
        clf = _clf(max_iter=3, callbacks=lambda est, info: seen.append(info["epoch"]))
        quiet_fit(clf.set_callbacks(rec), X, y)
        assert seen == [1, 2, 3]
        assert len(rec.ends("epoch")) == 3

    def test_a_failed_fit_tears_down_and_restores(clf_data):
        X, y = clf_data
        rec = Recorder()
        clf = quiet_fit(_clf(max_iter=3), X, y).set_callbacks(rec)
        coefs = [c.copy() for c in clf.coefs_]

        def explode(estimator, info):
            raise RuntimeError("boom")

        clf.set_params(callbacks=[explode], warm_start=True)
        with pytest.raises(RuntimeError, match="boom"):
            clf.fit(X, y)
        assert [c[0] for c in rec.calls].count("teardown") == 1
        assert not hasattr(clf, "_callback_fit_ctx")
        for a, b in zip(clf.coefs_, coefs):
            np.testing.assert_array_equal(a, b)

    def test_scoring_monitor_logs_one_score_per_epoch(clf_data):
        X, y = clf_data
        monitor = ScoringMonitor(scoring="accuracy")
        clf = quiet_fit(_clf(max_iter=5).set_callbacks(monitor), X, y)
        rows = monitor.get_logs().data
        epochs = [row for row in rows if row["task_name"] == "epoch"]
        assert [row["task_id"] for row in epochs] == list(range(5))
        assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y))
        assert len({row["accuracy"] for row in epochs}) > 1
        (fit,) = [row for row in rows if row["task_name"] == "fit"]
        assert fit["accuracy"] == pytest.approx(clf.score(X, y))

    def test_scoring_monitor_with_given_validation_data(clf_data):
        # The monitor scores the training data; the given set's scores are in
        # the estimator's history_, which the hooks' estimator carries.
        X, y = clf_data
        seen = []

        class ValidationReader(NoFittedEstimator):
            def on_fit_task_end(self, estimator, context, *, X=None):
                if context.task_name == "epoch":
                    seen.append(estimator.history_[-1]["validation_score"])

        clf = _clf(early_stopping=True, max_iter=100)
        clf.set_callbacks(ValidationReader()).fit(
            X[:90], y[:90], X_val=X[90:], y_val=y[90:]
        )
        assert seen == clf.validation_scores_

    def test_propagation_through_a_pipeline(clf_data):
        X, y = clf_data
        rec = AutoRecorder()
        pipe = make_pipeline(StandardScaler(), _clf(max_iter=4)).set_callbacks(rec)
        quiet_fit(pipe, X, y)
        assert len(rec.ends("epoch")) == 4
        # Propagated for the fit only: the step keeps no callback afterwards.
        assert not getattr(pipe[-1], "_skl_callbacks", None)

    def test_propagation_through_a_grid_search(clf_data):
        X, y = clf_data
        rec = AutoRecorder()
        pipe = make_pipeline(StandardScaler(), _clf(max_iter=4))
        search = GridSearchCV(pipe, {"mlpclassifierprimer__alpha": [1e-4, 1e-2]}, cv=2)
        quiet_fit(search.set_callbacks(rec), X, y)
        # 2 candidates x 2 folds, and the refit: 5 fits of 4 epochs.
        assert len(rec.ends("epoch")) == 20
        fits = [c for c in rec.calls if c[0] == "end" and c[1] == "fit"]
        assert len([c for c in fits if c[3]["fitted"] is not None]) >= 5

    def test_progress_bar_in_joblib_workers(clf_data, capsys, monkeypatch):
        X, y = clf_data
        # rich fits its table to the terminal's width: one wide enough for
        # the task names and the percentages, whatever runs the tests.
        monkeypatch.setenv("COLUMNS", "160")
        pipe = make_pipeline(StandardScaler(), _clf(max_iter=4))
        search = GridSearchCV(
            pipe, {"mlpclassifierprimer__alpha": [1e-4, 1e-2]}, cv=2, n_jobs=2
        )
        search.set_callbacks(ProgressBar(max_propagation_depth=None))
        quiet_fit(search, X, y)
        out = capsys.readouterr().out
        assert out.count("MLPClassifierPrimer - fit") == 5
        assert "100%" in out

    def test_scoring_monitor_in_joblib_workers(clf_data):
        X, y = clf_data
        monitor = ScoringMonitor(scoring="accuracy")
        clf = _clf(max_iter=3).set_callbacks(monitor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            cross_validate(clf, X, y, cv=2, n_jobs=2)
        logs = monitor.get_logs(select="all")
        assert len(logs) == 2
        for log in logs:
            assert [r["task_id"] for r in log.data if r["task_name"] == "epoch"] == [
                0,
                1,
                2,
            ]

    def test_pickling_and_cloning_keep_the_callbacks(clf_data, tmp_path):
        X, y = clf_data
        monitor = ScoringMonitor(scoring="accuracy")
        clf = _clf(max_iter=3).set_callbacks(monitor)
        assert len(pickle.loads(pickle.dumps(clf))._skl_callbacks) == 1
        quiet_fit(clf, X, y)
        restored = pickle.loads(pickle.dumps(clf))
        assert len(restored._skl_callbacks) == 1
        np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
        joblib.dump(clf, tmp_path / "model.joblib")
        loaded = joblib.load(tmp_path / "model.joblib")
        quiet_fit(loaded, X, y)  # refits with its unpickled callback
        assert clone(clf)._skl_callbacks == [monitor]

    @pytest.mark.parametrize("fmt", ["skops", "joblib"])
    def test_checkpoint_saves_without_scikit_learn_callbacks(clf_data, tmp_path, fmt):
        X, y = clf_data
        path = tmp_path / f"best.{fmt}"
        clf = _clf(max_iter=4, callbacks=[Checkpoint(path, format=fmt)])
        clf.set_callbacks(ScoringMonitor(scoring="accuracy"), Recorder())
        quiet_fit(clf, X, y)
        if fmt == "skops":
            data = path.read_bytes()
            untrusted = sio.get_untrusted_types(data=data)
            assert not [t for t in untrusted if "sklearn.callback" in t]
            saved = sio.loads(data, trusted=untrusted)
        else:
            saved = joblib.load(path)
        assert not [
            key for key in vars(saved) if "callback" in key and key != "callbacks"
        ]
        assert len(clf._skl_callbacks) == 2  # the estimator keeps its own
        np.testing.assert_array_equal(saved.predict(X), clf.predict(X))

    def test_set_callbacks_rejects_what_is_not_a_callback():
        with pytest.raises(TypeError, match="FitCallback"):
            _clf().set_callbacks(lambda est, info: False)
