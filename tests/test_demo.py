"""The demo's building blocks: a pipeline in a grid search, pickled and reloaded."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pipeline_grid_search_and_pickle_round_trip():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", MLPClassifierPrimer(max_iter=30, random_state=0)),
        ]
    )
    grid = {"mlp__activation": ["relu", "maxout"], "mlp__alpha": [1e-4, 1e-1]}
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert set(search.best_params_) == {"mlp__activation", "mlp__alpha"}
    assert search.best_score_ > 0.8  # chance is 0.1
    best = search.best_estimator_
    reloaded = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(reloaded.predict_proba(X), best.predict_proba(X))


def test_clone_and_set_params():
    est = MLPRegressorPrimer(hidden_layer_sizes=(3, 2), activation=["tanh", "prelu"])
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert copy is not est
    copy.set_params(alpha=0.5, dropout=[0.1, 0.2])
    assert copy.alpha == 0.5 and copy.dropout == [0.1, 0.2]
    assert est.alpha == 0.0001


def test_estimator_attributes_count_the_notes_examples():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    # A [3, 4, 2] net: 6 neurons, 26 parameters. A [3, 4, 4, 1] net: 9 and 41.
    # A fixed random_state: with some seeds every unit of the (4, 4) net's second
    # layer starts dead on these 40 rows, and L-BFGS then converges at once.
    reg = MLPRegressorPrimer(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=5, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, rng.randn(40, 2))
    assert (reg.n_neurons_, reg.n_params_, reg.n_layers_) == (6, 26, 3)
    reg = MLPRegressorPrimer(
        hidden_layer_sizes=(4, 4), solver="lbfgs", max_iter=5, random_state=0
    )
    with pytest.warns(ConvergenceWarning):
        reg.fit(X, rng.randn(40))
    assert (reg.n_neurons_, reg.n_params_, reg.n_layers_) == (9, 41, 4)
    assert [c.shape for c in reg.coefs_] == [(3, 4), (4, 4), (4, 1)]


def test_demo_runs_and_reloads_identically(tmp_path, monkeypatch, capsys):
    from sklmlp import demo

    # A smaller grid keeps this fast; the code path is the demo's own.
    monkeypatch.setattr(demo, "ACTIVATIONS", ["tanh", "maxout"])
    monkeypatch.setattr(demo, "ALPHAS", [1e-4])
    monkeypatch.setitem(demo.SETTINGS, "max_iter", 5)
    assert demo.main(["--output", str(tmp_path / "model.pkl")]) is True
    out = capsys.readouterr().out
    assert "identical predictions on 450 test samples: True" in out
    assert "tanh" in out and "maxout" in out and "n/a" in out
