"""The main demo: tune an sklmlp pipeline on digits, compare with scikit-learn, persist.

Run with ``python -m sklmlp.demo`` (or ``make demo``). It grid-searches
``Pipeline(StandardScaler(), MLPClassifierPrimer(defaults='sklearn'))`` over
activations and L2 strengths on scikit-learn's bundled digits, fits
scikit-learn's ``MLPClassifier`` at every setting it supports, prints both side
by side (the same scores: ``defaults='sklearn'`` is scikit-learn's path), then
scores default models on raw features as a new user fits them (sklmlp's
tabular defaults, scikit-learn's MLP, HistGradientBoosting), and pickles the
best sklmlp model, reloads it and checks that its predictions are identical.
"""

import argparse
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, __version__

ACTIVATIONS = ["relu", "tanh", "logistic", "leaky_relu", "maxout"]
SKLEARN_ACTIVATIONS = {"identity", "logistic", "tanh", "relu"}
ALPHAS = [1e-4, 1e-1]
SETTINGS = dict(hidden_layer_sizes=(64,), max_iter=60, random_state=0)
# scikit-learn's path, for the side-by-side (the tabular defaults are below).
SKLEARN_PATH = dict(SETTINGS, defaults="sklearn")
RAW_DATA = {"breast_cancer": load_breast_cancer, "wine": load_wine}
RAW_MODELS = {
    "sklmlp": lambda: MLPClassifierPrimer(random_state=0),
    "sklmlp, sklearn path": lambda: MLPClassifierPrimer(
        random_state=0, defaults="sklearn"
    ),
    "scikit-learn MLP": lambda: MLPClassifier(random_state=0),
    "HistGradientBoosting": lambda: HistGradientBoostingClassifier(random_state=0),
}


def _raw_features_table():
    """Print 5-fold accuracy of default models fitted on raw features."""
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    print("\nDefault parameters on raw features (no scaler), 5-fold CV accuracy:")
    print(f"{'model':<22}" + "".join(f"{name:>15}" for name in RAW_DATA))
    for model_name, make in RAW_MODELS.items():
        scores = [
            cross_val_score(make(), *load(return_X_y=True), cv=cv).mean()
            for load in RAW_DATA.values()
        ]
        print(f"{model_name:<22}" + "".join(f"{score:>15.4f}" for score in scores))


def _pipeline(model):
    return Pipeline([("scale", StandardScaler()), ("mlp", model)])


def _search(model, activations, X, y):
    grid = {"mlp__activation": activations, "mlp__alpha": ALPHAS}
    search = GridSearchCV(_pipeline(model), grid, cv=3, n_jobs=1)
    search.fit(X, y)
    return search


def _timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start


def main(argv=None):
    """Run the demo and print its table.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``--output PATH`` for the pickled model).

    Returns
    -------
    bool
        True when the reloaded model's predictions are identical.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="demo_model.pkl", help="pickle path")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    print(
        f"sklmlp {__version__} demo: digits, {X.shape[0]} samples x {X.shape[1]} "
        f"features, 10 classes"
    )
    print(
        "Pipeline(StandardScaler, MLP(hidden_layer_sizes=(64,), solver='adam', "
        "max_iter=60)), 3-fold GridSearchCV; sklmlp with defaults='sklearn'\n"
    )

    with warnings.catch_warnings():
        # 60 epochs is a budget, not convergence: both libraries say so each fit.
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = _search(
            MLPClassifierPrimer(**SKLEARN_PATH), ACTIVATIONS, X_train, y_train
        )
        supported = [a for a in ACTIVATIONS if a in SKLEARN_ACTIVATIONS]
        theirs = _search(MLPClassifier(**SETTINGS), supported, X_train, y_train)

        def cv_rows(search):
            res = search.cv_results_
            return {
                (p["mlp__activation"], p["mlp__alpha"]): (score, fit_time)
                for p, score, fit_time in zip(
                    res["params"], res["mean_test_score"], res["mean_fit_time"]
                )
            }

        ours_rows, theirs_rows = cv_rows(ours), cv_rows(theirs)
        header = (
            f"{'activation':<11}{'alpha':>7}  {'cv acc sklmlp':>13}"
            f"{'cv acc sklearn':>15}  {'fit s sklmlp':>12}{'fit s sklearn':>14}"
        )
        print(header)
        print("-" * len(header))
        for key, (score, fit_time) in ours_rows.items():
            other = theirs_rows.get(key)
            their_score = f"{other[0]:.4f}" if other else "n/a"
            their_time = f"{other[1]:.3f}" if other else "n/a"
            print(
                f"{key[0]:<11}{key[1]:>7g}  {score:>13.4f}{their_score:>15}"
                f"  {fit_time:>12.3f}{their_time:>14}"
            )

        best = ours.best_params_
        ours_best = _pipeline(
            MLPClassifierPrimer(
                **SKLEARN_PATH,
                activation=best["mlp__activation"],
                alpha=best["mlp__alpha"],
            )
        )
        ours_time = _timed_fit(ours_best, X_train, y_train)
        print(
            f"\nbest sklmlp setting: activation={best['mlp__activation']!r}, "
            f"alpha={best['mlp__alpha']:g}"
        )
        print(f"{'':<26}{'test accuracy':>14}{'fit s':>8}")
        print(
            f"{'sklmlp':<26}{ours_best.score(X_test, y_test):>14.4f}{ours_time:>8.3f}"
        )
        if best["mlp__activation"] in SKLEARN_ACTIVATIONS:
            theirs_best = _pipeline(
                MLPClassifier(
                    **SETTINGS,
                    activation=best["mlp__activation"],
                    alpha=best["mlp__alpha"],
                )
            )
            their_time = _timed_fit(theirs_best, X_train, y_train)
            label = "scikit-learn, same setting"
        else:
            their = theirs.best_params_
            theirs_best = _pipeline(
                MLPClassifier(
                    **SETTINGS,
                    activation=their["mlp__activation"],
                    alpha=their["mlp__alpha"],
                )
            )
            their_time = _timed_fit(theirs_best, X_train, y_train)
            label = f"scikit-learn best ({their['mlp__activation']})"
        print(
            f"{label:<26}{theirs_best.score(X_test, y_test):>14.4f}{their_time:>8.3f}"
        )
        _raw_features_table()

    path = Path(args.output)
    path.write_bytes(pickle.dumps(ours_best))
    reloaded = pickle.loads(path.read_bytes())
    identical = np.array_equal(reloaded.predict(X_test), ours_best.predict(X_test))
    same_proba = np.array_equal(
        reloaded.predict_proba(X_test), ours_best.predict_proba(X_test)
    )
    print(
        f"\nbest model pickled to {path} ({path.stat().st_size / 1024:.0f} KiB), "
        f"reloaded: identical predictions on {len(X_test)} test samples: "
        f"{identical}; identical probabilities: {same_proba}"
    )
    return identical and same_proba


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
