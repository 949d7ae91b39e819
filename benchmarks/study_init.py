"""Glorot against He for ReLU-family layers, by depth, with the default training.

The study behind ``weight_init='auto'``: the notes recommend He
(``N(0, 2 / fan_in)``) for ReLU units, because under Glorot a deep ReLU net's
forward signal shrinks about ``2 ** (-L / 2)`` over ``L`` layers. With the
estimators' default training (Adam, step 0.001, 200 epochs), does He win, and
from which depth?

Every fit is ``Pipeline(StandardScaler(), estimator)`` with all parameters at
their defaults but ``hidden_layer_sizes=(100,) * L``, ``activation``,
``weight_init`` and ``random_state``; regressors train on standardized targets
(``TransformedTargetRegressor``), so that the target scale does not confound
the comparison. Scores: shuffled 5-fold cross-validation for each seed; the
table gives the mean of He minus Glorot over the paired fold-fits, its standard
error, and He's wins and losses.

One run on 2 cores (seeds 0-2, relu at depths 1, 2, 4, 8) found He clearly
better (2 standard errors) on at most 1 of 9 sets at any depth and Glorot
clearly better on 3 (depth 1 and 2), 5 (depth 4) and 6 (depth 8); leaky ReLU
and maxout the same or worse (maxout under He grows its signal by about sqrt(2)
per layer). Hence ``'auto'`` is Glorot for every activation.

``python benchmarks/study_init.py`` takes about 10 minutes; ``--quick`` runs one
seed on three sets at depths 1 and 4.
"""

import argparse
import warnings

import numpy as np
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

DATA = {
    "iris": ("clf", lambda: datasets.load_iris(return_X_y=True)),
    "wine": ("clf", lambda: datasets.load_wine(return_X_y=True)),
    "breast_cancer": ("clf", lambda: datasets.load_breast_cancer(return_X_y=True)),
    "moons": ("clf", lambda: datasets.make_moons(500, noise=0.3, random_state=0)),
    "classification": (
        "clf",
        lambda: datasets.make_classification(
            1000, n_features=20, n_informative=10, n_classes=3, random_state=0
        ),
    ),
    "digits": ("clf", lambda: datasets.load_digits(return_X_y=True)),
    "diabetes": ("reg", lambda: datasets.load_diabetes(return_X_y=True)),
    "friedman1": (
        "reg",
        lambda: datasets.make_friedman1(1000, noise=1.0, random_state=0),
    ),
    "friedman2": ("reg", lambda: datasets.make_friedman2(1000, random_state=0)),
}


def model(task, depth, activation, init, seed):
    """The pipeline for one fit."""
    params = dict(
        hidden_layer_sizes=(100,) * depth,
        activation=activation,
        weight_init=init,
        random_state=seed,
    )
    if task == "clf":
        return make_pipeline(StandardScaler(), MLPClassifierPrimer(**params))
    regressor = MLPRegressorPrimer(**params, normalize_y=False)
    return make_pipeline(
        StandardScaler(),
        TransformedTargetRegressor(regressor=regressor, transformer=StandardScaler()),
    )


def paired_scores(name, activation, depth, seeds):
    """Held-out scores of Glorot and He on the same folds, fold by fold."""
    task, load = DATA[name]
    X, y = load()
    scores = {"glorot": [], "he": []}
    for seed in seeds:
        splitter = StratifiedKFold if task == "clf" else KFold
        for train, test in splitter(5, shuffle=True, random_state=seed).split(X, y):
            for init, values in scores.items():
                pipe = model(task, depth, activation, init, seed)
                pipe.fit(X[train], y[train])
                values.append(pipe.score(X[test], y[test]))
    return np.array(scores["glorot"]), np.array(scores["he"])


def main(argv=None):
    """Print one row per data set, activation and depth."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--activations", default="relu")
    parser.add_argument("--depths", default="1,2,4,8")
    args = parser.parse_args(argv)
    names, seeds = list(DATA), (0, 1, 2)
    depths = [int(d) for d in args.depths.split(",")]
    if args.quick:
        names, seeds, depths = ["iris", "moons", "friedman1"], (0,), [1, 4]
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(
        f"{'data set':<15}{'activation':<11}{'L':>2} {'glorot':>8} {'he':>8} "
        f"{'he - glorot':>17} {'he W/L':>7}  better"
    )
    for activation in args.activations.split(","):
        for depth in depths:
            for name in names:
                glorot, he = paired_scores(name, activation, depth, seeds)
                diff = he - glorot
                se = diff.std(ddof=1) / np.sqrt(len(diff))
                better = "tie"
                if abs(diff.mean()) >= 2 * se:
                    better = "he" if diff.mean() > 0 else "glorot"
                print(
                    f"{name:<15}{activation:<11}{depth:>2} {glorot.mean():8.4f} "
                    f"{he.mean():8.4f} {diff.mean():+8.4f} ± {se:.4f} "
                    f"{(diff > 0).sum():>3}/{(diff < 0).sum():<3}  {better}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
