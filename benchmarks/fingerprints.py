"""Fingerprints of fits: SHA-256 of every fitted array over a broad set of configs.

A refactor that must not change behaviour runs this before and after and
compares::

    python benchmarks/fingerprints.py --out /tmp/fp_before.json
    ... change the code ...
    python benchmarks/fingerprints.py --out /tmp/fp_after.json \
        --compare /tmp/fp_before.json

Each configuration fits on small data with a fixed ``random_state`` and records
the hash of every public fitted attribute (``coefs_``, ``intercepts_``,
``loss_curve_``, ``validation_scores_``, ``n_iter_``, ``t_``, ...), of the
optimizer's state, of the random state left after training, of the fitted
callbacks' attributes, of every prediction method on the training data and on
new data, and of what ``verbose`` printed and what warnings were raised.
Comparison goes key by key: a key recorded before and missing after, or a
changed hash, is a difference; keys that only exist after (new attributes) are
listed but are not differences. Runs in well under a minute on one core.
"""

import argparse
import contextlib
import hashlib
import io
import json
import sys
import time
import warnings

import numpy as np

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer
from sklmlp.callbacks import EarlyStopping, EpochScoring, LRScheduler


def _canon(value, seen=None):
    """A canonical byte string for a fitted value (arrays by dtype, shape, bytes)."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return b"O[" + b",".join(_canon(v) for v in value.ravel()) + b"]"
        head = f"A{value.dtype.str}{value.shape}".encode()
        return head + np.ascontiguousarray(value).tobytes()
    if isinstance(value, np.random.RandomState):
        return b"RS" + _canon(list(value.get_state()))
    if isinstance(value, list | tuple):
        return b"L[" + b",".join(_canon(v) for v in value) + b"]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        return b"D{" + b",".join(_canon(k) + b":" + _canon(v) for k, v in items) + b"}"
    if isinstance(value, np.generic):
        return f"S{value.dtype.str}".encode() + value.tobytes()
    if isinstance(value, float):
        return b"F" + float(value).hex().encode()
    if isinstance(value, bool | int | str | bytes | type(None)):
        return repr(value).encode()
    return b"T" + type(value).__name__.encode()


def _digest(value):
    return hashlib.sha256(_canon(value)).hexdigest()


_OPTIMIZER_KEYS = (
    "m",
    "v",
    "t",
    "velocity",
    "time_step",
    "n_reductions",
    "learning_rate",
    "base_learning_rate",
)


# Fitted records that may be properties rather than entries of vars().
_RECORDS = (
    "loss_curve_",
    "validation_scores_",
    "validation_loss_curve_",
    "epoch_scores_",
    "history_",
)


def _record(est, X_seen, X_new, prints, caught):
    """Key -> hash of what a fitted estimator holds and predicts."""
    out = {}
    names = {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}
    for key in sorted(names | {n for n in _RECORDS if hasattr(est, n)}):
        value = getattr(est, key)
        if key == "history_":  # without the epochs' wall-clock times
            value = [{k: v for k, v in e.items() if k != "time"} for e in value]
        out[f"attr:{key}"] = _digest(value)
    rng = vars(est).get("_random_state")
    if rng is not None:
        out["random_state_after"] = _digest(rng)
    if "_no_improvement_count" in vars(est):
        out["no_improvement_count"] = _digest(est._no_improvement_count)
    opt = vars(est).get("_optimizer")
    if opt is not None:
        for key in _OPTIMIZER_KEYS:
            if hasattr(opt, key):
                out[f"optimizer:{key}"] = _digest(getattr(opt, key))
    callbacks = est.callbacks if isinstance(est.callbacks, list) else []
    for i, cb in enumerate(callbacks):
        for key, value in sorted(vars(cb).items()):
            if key.endswith("_") and not key.startswith("_"):
                out[f"callback{i}:{key}"] = _digest(value)
    methods = ["predict", "predict_proba", "predict_log_proba", "decision_function"]
    for name, X in (("seen", X_seen), ("new", X_new)):
        for method in methods:
            if hasattr(est, method):
                out[f"{method}:{name}"] = _digest(getattr(est, method)(X))
        out[f"hidden_activations:{name}"] = _digest(est.hidden_activations(X))
    out["stdout"] = _digest(prints)
    out["warnings"] = _digest(caught)
    return out


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(90, 5)
    X_new = rng.randn(25, 5)
    y3 = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 0.7)
    y2 = (X[:, 0] - X[:, 3] > 0).astype(int)
    labels = np.array(["ant", "bee", "cow"])[y3]
    multilabel = np.c_[X[:, 0] > 0, X[:, 1] > 0.3, X[:, 2] < 0].astype(int)
    yr = 3 * X[:, 0] - X[:, 1] ** 2 + 0.1 * rng.randn(90) + 40
    Yr = np.c_[yr, X[:, 2] * X[:, 3]]
    counts = rng.poisson(np.exp(0.5 * X[:, 0]))
    sw = rng.uniform(0.2, 2.0, 90)
    return dict(
        X=X,
        X_new=X_new,
        y3=y3,
        y2=y2,
        labels=labels,
        multilabel=multilabel,
        yr=yr,
        Yr=Yr,
        counts=counts,
        sw=sw,
    )


def _configs(d):
    """(name, make_estimator, steps): steps fit the estimator in order.

    A step is ``(method, X, y, kwargs)`` with ``method`` 'fit' or
    'partial_fit', or ``("set_params", None, None, params)``.
    """
    C, R = MLPClassifierPrimer, MLPRegressorPrimer
    X, y3 = d["X"], d["y3"]
    X32 = X.astype(np.float32)
    base = dict(random_state=0, max_iter=15)
    configs = []

    def add(name, make, *steps):
        configs.append((name, make, list(steps)))

    def fit(X_, y_, **kw):
        return ("fit", X_, y_, kw)

    # Solvers, both estimators.
    for solver in ("sgd", "adam", "lbfgs"):
        add(f"clf-{solver}", lambda s=solver: C((7,), solver=s, **base), fit(X, y3))
        add(
            f"reg-{solver}",
            lambda s=solver: R(hidden_layer_sizes=(7,), solver=s, **base),
            fit(X, d["yr"]),
        )
    # SGD's schedules and momentum variants.
    for schedule in ("constant", "invscaling", "adaptive"):
        add(
            f"clf-sgd-{schedule}",
            lambda s=schedule: C(
                (6,),
                solver="sgd",
                learning_rate=s,
                learning_rate_init=0.05,
                n_iter_no_change=2,
                tol=1e-2,
                **{**base, "max_iter": 30},
            ),
            fit(X, y3),
        )
    add(
        "clf-sgd-no-nesterov",
        lambda: C((6,), solver="sgd", nesterovs_momentum=False, **base),
        fit(X, y3),
    )
    # Activations, one each and as per-layer lists.
    for act in ("identity", "logistic", "tanh", "relu", "leaky_relu", "prelu"):
        add(f"clf-act-{act}", lambda a=act: C((6, 4), activation=a, **base), fit(X, y3))
    add(
        "clf-act-maxout-3",
        lambda: C((6,), activation="maxout", maxout_pieces=3, **base),
        fit(X, y3),
    )
    add(
        "reg-act-list-lbfgs",
        lambda: R(
            hidden_layer_sizes=(6, 5, 4),
            activation=["prelu", "maxout", "leaky_relu"],
            solver="lbfgs",
            leaky_relu_slope=0.2,
            **base,
        ),
        fit(X, d["yr"]),
    )
    add(
        "clf-act-list-adam",
        lambda: C((5, 5), activation=["tanh", "prelu"], **base),
        fit(X, d["labels"]),
    )
    # Initializers.
    for init in ("he", "lecun", "small", "glorot"):
        add(
            f"clf-init-{init}",
            lambda i=init: C((6,), weight_init=i, bias_init=0.1, **base),
            fit(X, y3),
        )
    # Classifier losses and target kinds.
    add("clf-hinge", lambda: C((6,), loss="hinge", **base), fit(X, y3))
    add("clf-hinge-binary", lambda: C((6,), loss="hinge", **base), fit(X, d["y2"]))
    add("clf-binary-lbfgs", lambda: C((6,), solver="lbfgs", **base), fit(X, d["y2"]))
    add("clf-multilabel", lambda: C((6,), **base), fit(X, d["multilabel"]))
    add(
        "clf-multilabel-hinge",
        lambda: C((6,), loss="hinge", **base),
        fit(X, d["multilabel"]),
    )
    add("clf-no-hidden", lambda: C((), **base), fit(X, y3))
    # Regressor losses and target scaling.
    add(
        "reg-poisson",
        lambda: R("poisson", hidden_layer_sizes=(6,), **base),
        fit(X, d["counts"]),
    )
    add(
        "reg-poisson-lbfgs",
        lambda: R("poisson", hidden_layer_sizes=(6,), solver="lbfgs", **base),
        fit(X, d["counts"]),
    )
    for normalize in (True, False):
        add(
            f"reg-normalize-{normalize}",
            lambda n=normalize: R(hidden_layer_sizes=(6,), normalize_y=n, **base),
            fit(X, d["yr"]),
        )
    add(
        "reg-multi-output",
        lambda: R(hidden_layer_sizes=(6,), **base),
        fit(X, d["Yr"]),
    )
    # Batch normalization, with each solver and early stopping.
    for solver in ("sgd", "adam", "lbfgs"):
        add(
            f"clf-batch-norm-{solver}",
            lambda s=solver: C(
                (6, 5), solver=s, batch_norm=True, batch_size=16, **base
            ),
            fit(X, y3),
        )
    add(
        "reg-batch-norm-weighted-early",
        lambda: R(
            hidden_layer_sizes=(6,),
            activation="maxout",
            batch_norm=True,
            batch_norm_momentum=0.3,
            early_stopping=True,
            **base,
        ),
        fit(X, d["yr"], sample_weight=d["sw"]),
    )
    # Regularization by noise.
    add(
        "clf-dropout-noise",
        lambda: C((8, 6), dropout=[0.2, 0.1], input_noise=0.1, **base),
        fit(X, y3),
    )
    add(
        "reg-dropout",
        lambda: R(hidden_layer_sizes=(8,), dropout=0.3, solver="sgd", **base),
        fit(X, d["yr"]),
    )
    # Weights.
    add(
        "clf-class-weight-balanced",
        lambda: C((6,), class_weight="balanced", **base),
        fit(X, y3),
    )
    add(
        "clf-class-weight-dict-sample-weight-lbfgs",
        lambda: C((6,), solver="lbfgs", class_weight={0: 2.0, 1: 1.0, 2: 0.5}, **base),
        fit(X, y3, sample_weight=d["sw"]),
    )
    add(
        "reg-sample-weight",
        lambda: R(hidden_layer_sizes=(6,), **base),
        fit(X, d["yr"], sample_weight=d["sw"]),
    )
    # Early stopping (stratified and not), verbose output.
    add(
        "clf-early-stopping-verbose",
        lambda: C(
            (6,),
            early_stopping=True,
            n_iter_no_change=3,
            verbose=True,
            **{**base, "max_iter": 40},
        ),
        fit(X, d["labels"]),
    )
    add(
        "reg-early-stopping",
        lambda: R(
            hidden_layer_sizes=(6,),
            solver="sgd",
            early_stopping=True,
            validation_fraction=0.2,
            **base,
        ),
        fit(X, d["yr"]),
    )
    add(
        "clf-multilabel-early-stopping",
        lambda: C((6,), early_stopping=True, **base),
        fit(X, d["multilabel"]),
    )
    add(
        "reg-lbfgs-verbose",
        lambda: R(hidden_layer_sizes=(6,), solver="lbfgs", verbose=True, **base),
        fit(X, d["yr"]),
    )
    add(
        "clf-sgd-adaptive-verbose",
        lambda: C(
            (6,),
            solver="sgd",
            learning_rate="adaptive",
            n_iter_no_change=2,
            tol=1e-1,
            verbose=True,
            **base,
        ),
        fit(X, y3),
    )
    # Callbacks.
    add(
        "clf-callbacks-scoring-early-stop",
        lambda: C(
            (6,),
            callbacks=[
                EpochScoring("accuracy"),
                EpochScoring("neg_log_loss", name="nll", on_train=True),
                EarlyStopping("nll", patience=3),
            ],
            early_stopping=True,
            **{**base, "max_iter": 40},
        ),
        fit(X, y3),
    )
    for policy in ("step", "exponential", "cosine", "one_cycle"):
        add(
            f"clf-lr-scheduler-{policy}",
            lambda p=policy: C(
                (6,),
                solver="sgd",
                callbacks=[LRScheduler(p, step_size=3)],
                **base,
            ),
            fit(X, y3),
        )
    add(
        "reg-lr-scheduler-plateau-verbose",
        lambda: R(
            hidden_layer_sizes=(6,),
            callbacks=[LRScheduler("plateau", patience=2)],
            verbose=True,
            **base,
        ),
        fit(X, d["yr"]),
    )
    add(
        "reg-lbfgs-callbacks",
        lambda: R(
            hidden_layer_sizes=(6,),
            solver="lbfgs",
            callbacks=[EpochScoring("r2"), EarlyStopping("loss", patience=2)],
            **{**base, "max_iter": 60},
        ),
        fit(X, d["yr"]),
    )
    # Warm start and partial_fit.
    add(
        "clf-warm-start",
        lambda: C((6,), warm_start=True, **base),
        fit(X, y3),
        ("set_params", None, None, dict(max_iter=5, learning_rate_init=0.01)),
        fit(X, y3),
    )
    add(
        "reg-warm-start-lbfgs-to-adam",
        lambda: R(hidden_layer_sizes=(6,), warm_start=True, solver="lbfgs", **base),
        fit(X, d["yr"]),
        ("set_params", None, None, dict(solver="adam", early_stopping=True)),
        fit(X, d["yr"]),
    )
    add(
        "clf-warm-start-early-stopping-off",
        lambda: C((6,), warm_start=True, early_stopping=True, **base),
        fit(X, y3),
        ("set_params", None, None, dict(early_stopping=False)),
        fit(X, y3),
    )
    add(
        "clf-partial-fit",
        lambda: C((6,), solver="sgd", **base),
        ("partial_fit", X[:40], y3[:40], dict(classes=[0, 1, 2])),
        ("partial_fit", X[40:], y3[40:], {}),
        ("partial_fit", X, y3, dict(sample_weight=d["sw"])),
    )
    add(
        "reg-partial-fit-batch-norm",
        lambda: R(hidden_layer_sizes=(6,), batch_norm=True, **base),
        ("partial_fit", X[:50], d["yr"][:50], {}),
        ("partial_fit", X[50:], d["yr"][50:], {}),
    )
    add(
        "clf-partial-fit-callbacks",
        lambda: C((6,), callbacks=[EpochScoring("accuracy")], **base),
        ("partial_fit", X, y3, dict(classes=[0, 1, 2])),
        ("partial_fit", X, y3, {}),
    )
    # float32.
    add("clf-float32", lambda: C((6,), **base), fit(X32, y3))
    add(
        "reg-float32-lbfgs-batch-norm",
        lambda: R(hidden_layer_sizes=(6,), solver="lbfgs", batch_norm=True, **base),
        fit(X32, d["yr"]),
    )
    add(
        "clf-float32-sgd-dropout",
        lambda: C((6,), solver="sgd", dropout=0.2, **base),
        fit(X32, d["multilabel"]),
    )
    # No shuffling, explicit batch sizes, alpha.
    add(
        "clf-no-shuffle-batch",
        lambda: C((6,), shuffle=False, batch_size=7, alpha=0.01, **base),
        fit(X, y3),
    )
    add(
        "reg-batch-size-1",
        lambda: R(hidden_layer_sizes=(4,), batch_size=1, **{**base, "max_iter": 3}),
        fit(X, d["yr"]),
    )
    return configs


def run():
    """Fit every configuration; return name -> (key -> hash)."""
    d = _data()
    results = {}
    for name, make, steps in _configs(d):
        est = make()
        prints = io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with contextlib.redirect_stdout(prints):
                for method, X, y, kwargs in steps:
                    if method == "set_params":
                        est.set_params(**kwargs)
                    else:
                        getattr(est, method)(X, y, **kwargs)
        messages = [f"{w.category.__name__}: {w.message}" for w in caught]
        X_seen = steps[-1][1]
        results[name] = _record(
            est, X_seen, d["X_new"].astype(X_seen.dtype), prints.getvalue(), messages
        )
    return results


def compare(before, after):
    """Print the differences; return their count."""
    n_diff = 0
    for name, keys in before.items():
        if name not in after:
            print(f"MISSING config {name}")
            n_diff += 1
            continue
        for key, digest in keys.items():
            if key not in after[name]:
                print(f"{name}: {key} missing")
                n_diff += 1
            elif after[name][key] != digest:
                print(f"{name}: {key} differs")
                n_diff += 1
        new = sorted(set(after[name]) - set(keys))
        if new:
            print(f"{name}: new keys (not compared): {', '.join(new)}")
    n_keys = sum(len(k) for k in before.values())
    print(f"{len(before)} configurations, {n_keys} hashes: {n_diff} differences")
    return n_diff


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the JSON here (default: stdout)")
    parser.add_argument("--compare", help="a JSON written before, to compare with")
    args = parser.parse_args()
    start = time.perf_counter()
    results = run()
    text = json.dumps(results, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    elif not args.compare:
        print(text)
    n_keys = sum(len(k) for k in results.values())
    print(
        f"{len(results)} configurations, {n_keys} hashes "
        f"in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    if args.compare:
        with open(args.compare) as f:
            before = json.load(f)
        sys.exit(1 if compare(before, results) else 0)


if __name__ == "__main__":
    main()
