"""TrainingCurveDisplay: what it draws, where, and that matplotlib stays optional."""

import subprocess
import sys
import warnings

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer, TrainingCurveDisplay
from sklmlp.callbacks import EpochScoring

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def test_import_sklmlp_does_not_import_matplotlib():
    code = (
        "import sys, sklmlp, sklmlp.callbacks\n"
        "assert 'matplotlib' not in sys.modules, 'imported by sklmlp'\n"
        "sklmlp.TrainingCurveDisplay\n"
        "assert 'matplotlib' not in sys.modules, 'imported by the display'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_from_estimator_draws_every_curve(data):
    X, y = data
    scoring = EpochScoring("f1_macro")
    est = MLPClassifierPrimer(
        (8,), early_stopping=True, max_iter=6, random_state=0, callbacks=[scoring]
    )
    _fit(est, X, y)
    display = TrainingCurveDisplay.from_estimator(est)
    assert set(display.lines_) == {
        "loss",
        "validation_loss",
        "validation_score",
        "f1_macro",
    }
    expected = {
        "loss": est.loss_curve_,
        "validation_loss": est.validation_loss_curve_,
        "validation_score": est.validation_scores_,
        "f1_macro": est.epoch_scores_["f1_macro"],
    }
    for key, values in expected.items():
        line = display.lines_[key]
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 7))
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert display.line_ is display.lines_["loss"]
    # Losses on the left, scores on a twin axis on the right.
    assert display.lines_["validation_loss"].axes is display.ax_
    assert display.lines_["validation_score"].axes is display.score_ax_
    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_title() == "MLPClassifierPrimer"
    assert display.ax_.get_xlabel() == "epoch"
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == [
        "training loss",
        "validation loss",
        "validation accuracy",
        "f1_macro",
    ]


def test_plot_into_given_axes_with_a_log_scale(data):
    X, y = data
    est = _fit(MLPRegressorPrimer(hidden_layer_sizes=(4,), max_iter=5), X, y * 1.0)
    fig, (left, right) = plt.subplots(1, 2)
    display = TrainingCurveDisplay.from_estimator(
        est, ax=right, name="five epochs", loss_scale="log"
    )
    assert display.ax_ is right and display.figure_ is fig
    assert display.score_ax_ is None and set(display.lines_) == {"loss"}
    assert right.get_yscale() == "log" and right.get_title() == "five epochs"
    assert not left.lines


def test_scores_that_start_late_end_with_the_last_epoch(data):
    X, y = data
    est = _fit(MLPClassifierPrimer((8,), max_iter=4, random_state=0), X, y)
    est.set_params(warm_start=True, max_iter=2, callbacks=[EpochScoring("accuracy")])
    _fit(est, X, y)
    display = TrainingCurveDisplay.from_estimator(est)
    np.testing.assert_array_equal(display.lines_["accuracy"].get_xdata(), [5, 6])


def test_lbfgs_counts_iterations_and_unfitted_is_an_error(data):
    X, y = data
    est = _fit(MLPClassifierPrimer((8,), solver="lbfgs", max_iter=10), X, y)
    assert TrainingCurveDisplay.from_estimator(est).ax_.get_xlabel() == "iteration"
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(MLPClassifierPrimer())
