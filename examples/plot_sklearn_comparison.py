"""
=====================================
sklmlp and scikit-learn side by side
=====================================

:class:`~sklmlp.MLPClassifierPrimer` and :class:`~sklmlp.MLPRegressorPrimer`
take every parameter of scikit-learn's ``MLPClassifier`` and ``MLPRegressor``
with the same meaning. This example fits both libraries with identical
settings on scikit-learn's bundled data sets (four classification sets and
``diabetes`` for the regressor), each inside a pipeline with a
``StandardScaler``, and compares held-out accuracy (R² for diabetes) and fit
time.

Two activations are run, ``'tanh'`` and ``'relu'`` (both libraries'
default). The classifiers run with ``defaults='sklearn'``, scikit-learn's path:
the same Glorot weights from the same seed, the same optimization path, loss
curves that agree to rounding. The regressor keeps sklmlp's tabular defaults
and differs by design: it scales its inputs inside the model, standardizes the
targets (``normalize_y``) and starts Adam's output layer at the mean target,
so its loss is on another scale (``nan`` curve gap when the epochs differ) and
its R² is its own; ``defaults='sklearn'`` gives scikit-learn's path. Timings
are single runs on a shared machine: read them as orders of magnitude.
"""

# %%
import functools
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

datasets = {
    "digits": (load_digits, "classifier"),
    "iris": (load_iris, "classifier"),
    "wine": (load_wine, "classifier"),
    "breast_cancer": (load_breast_cancer, "classifier"),
    "diabetes": (load_diabetes, "regressor"),
}
estimators = {
    "classifier": {
        "sklmlp": functools.partial(MLPClassifierPrimer, defaults="sklearn"),
        "scikit-learn": MLPClassifier,
    },
    "regressor": {"sklmlp": MLPRegressorPrimer, "scikit-learn": MLPRegressor},
}
settings = {
    "classifier": dict(hidden_layer_sizes=(100,), max_iter=200),
    # 442 samples and noisy targets: hold out 10% and stop when its R² stalls.
    "regressor": dict(
        hidden_layer_sizes=(100,),
        max_iter=500,
        learning_rate_init=0.01,
        early_stopping=True,
    ),
}

rows = []
for name, (load, kind) in datasets.items():
    X, y = load(return_X_y=True)
    stratify = y if kind == "classifier" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=stratify
    )
    for activation in ("tanh", "relu"):
        curves = {}
        for library, Estimator in estimators[kind].items():
            model = Estimator(activation=activation, random_state=0, **settings[kind])
            pipe = make_pipeline(StandardScaler(), model)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                pipe.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            curves[library] = np.array(model.loss_curve_)
            rows.append(
                dict(
                    data=name,
                    activation=activation,
                    library=library,
                    score=pipe.score(X_test, y_test),
                    seconds=seconds,
                    epochs=model.n_iter_,
                )
            )
        a, b = curves["sklmlp"], curves["scikit-learn"]
        same_length = len(a) == len(b)
        gap = np.max(np.abs(a - b) / np.abs(b)) if same_length else np.nan
        rows[-1]["curve_gap"] = rows[-2]["curve_gap"] = gap

# %%
# Held-out score and fit time
# ---------------------------
names = list(datasets)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
width = 0.2
for k, (activation, library) in enumerate(
    [(a, lib) for a in ("tanh", "relu") for lib in ("sklmlp", "scikit-learn")]
):
    sel = [r for r in rows if r["activation"] == activation and r["library"] == library]
    pos = np.arange(len(names)) + (k - 1.5) * width
    label = f"{library}, {activation}"
    hatch = "" if library == "sklmlp" else "//"
    color = "C0" if activation == "tanh" else "C1"
    axes[0].bar(
        pos,
        [r["score"] for r in sel],
        width,
        label=label,
        color=color,
        hatch=hatch,
        edgecolor="k",
    )
    axes[1].bar(
        pos,
        [r["seconds"] for r in sel],
        width,
        label=label,
        color=color,
        hatch=hatch,
        edgecolor="k",
    )
for ax in axes:
    ax.set_xticks(np.arange(len(names)), names)
axes[0].set(title="held-out accuracy (R² for diabetes)", ylim=(0, 1.05))
axes[1].set(title="fit time (s), single run", yscale="log")
axes[1].legend(fontsize=8)
fig.tight_layout()

# %%
# The figure in numbers. ``curve gap`` is the largest relative difference
# between the two libraries' loss curves, epoch by epoch (``nan`` when they ran
# a different number of epochs).
print(
    f"{'data':>13} {'act':>4} {'library':>12} {'score':>6} {'fit s':>6} "
    f"{'epochs':>6} {'curve gap':>9}"
)
for r in rows:
    print(
        f"{r['data']:>13} {r['activation']:>4} {r['library']:>12} "
        f"{r['score']:6.3f} {r['seconds']:6.2f} {r['epochs']:>6} "
        f"{r['curve_gap']:9.1e}"
    )

plt.show()
