"""The callback protocol and the ready-made callbacks of sklmlp.callbacks.

Each test checks what a callback does to training (the rate the optimizer
used, where training stopped and which weights it kept, the file it wrote, the
lines it printed), so that it fails when the callback does nothing.
"""

import io
import math
import pickle
import sys
import warnings

import joblib
import numpy as np
import pytest
import skops.io as sio
from helpers import quiet_fit
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV

import sklmlp.callbacks._checkpoint
import sklmlp.callbacks._progress_bar
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp._core.schedules import cosine, exponential, one_cycle, step
from sklmlp.callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    EpochScoring,
    LRScheduler,
    ProgressBar,
)

# scikit-learn's path: inputs as given, so that the tests can read the
# network on the data they hold.
SMALL = dict(
    hidden_layer_sizes=(8,), activation="tanh", random_state=0, defaults="sklearn"
)
# Held-out data without scikit-learn's own stall rule: callbacks decide.
HELD_OUT = dict(early_stopping=True, n_iter_no_change=np.inf, validation_fraction=0.25)


@pytest.fixture(scope="module")
def reg_data():
    X, y = make_regression(n_samples=100, n_features=5, noise=1.0, random_state=0)
    return X, y / 100


def _flat(est):
    return est._network.pack(est.coefs_, est.intercepts_, est._slopes_or_empty())


def _one(epoch):
    """A schedule that keeps learning_rate_init (module level: it pickles)."""
    return 1.0


def _half_from_epoch_2(epoch):
    return 0.5 if epoch >= 2 else 1.0


class Recorder(Callback):
    """Keeps every hook call, each epoch's numbers and a copy of its weights."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at

    def _begin(self, estimator, run):
        self.events = [*getattr(self, "events", []), "begin"]
        self.run, self.start = run, _flat(estimator).copy()
        self.infos, self.weights = [], []

    def __call__(self, estimator, info):
        self.events.append(info["epoch"])
        self.infos.append(dict(info))
        self.weights.append(_flat(estimator).copy())
        return info["epoch"] == self.stop_at

    def _end(self, estimator):
        self.events.append("end")
        self.final = _flat(estimator).copy()


class Feed(Callback):
    """Puts the given numbers in the epoch's numbers as 'fed_loss', one an epoch."""

    def __init__(self, values, name="fed_loss"):
        self.values = values
        self.name = name

    def __call__(self, estimator, info):
        info[self.name] = self.values[len(estimator.loss_curve_) - 1]
        return False


# -- the protocol --------------------------------------------------------------------


def test_hooks_bracket_every_call_and_see_the_users_targets(clf_data):
    X, y = clf_data
    names = np.array(["ant", "bee", "cat"])[y]
    rec = Recorder(stop_at=3)
    est = MLPClassifierPrimer(**SMALL, **HELD_OUT, max_iter=10, callbacks=[rec])
    est.fit(X, names)
    assert rec.events == ["begin", 1, 2, 3, "end"]
    run = rec.run
    assert run.max_epochs == 10
    assert len(run.y) == 90 and len(run.y_val) == 30  # validation_fraction=0.25
    assert set(run.y) | set(run.y_val) == {"ant", "bee", "cat"}
    # The held-out labels are the ones the estimator's own score uses.
    assert est.validation_scores_[-1] == accuracy_score(
        run.y_val, est.predict(run.X_val)
    )
    np.testing.assert_array_equal(rec.final, _flat(est))
    # partial_fit: one epoch, nothing held out.
    est.set_params(early_stopping=False).partial_fit(X, names)
    assert rec.events[-3:] == ["begin", 1, "end"]
    assert rec.run.max_epochs == 1 and rec.run.X_val is None
    np.testing.assert_array_equal(rec.run.y, names)


@pytest.mark.parametrize("kind", ["binary", "binary-strings", "multilabel"])
def test_run_targets_of_every_classifier_target_type(clf_data, kind):
    X, y = clf_data
    y = {
        "binary": y == 1,
        "binary-strings": np.array(["no", "yes"])[(y == 1).astype(int)],
        "multilabel": np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int),
    }[kind]
    rec = Recorder(stop_at=1)
    est = MLPClassifierPrimer(**SMALL, callbacks=[rec, EpochScoring("accuracy")])
    est.fit(X, y)
    np.testing.assert_array_equal(rec.run.y, y)
    assert est.epoch_scores_["accuracy"] == [est.score(X, y)]


def test_regressor_run_targets_are_on_the_users_scale(reg_data):
    X, y = reg_data
    rec = Recorder(stop_at=1)
    MLPRegressorPrimer(**SMALL, callbacks=[rec]).fit(X, 1000 * y + 5)
    np.testing.assert_allclose(rec.run.y, 1000 * y + 5, rtol=1e-12)


def test_one_dict_goes_along_the_list_and_plain_callables_still_work(clf_data):
    X, y = clf_data
    seen = []

    def add(est, info):
        info["added"] = info["epoch"] * 10

    def look(est, info):
        seen.append(info["added"])
        return info["epoch"] == 2

    MLPClassifierPrimer(**SMALL, max_iter=5, callbacks=[add, look]).fit(X, y)
    assert seen == [10, 20]


def test_on_train_end_runs_when_a_call_fails_and_state_is_put_back(clf_data):
    X, y = clf_data
    rec, stop = Recorder(), EarlyStopping(monitor="loss", patience=50)
    est = quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=4, callbacks=[stop, rec]), X, y
    )
    before = (stop.best_, stop.best_epoch_, stop.wait_)

    def boom(estimator, info):
        if info["epoch"] == 2:
            raise RuntimeError("boom")

    est.set_params(warm_start=True, callbacks=[stop, rec, boom])
    with pytest.raises(RuntimeError, match="boom"):
        est.fit(X, y)
    assert rec.events[-4:] == ["begin", 1, 2, "end"]
    # The estimator and what the ready-made callbacks remember are as before.
    assert (stop.best_, stop.best_epoch_, stop.wait_) == before
    assert len(est.loss_curve_) == 4


def test_lbfgs_calls_the_hooks_and_its_curve_grows_live(clf_data):
    X, y = clf_data
    lengths = []
    rec = Recorder(stop_at=5)
    MLPClassifierPrimer(
        **SMALL,
        solver="lbfgs",
        callbacks=[rec, lambda est, info: lengths.append(len(est.loss_curve_))],
    ).fit(X, y)
    assert rec.events == ["begin", 1, 2, 3, 4, 5, "end"]
    assert lengths == [1, 2, 3, 4, 5]


# -- LRScheduler ----------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_a_schedule_of_ones_changes_nothing(clf_data, solver):
    X, y = clf_data
    params = dict(**SMALL, solver=solver, learning_rate_init=0.05, max_iter=6)
    plain = quiet_fit(MLPClassifierPrimer(**params), X, y)
    scheduled = quiet_fit(
        MLPClassifierPrimer(**params, callbacks=[LRScheduler(policy=_one)]), X, y
    )
    np.testing.assert_array_equal(_flat(plain), _flat(scheduled))
    assert plain.loss_curve_ == scheduled.loss_curve_


def test_sgd_steps_by_the_scheduled_rate(reg_data):
    # Full-batch SGD without momentum: w_e = w_{e-1} - rate_e * grad(w_{e-1}).
    X, y = reg_data
    rec = Recorder()
    est = MLPRegressorPrimer(
        **SMALL,
        normalize_y=False,
        solver="sgd",
        momentum=0.0,
        batch_size=len(y),
        shuffle=False,
        learning_rate_init=0.2,
        max_iter=5,
        callbacks=[LRScheduler("step", step_size=2, gamma=0.5), rec],
    )
    quiet_fit(est, X, y)
    rates = [0.2, 0.2, 0.1, 0.1, 0.05]
    assert [info["learning_rate"] for info in rec.infos] == rates
    network, Y = est._network, y.reshape(-1, 1)
    previous = rec.start
    for rate, weights in zip(rates, rec.weights):
        _, grad = network.loss_and_grad(previous, X, Y, None, est.alpha)
        np.testing.assert_allclose(weights, previous - rate * grad, rtol=1e-12)
        previous = weights


def test_adam_bias_correction_derives_from_the_scheduled_rate(clf_data):
    X, y = clf_data
    rec = Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        learning_rate_init=0.01,
        batch_size=40,  # 3 steps an epoch
        max_iter=6,
        callbacks=[LRScheduler("cosine", min_learning_rate=1e-3), rec],
    )
    quiet_fit(est, X, y)
    for e, info in enumerate(rec.infos):
        t = 3 * (e + 1)  # Adam's step count after the epoch
        base = cosine(e, 0.01, n_epochs=6, min_learning_rate=1e-3)
        expected = base * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        assert info["learning_rate"] == pytest.approx(expected, rel=1e-14)
    # A rate of zero from the third epoch on: the weights stop moving.
    rec = Recorder()
    zero = lambda epoch: 0.0 if epoch >= 2 else 1.0  # noqa: E731
    quiet_fit(est.set_params(callbacks=[LRScheduler(zero), rec]), X, y)
    assert not np.array_equal(rec.weights[0], rec.weights[1])
    np.testing.assert_array_equal(rec.weights[1], rec.weights[-1])


@pytest.mark.parametrize(
    "scheduler, formula",
    [
        (
            LRScheduler("step", step_size=3),
            lambda e: step(e, 0.1, step_size=3, gamma=0.1),
        ),
        (LRScheduler("exponential"), lambda e: exponential(e, 0.1, gamma=0.95)),
        (
            LRScheduler("cosine", n_epochs=5, min_learning_rate=0.01),
            lambda e: cosine(e, 0.1, n_epochs=5, min_learning_rate=0.01),
        ),
        (
            LRScheduler("one_cycle"),
            lambda e: one_cycle(
                e, 0.1, n_epochs=8, pct_start=0.3, div_factor=25.0, final_div_factor=1e4
            ),
        ),
        (LRScheduler(_half_from_epoch_2), lambda e: 0.1 * _half_from_epoch_2(e)),
    ],
    ids=["step", "exponential", "cosine", "one_cycle", "callable"],
)
def test_policies_follow_their_formulas(clf_data, scheduler, formula):
    X, y = clf_data
    rec = Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=8,
        callbacks=[scheduler, rec],
    )
    quiet_fit(est, X, y)
    rates = [info["learning_rate"] for info in rec.infos]
    np.testing.assert_allclose(rates, [formula(e) for e in range(8)], rtol=1e-15)
    assert scheduler.learning_rate_ == pytest.approx(formula(8))


def test_plateau_lowers_the_rate_when_the_number_stalls(clf_data):
    X, y = clf_data
    fed = [5.0, 4.0, 4.5, 4.2, 3.0, 3.5, 3.6, 3.7, 3.8]
    rec = Recorder()
    scheduler = LRScheduler("plateau", monitor="fed_loss", patience=2, factor=0.5)
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=9,
        callbacks=[Feed(fed), scheduler, rec],
    )
    quiet_fit(est, X, y)
    # Lowered after epochs 4 (3 and 4 stall), 7 (6 and 7) and 9 (8 and 9).
    rates = [info["learning_rate"] for info in rec.infos]
    assert rates == [0.1] * 4 + [0.05] * 3 + [0.025] * 2
    assert (scheduler.best_, scheduler.best_epoch_, scheduler.scale_) == (3.0, 5, 0.125)
    assert scheduler.learning_rate_ == 0.0125


def test_schedules_compose_with_invscaling(clf_data):
    X, y = clf_data
    rec = Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate="invscaling",
        power_t=0.5,
        learning_rate_init=0.5,
        max_iter=4,
        callbacks=[LRScheduler("exponential", gamma=0.5), rec],
    )
    quiet_fit(est, X, y)
    rates = [info["learning_rate"] for info in rec.infos]
    # Epoch e+1 uses 0.5 * 0.5**e / (t + 1) ** 0.5, t = samples seen after e epochs.
    expected = [0.5 * 0.5**e / (120 * e + 1) ** 0.5 for e in range(4)]
    np.testing.assert_allclose(rates, expected, rtol=1e-14)


def test_partial_fit_goes_on_along_the_schedule(clf_data):
    X, y = clf_data
    rec = Recorder()
    est = MLPClassifierPrimer(
        **SMALL,
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=4,
        callbacks=[LRScheduler("cosine"), rec],
    )
    rates = []
    for _ in range(5):
        est.partial_fit(X, y, classes=[0, 1, 2])
        rates.append(rec.infos[0]["learning_rate"])
    expected = [cosine(e, 0.1, n_epochs=4, min_learning_rate=0.0) for e in range(5)]
    np.testing.assert_allclose(rates, expected, rtol=1e-15)


def test_a_scheduler_with_lbfgs_is_an_error(clf_data):
    X, y = clf_data
    est = MLPClassifierPrimer(**SMALL, solver="lbfgs", callbacks=[LRScheduler()])
    with pytest.raises(ValueError, match="LRScheduler needs solver='sgd' or 'adam'"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


# -- EarlyStopping -------------------------------------------------------------------


def test_early_stopping_stops_and_restores_the_best_epoch(clf_data):
    X, y = clf_data
    fed = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 1.0, 1.0]
    rec = Recorder()
    stop = EarlyStopping(monitor="fed_loss", patience=3)
    est = MLPClassifierPrimer(**SMALL, max_iter=8, callbacks=[Feed(fed), rec, stop])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # stopped by a callback: no warning
        est.fit(X, y)
    assert est.n_iter_ == 6 == stop.stopped_epoch_
    assert (stop.best_, stop.best_epoch_, stop.wait_) == (3.0, 3, 3)
    np.testing.assert_array_equal(_flat(est), rec.weights[2])
    assert not np.array_equal(_flat(est), rec.weights[-1])
    # Without restoring, the last epoch's weights stay.
    rec = Recorder()
    stop = EarlyStopping(monitor="fed_loss", patience=3, restore_best_weights=False)
    est.set_params(callbacks=[Feed(fed), rec, stop]).fit(X, y)
    np.testing.assert_array_equal(_flat(est), rec.weights[-1])


def test_early_stopping_default_monitor_min_delta_and_mode(clf_data):
    X, y = clf_data
    stop = EarlyStopping(patience=2)
    quiet_fit(
        MLPClassifierPrimer(**SMALL, **HELD_OUT, max_iter=3, callbacks=[stop]), X, y
    )
    assert stop.monitor_ == "validation_loss" and math.isfinite(stop.best_)
    for solver in ["sgd", "lbfgs"]:  # lbfgs holds nothing out
        stop = EarlyStopping(patience=2)
        est = MLPClassifierPrimer(
            **SMALL, solver=solver, early_stopping=solver == "lbfgs"
        )
        quiet_fit(est.set_params(max_iter=3, callbacks=[stop]), X, y)
        assert stop.monitor_ == "loss"
    # min_delta: 3.95 is not 0.1 better than 4.0; mode 'max' for a score.
    fed = [4.0, 3.95, 3.92, 3.0, 3.0]
    stop = EarlyStopping(monitor="fed_loss", patience=2, min_delta=0.1)
    quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=5, callbacks=[Feed(fed), stop]), X, y
    )
    assert stop.stopped_epoch_ == 3 and stop.best_epoch_ == 1
    stop = EarlyStopping(monitor="fed", patience=2)  # 'auto': higher is better
    fed_score = Feed(fed, name="fed")
    quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=5, callbacks=[fed_score, stop]), X, y
    )
    assert stop.best_ == 4.0 and stop.stopped_epoch_ == 3
    stop = EarlyStopping(monitor="fed", patience=2, mode="min")
    quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=5, callbacks=[fed_score, stop]), X, y
    )
    assert stop.best_ == 3.0 and stop.stopped_epoch_ is None


def test_early_stopping_on_a_number_the_fit_does_not_report(clf_data):
    X, y = clf_data
    est = MLPClassifierPrimer(**SMALL, callbacks=[EarlyStopping("validation_loss")])
    with pytest.raises(ValueError, match="needs the EpochScoring earlier"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


def test_early_stopping_counts_on_across_partial_fit_and_restarts_on_fit(clf_data):
    X, y = clf_data
    fed = [3.0, 4.0, 5.0, 6.0, 2.0]
    rec = Recorder()
    stop = EarlyStopping(monitor="fed_loss", patience=2)
    est = MLPClassifierPrimer(**SMALL, callbacks=[Feed(fed), rec, stop])
    est.partial_fit(X, y, classes=[0, 1, 2])
    first = _flat(est).copy()
    est.partial_fit(X, y)
    # The second epoch was worse, but the call did not stop: its weights stay
    # (putting the best back after every such call would replay the same
    # epoch from the same weights, and the model would never get past it).
    second = _flat(est).copy()
    assert not np.array_equal(second, first)
    assert stop.wait_ == 1 and stop.stopped_epoch_ is None
    est.partial_fit(X, y)
    assert stop.wait_ == 2 and stop.stopped_epoch_ == 3
    # The call that stops puts the best epoch's weights back.
    np.testing.assert_array_equal(_flat(est), first)
    # A fit from scratch starts counting again.
    quiet_fit(est.set_params(max_iter=1), X, y)
    assert (stop.best_, stop.best_epoch_, stop.wait_) == (3.0, 1, 0)


# -- EpochScoring -------------------------------------------------------------------


def test_epoch_scoring_on_held_out_data_is_the_validation_score(clf_data):
    X, y = clf_data
    scoring = EpochScoring("accuracy")
    est = quiet_fit(
        MLPClassifierPrimer(**SMALL, **HELD_OUT, max_iter=6, callbacks=[scoring]), X, y
    )
    assert scoring.name_ == "accuracy"
    assert est.epoch_scores_ == {"accuracy": est.validation_scores_}
    # A warm start appends; a fit from scratch starts over.
    quiet_fit(est.set_params(warm_start=True, max_iter=2), X, y)
    assert len(est.epoch_scores_["accuracy"]) == 8
    quiet_fit(est.set_params(warm_start=False, callbacks=None), X, y)
    assert est.epoch_scores_ == {}


def test_epoch_scoring_on_training_data_with_weights(clf_data):
    X, y = clf_data
    sw = np.random.RandomState(0).rand(len(y))
    expected = []

    def score(est, info):
        expected.append(accuracy_score(y, est.predict(X), sample_weight=sw))
        assert info["acc"] == expected[-1]  # the number is in info, for later ones

    est = MLPClassifierPrimer(
        **SMALL, max_iter=4, callbacks=[EpochScoring("accuracy", name="acc"), score]
    )
    quiet_fit(est, X, y, sample_weight=sw)
    assert est.epoch_scores_["acc"] == expected
    # on_train=True scores the training part even when data is held out.
    train = EpochScoring("accuracy", name="train_accuracy", on_train=True)
    est.set_params(**HELD_OUT, callbacks=[train, EpochScoring("accuracy")])
    quiet_fit(est, X, y)
    assert est.epoch_scores_["train_accuracy"] != est.epoch_scores_["accuracy"]


def test_epoch_scoring_regressor_scores_on_the_users_scale(reg_data):
    X, y = reg_data
    r2 = []
    est = MLPRegressorPrimer(
        **SMALL,
        max_iter=3,
        callbacks=[
            EpochScoring("neg_mean_absolute_error"),
            lambda est, info: r2.append(r2_score(100 * y, est.predict(X))),
            EpochScoring(lambda est, X_, y_: r2_score(y_, est.predict(X_)), name="r2"),
        ],
    )
    quiet_fit(est, X, 100 * y)
    np.testing.assert_allclose(est.epoch_scores_["r2"], r2, rtol=1e-12)
    assert all(score < 0 for score in est.epoch_scores_["neg_mean_absolute_error"])


def test_epoch_scoring_feeds_early_stopping(clf_data):
    X, y = clf_data
    stop = EarlyStopping(monitor="balanced_accuracy", patience=2)
    est = MLPClassifierPrimer(
        **SMALL,
        **HELD_OUT,
        solver="sgd",
        learning_rate_init=0.5,
        max_iter=100,
        callbacks=[EpochScoring("balanced_accuracy"), stop],
    )
    est.fit(X, y)  # no ConvergenceWarning: stopped by the callback
    scores = est.epoch_scores_["balanced_accuracy"]
    assert stop.best_ == max(scores) and est.n_iter_ == stop.best_epoch_ + 2 < 100


# -- Checkpoint -------------------------------------------------------------------


def test_checkpoint_writes_the_best_model_and_it_loads(clf_data, tmp_path, monkeypatch):
    X, y = clf_data
    written = []
    real_write = sklmlp.callbacks._checkpoint._write

    def counting(model, path, fmt):
        written.append(model.n_iter_)
        real_write(model, path, fmt)

    monkeypatch.setattr(sklmlp.callbacks._checkpoint, "_write", counting)
    fed = [3.0, 2.0, 2.5, 1.0, 1.5, 1.2]
    rec = Recorder()
    path = tmp_path / "best.skops"
    save = Checkpoint(path, monitor="fed_loss")
    est = MLPClassifierPrimer(
        **SMALL, max_iter=6, callbacks=[Feed(fed), rec, save, ProgressBar()]
    )
    quiet_fit(est, X, y)
    assert written == [1, 2, 4] and save.best_epoch_ == 4 and save.format_ == "skops"
    untrusted = sio.get_untrusted_types(file=path)
    # Saved without callbacks: skops asks to trust sklmlp's own types only.
    assert not [name for name in untrusted if "callbacks" in name or "test" in name]
    best = sio.load(path, trusted=untrusted)
    assert best.callbacks is None and best.n_iter_ == 4
    np.testing.assert_array_equal(_flat(best), rec.weights[3])
    assert est.callbacks[2] is save  # the estimator keeps its callbacks
    # Without skops installed, 'auto' writes with joblib.
    monkeypatch.setattr(sklmlp.callbacks._checkpoint, "installed", lambda name: False)
    save = Checkpoint(tmp_path / "best.joblib", monitor="fed_loss")
    quiet_fit(est.set_params(callbacks=[Feed(fed), save]), X, y)
    assert save.format_ == "joblib"
    best = joblib.load(tmp_path / "best.joblib")  # the same training, so epoch 4
    np.testing.assert_array_equal(_flat(best), rec.weights[3])


# -- ProgressBar ---------------------------------------------------------------------


def test_progress_bar_text_lines_on_a_stream(clf_data):
    X, y = clf_data
    out = io.StringIO()
    bar = ProgressBar(stream=out, style="text")
    est = MLPClassifierPrimer(
        **SMALL, **HELD_OUT, max_iter=20, callbacks=[EpochScoring("f1_macro"), bar]
    )
    quiet_fit(est.set_params(max_iter=3), X, y)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[1].startswith("MLPClassifierPrimer epoch 2/3: loss=")
    for key in ["validation_score=", "validation_loss=", "learning_rate=", "f1_macro="]:
        assert key in lines[1]
    assert "s elapsed, at most" in lines[1] and lines[1].endswith("s left")
    assert lines[-1].startswith("MLPClassifierPrimer: 3 epoch(s) in ")


def test_progress_bar_uses_tqdm_when_installed(clf_data, monkeypatch):
    X, y = clf_data
    out = io.StringIO()
    quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=4, callbacks=[ProgressBar(stream=out)]),
        X,
        y,
    )
    text = out.getvalue()
    assert "4/4" in text and "epoch" in text and "loss=" in text and "\r" in text
    # Without tqdm, plain lines.
    monkeypatch.setattr(sklmlp.callbacks._progress_bar, "installed", lambda name: False)
    out = io.StringIO()
    quiet_fit(
        MLPClassifierPrimer(**SMALL, max_iter=2, callbacks=[ProgressBar(stream=out)]),
        X,
        y,
    )
    assert out.getvalue().startswith("MLPClassifierPrimer epoch 1/2: ")


def test_progress_bar_defaults_to_stderr_and_is_quiet_when_verbose(clf_data, capsys):
    X, y = clf_data
    est = MLPClassifierPrimer(
        **SMALL, max_iter=2, callbacks=[ProgressBar(style="text")]
    )
    quiet_fit(est, X, y)
    assert "epoch 2/2" in capsys.readouterr().err
    quiet_fit(est.set_params(verbose=True), X, y)
    captured = capsys.readouterr()
    assert "epoch" not in captured.err and "Iteration 2" in captured.out
    est.set_params(
        verbose=False, callbacks=[ProgressBar(stream="stdout", style="text")]
    )
    quiet_fit(est, X, y)
    assert "epoch 2/2" in capsys.readouterr().out
    # No stream at all (pythonw): nothing, and no error.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "stderr", None)
        quiet_fit(est.set_params(verbose=False), X, y)


def test_progress_bar_closes_when_training_fails(clf_data):
    X, y = clf_data
    out = io.StringIO()

    def boom(est, info):
        raise RuntimeError("boom")

    est = MLPClassifierPrimer(
        **SMALL, callbacks=[ProgressBar(stream=out, style="text"), boom]
    )
    with pytest.raises(RuntimeError):
        est.fit(X, y)
    assert out.getvalue().splitlines()[-1].startswith("MLPClassifierPrimer: 1 epoch")


# -- clone, pickle, GridSearchCV, skops ---------------------------------------------


def _all_callbacks(tmp_path):
    return [
        EpochScoring("accuracy"),
        LRScheduler("cosine", min_learning_rate=1e-4),
        EarlyStopping(monitor="accuracy", patience=3),
        Checkpoint(tmp_path / "best.skops"),
        ProgressBar(style="text", stream=io.StringIO()),
    ]


def test_callbacks_survive_clone_and_pickle(clf_data, tmp_path):
    X, y = clf_data
    est = quiet_fit(
        MLPClassifierPrimer(
            **SMALL, **HELD_OUT, max_iter=8, callbacks=_all_callbacks(tmp_path)
        ),
        X,
        y,
    )
    copy = clone(est)
    for fresh, used in zip(copy.callbacks, est.callbacks):
        assert fresh is not used and type(fresh) is type(used)
        assert fresh.get_params().keys() == used.get_params().keys()
        assert not [key for key in vars(fresh) if key.endswith("_")]
    assert repr(copy.callbacks[:4]) == repr(est.callbacks[:4])
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    assert loaded.callbacks[2].best_ == est.callbacks[2].best_
    assert not hasattr(loaded.callbacks[0], "_data")  # no training data inside
    # The loaded model trains on, with its callbacks.
    quiet_fit(loaded.set_params(warm_start=True, max_iter=2), X, y)
    assert 1 <= loaded.n_iter_ <= 2  # EarlyStopping's patience carries over
    assert len(loaded.epoch_scores_["accuracy"]) == est.n_iter_ + loaded.n_iter_


def test_grid_search_with_callbacks_in_worker_processes(clf_data, tmp_path):
    X, y = clf_data
    callbacks = _all_callbacks(tmp_path)[:3]  # no file, no stream
    search = GridSearchCV(
        MLPClassifierPrimer(**SMALL, **HELD_OUT, max_iter=6, callbacks=callbacks),
        {"learning_rate_init": [0.01, 0.1]},
        cv=2,
        n_jobs=2,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    best = search.best_estimator_
    assert len(best.epoch_scores_["accuracy"]) == best.n_iter_
    # The search's own estimator's callbacks were never used: clones were.
    assert not hasattr(callbacks[2], "best_")


def test_skops_lists_callbacks_until_they_are_dropped(clf_data, tmp_path):
    X, y = clf_data
    est = quiet_fit(
        MLPClassifierPrimer(
            **SMALL, max_iter=3, callbacks=_all_callbacks(tmp_path)[:3]
        ),
        X,
        y,
    )
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert "sklmlp.callbacks._lr_scheduler.LRScheduler" in untrusted
    est.set_params(callbacks=None)
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert not [name for name in untrusted if "callbacks" in name]
