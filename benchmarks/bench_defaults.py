"""Default parameters, side by side with scikit-learn's MLP, as a new user tries them.

Every data set goes through ``Pipeline(StandardScaler(), estimator)`` with all
parameters at their defaults but ``random_state=0``, scored by shuffled 5-fold
cross-validation (``StratifiedKFold`` for classifiers, ``KFold`` for
regressors, ``random_state=0``): accuracy for classifiers, R^2 for regressors.
Both libraries run on the same folds in one process. The last column is
sklmlp with ``defaults='sklearn'``, scikit-learn's exact path (its
classification scores equal scikit-learn's).

The data sets: scikit-learn's bundled ones (iris, digits, wine, breast_cancer;
diabetes, linnerud) and synthetic families, classification (moons, circles,
blobs, Gaussian quantiles, Hastie's 10-2, an informative-features problem) and
regression (make_regression, the three Friedman problems, a sparse
uncorrelated one, and targets already standardized, tiny and huge, to check
that rescaling never costs anything where none is needed).

``python benchmarks/bench_defaults.py`` takes a few minutes on two cores;
``--quick`` runs three small sets. ``--ablation`` prints, for the bundled sets,
what each of sklmlp's own defaults buys: the score with that one default
switched back (``weight_init='he'``, the notes' choice for ReLU units;
``normalize_y=False``; a random Glorot output layer instead of Adam's start at
the mean target). Nothing is asserted (``tests/test_accuracy.py`` holds the
claims that are tested).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer


def _friedman(number):
    make = getattr(datasets, f"make_friedman{number}")
    return lambda: make(n_samples=1000, random_state=0)


def _nonlinear_target(scale, offset=0.0):
    # A smooth target of 10 inputs: standardized, then scaled and shifted.
    def make():
        rng = np.random.RandomState(0)
        X = rng.randn(600, 10)
        y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3] ** 2
        y += 0.1 * rng.randn(600)
        return X, offset + scale * (y - y.mean()) / y.std()

    return make


CLASSIFICATION = {
    "iris": lambda: datasets.load_iris(return_X_y=True),
    "digits": lambda: datasets.load_digits(return_X_y=True),
    "wine": lambda: datasets.load_wine(return_X_y=True),
    "breast_cancer": lambda: datasets.load_breast_cancer(return_X_y=True),
    "moons": lambda: datasets.make_moons(500, noise=0.3, random_state=0),
    "circles": lambda: datasets.make_circles(
        500, noise=0.1, factor=0.5, random_state=0
    ),
    "blobs": lambda: datasets.make_blobs(
        600, centers=4, cluster_std=2.5, random_state=0
    ),
    "gaussian_quantiles": lambda: datasets.make_gaussian_quantiles(
        n_samples=600, n_classes=3, random_state=0
    ),
    "hastie_10_2": lambda: datasets.make_hastie_10_2(1000, random_state=0),
    "classification": lambda: datasets.make_classification(
        1000, n_features=20, n_informative=8, n_classes=3, random_state=0
    ),
}
REGRESSION = {
    "diabetes": lambda: datasets.load_diabetes(return_X_y=True),
    "linnerud": lambda: datasets.load_linnerud(return_X_y=True),
    "regression": lambda: datasets.make_regression(
        500, n_features=20, n_informative=10, noise=10, random_state=0
    ),
    "friedman1": _friedman(1),
    "friedman2": _friedman(2),
    "friedman3": _friedman(3),
    "sparse_uncorrelated": lambda: datasets.make_sparse_uncorrelated(
        600, random_state=0
    ),
    "standardized": _nonlinear_target(1.0),
    "tiny_scale": _nonlinear_target(1e-3),
    "huge_scale": _nonlinear_target(1e4, offset=5e4),
}
QUICK = ["iris", "wine", "diabetes"]
BUNDLED = ["iris", "digits", "wine", "breast_cancer", "diabetes", "linnerud"]
# One of sklmlp's defaults switched back: name -> (classifier, regressor) params.
ABLATIONS = {
    "weight_init='he'": (dict(weight_init="he"), dict(weight_init="he")),
    "normalize_y=False": (None, dict(normalize_y=False)),
    "random output layer": (None, dict(weight_init="glorot")),
}


def cv_score(model, X, y, cv):
    """Mean cross-validated score and mean fit time of ``model`` in a pipeline."""
    pipe = make_pipeline(StandardScaler(), model)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Both libraries stop at max_iter on many folds and say so every time.
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(pipe, X, y, cv=cv, error_score="raise")
    return float(np.mean(scores)), (time.perf_counter() - start) / cv.get_n_splits()


def _setup(task, n_samples):
    """The folds, and (scikit-learn's, sklmlp's) estimator classes."""
    if task == "classification":
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        return cv, (MLPClassifier, MLPClassifierPrimer)
    cv = KFold(4 if n_samples < 50 else 5, shuffle=True, random_state=0)
    return cv, (MLPRegressor, MLPRegressorPrimer)


def ablation():
    """Score each of sklmlp's defaults switched back, on the bundled sets."""
    print(f"{'data set':<15}{'scikit-learn':>13}{'sklmlp':>9}", end="")
    print("".join(f"{name:>21}" for name in ABLATIONS))
    for name in BUNDLED:
        task = "classification" if name in CLASSIFICATION else "regression"
        X, y = (CLASSIFICATION if task == "classification" else REGRESSION)[name]()
        cv, (Theirs, Ours) = _setup(task, len(y))
        row = [cv_score(Theirs(random_state=0), X, y, cv)[0]]
        row.append(cv_score(Ours(random_state=0), X, y, cv)[0])
        for params in ABLATIONS.values():
            params = params[task == "regression"]
            if params is None:
                row.append(np.nan)
            else:
                row.append(cv_score(Ours(random_state=0, **params), X, y, cv)[0])
        print(f"{name:<15}{row[0]:>13.4f}{row[1]:>9.4f}", end="")
        print("".join(f"{value:>21.4f}" for value in row[2:]), flush=True)


def run(names=None):
    """Score both libraries on every data set; return the rows."""
    rows = []
    tasks = [("classification", CLASSIFICATION), ("regression", REGRESSION)]
    for task, table in tasks:
        for name, load in table.items():
            if names is not None and name not in names:
                continue
            X, y = load()
            cv, classes = _setup(task, len(y))
            Theirs, Ours = classes
            models = [
                Theirs(random_state=0),
                Ours(random_state=0),
                Ours(random_state=0, defaults="sklearn"),
            ]
            (theirs, their_time), (ours, our_time), (path, _) = (
                cv_score(model, X, y, cv) for model in models
            )
            rows.append(
                dict(
                    name=name,
                    task=task,
                    theirs=theirs,
                    ours=ours,
                    sklearn_path=path,
                    their_time=their_time,
                    our_time=our_time,
                )
            )
            print(
                f"{name:<20} {'accuracy' if task == 'classification' else 'R^2':<8} "
                f"{theirs:>12.4f} {ours:>12.4f} {ours - theirs:>+9.4f} "
                f"{their_time:>9.3f} {our_time:>9.3f} {path:>12.4f}",
                flush=True,
            )
    return rows


def main(argv=None):
    """Print the table and its summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three small sets")
    parser.add_argument("--ablation", action="store_true", help="what each buys")
    args = parser.parse_args(argv)
    if args.ablation:
        return ablation()
    print(
        "Default parameters (random_state=0), Pipeline(StandardScaler(), model), "
        "shuffled 5-fold CV"
    )
    print(
        f"{'data set':<20} {'metric':<8} {'scikit-learn':>12} {'sklmlp':>12} "
        f"{'diff':>9} {'fit s skl':>9} {'fit s ours':>9} {'skl path':>12}"
    )
    rows = run(QUICK if args.quick else None)
    diffs = np.array([r["ours"] - r["theirs"] for r in rows])
    regression = [r for r in rows if r["task"] == "regression"]
    print(
        f"\n{len(rows)} data sets: worst difference {diffs.min():+.4f}, mean "
        f"{diffs.mean():+.4f}; {int(np.sum(diffs < -0.005))} worse by more than "
        f"0.005; regression sets at least equal: "
        f"{sum(r['ours'] >= r['theirs'] - 1e-12 for r in regression)}"
        f"/{len(regression)}"
    )
    return rows


if __name__ == "__main__":
    main()
