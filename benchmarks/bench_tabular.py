"""Default parameters on real tabular data, beside what tabular users pick instead.

Every model gets its default parameters (``random_state=0``) and is scored by
shuffled 5-fold cross-validation (``StratifiedKFold`` / ``KFold``,
``random_state=0``; accuracy or R^2), one BLAS thread, all models on the same
folds in one run. The columns:

- ``sklmlp``: the estimator alone on the features as stored (no scaler);
- ``sklmlp+ss``: the same in ``Pipeline(StandardScaler(), estimator)``;
- ``skl-path``: ``Pipeline(StandardScaler(), estimator(defaults="sklearn"))``,
  scikit-learn's exact training path;
- ``sk MLP``: scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` in
  ``Pipeline(StandardScaler(), ...)``, the regressor's target standardized by
  ``TransformedTargetRegressor(transformer=StandardScaler())`` (without it
  scikit-learn's MLP fails on targets in the thousands);
- ``HGB``: ``HistGradientBoostingClassifier`` / ``Regressor`` on the stored
  features;
- ``RealMLP``: pytabkit's ``RealMLP_TD_Classifier`` / ``Regressor`` on the
  stored features, when pytabkit is installed (it is never a dependency).

The data: the development suite in ``../shared/tabular`` (real data sets from
the KEEL repository and R packages, cleared for choosing defaults) and
scikit-learn's bundled sets as a sanity check. The summary gives the mean
rank of the models that take raw features, mean scores, the largest
shortfall of ``sklmlp+ss`` against ``sk MLP``, and the CPU seconds each model
spent (fit and predict).

``python benchmarks/bench_tabular.py`` takes about ten minutes on one core;
``--quick`` runs three small sets; ``--models`` and ``--data`` choose.
Nothing is asserted.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import rankdata
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

SUITE = Path(__file__).resolve().parents[2] / "shared" / "tabular"
BUNDLED = {
    "iris": ("clf", lambda: datasets.load_iris(return_X_y=True)),
    "wine": ("clf", lambda: datasets.load_wine(return_X_y=True)),
    "breast_cancer": ("clf", lambda: datasets.load_breast_cancer(return_X_y=True)),
    "digits": ("clf", lambda: datasets.load_digits(return_X_y=True)),
    "diabetes": ("reg", lambda: datasets.load_diabetes(return_X_y=True)),
}
QUICK = ["iris", "bupa", "diabetes"]
# Models that see the features as stored, ranked against each other.
RAW = ["sklmlp", "HGB", "RealMLP"]


def _realmlp(task):
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    model = RealMLP_TD_Classifier if task == "clf" else RealMLP_TD_Regressor
    return model(random_state=0, n_threads=1, device="cpu", verbosity=0)


MODELS = {
    "sklmlp": lambda task: (
        MLPClassifierPrimer if task == "clf" else MLPRegressorPrimer
    )(random_state=0),
    "sklmlp+ss": lambda task: make_pipeline(StandardScaler(), MODELS["sklmlp"](task)),
    "skl-path": lambda task: make_pipeline(
        StandardScaler(),
        (MLPClassifierPrimer if task == "clf" else MLPRegressorPrimer)(
            defaults="sklearn", random_state=0
        ),
    ),
    "sk MLP": lambda task: make_pipeline(
        StandardScaler(),
        MLPClassifier(random_state=0)
        if task == "clf"
        else TransformedTargetRegressor(
            MLPRegressor(random_state=0), transformer=StandardScaler()
        ),
    ),
    "HGB": lambda task: (
        HistGradientBoostingClassifier
        if task == "clf"
        else HistGradientBoostingRegressor
    )(random_state=0),
    "RealMLP": _realmlp,
}


def has_pytabkit():
    """Whether RealMLP can run here."""
    try:
        import pytabkit  # noqa: F401
    except ImportError:
        return False
    return True


def load_suite(names=None):
    """Yield ``(name, task, X, y)`` for the development suite and bundled sets."""
    index = json.loads((SUITE / "index.json").read_text()) if SUITE.exists() else {}
    for name, meta in index.items():
        if names is None or name in names:
            data = np.load(SUITE / f"{name}.npz")
            yield name, meta["task"], data["X"], data["y"]
    for name, (task, load) in BUNDLED.items():
        if names is None or name in names:
            yield name, task, *load()


def cv_score(model_name, task, X, y, folds=5):
    """Mean score over the folds, and the CPU seconds spent fitting and predicting."""
    splitter = StratifiedKFold if task == "clf" else KFold
    cv = splitter(folds, shuffle=True, random_state=0)
    metric = accuracy_score if task == "clf" else r2_score
    scores, cpu = [], 0.0
    for train, test in cv.split(X, y):
        model = MODELS[model_name](task)
        start = time.process_time()
        with warnings.catch_warnings():
            # Every library warns about iterations and convergence on some fold.
            warnings.simplefilter("ignore")
            model.fit(X[train], y[train])
            predicted = model.predict(X[test])
        cpu += time.process_time() - start
        scores.append(metric(y[test], predicted))
    return float(np.mean(scores)), cpu


def summarize(rows, models):
    """Print mean ranks, mean scores, CPU times and the worst shortfall."""
    scores = np.array([[row[m][0] for m in models] for row in rows])
    raw = [m for m in RAW if m in models]
    print()
    if len(raw) > 1:
        cols = [models.index(m) for m in raw]
        ranks = np.array([rankdata(-s[cols]) for s in scores])
        print(
            "mean rank, raw features: "
            + ", ".join(f"{m} {r:.2f}" for m, r in zip(raw, ranks.mean(axis=0)))
        )
    for task in ("clf", "reg"):
        mask = [row["task"] == task for row in rows]
        if any(mask):
            print(
                f"mean {task}: "
                + ", ".join(
                    f"{m} {s:.4f}" for m, s in zip(models, scores[mask].mean(axis=0))
                )
            )
    print(
        "CPU seconds: "
        + ", ".join(f"{m} {sum(row[m][1] for row in rows):.1f}" for m in models)
    )
    if "sklmlp+ss" in models and "sk MLP" in models:
        gap = [row["sklmlp+ss"][0] - row["sk MLP"][0] for row in rows]
        worst = int(np.argmin(gap))
        print(
            f"sklmlp+ss - sk MLP: worst {gap[worst]:+.4f} ({rows[worst]['name']}), "
            f"{sum(g < -0.005 for g in gap)} of {len(gap)} sets below by more "
            "than 0.005"
        )


def main(argv=None):
    """Score every model on every data set and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three small sets")
    parser.add_argument("--data", nargs="+", help="data set names")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), help="models")
    args = parser.parse_args(argv)
    models = args.models or [m for m in MODELS if m != "RealMLP" or has_pytabkit()]
    names = QUICK if args.quick else args.data
    print(f"{'data set':<16}{'task':<5}" + "".join(f"{m:>11}" for m in models))
    rows = []
    with threadpool_limits(1):
        for name, task, X, y in load_suite(names):
            row = {"name": name, "task": task}
            for model in models:
                row[model] = cv_score(model, task, X, y)
            rows.append(row)
            print(
                f"{name:<16}{task:<5}" + "".join(f"{row[m][0]:>11.4f}" for m in models),
                flush=True,
            )
    summarize(rows, models)
    return rows


if __name__ == "__main__":
    main()
