"""Time sklmlp against scikit-learn's MLP on the same work, side by side.

Both libraries train the same network (relu, Glorot initialization, same
``random_state``, hence the same batches in the same order) on the same
synthetic data in the same process, for a fixed number of epochs: ``tol=0`` and
a huge ``n_iter_no_change`` keep either from stopping early. Three tables:

1. training: seconds per epoch (best of ``--repeats`` fits, fit time divided by
   ``n_iter_``; for lbfgs an iteration counts as an epoch), the ratio
   scikit-learn / sklmlp (above 1: sklmlp is faster), GFLOP/s counted as
   ``6 * n_samples * n_params`` per epoch and as a share of the machine's
   matrix-multiply peak in the same dtype, final training loss, the largest
   difference between the two loss curves, and test scores (accuracy or R^2);
2. memory: peak traced memory during ``fit`` (tracemalloc sees NumPy's
   allocations), and the dtype of sklmlp's fitted parameters;
3. prediction: the time of one ``predict`` call on one row and on 10,000 rows;
4. batch normalization and the tabular defaults: sklmlp's seconds per epoch
   with ``batch_norm=True``, and with ``defaults='tabular'`` (the input scaling
   inside the network), each against the same net on scikit-learn's path
   (adam; by default the large workload for batch normalization, the large
   and regression ones for the tabular defaults), interleaved round by round;
5. PyTorch on the CPU, when torch is importable (``--torch auto``, the
   default): the same network, data, batch size and epochs trained as a PyTorch
   user writes it (``torch_reference.py``), timed in the same rounds as the two
   others (adam and sgd rows), with its share of the matrix-multiply peak.

``python benchmarks/bench_training.py`` (what ``make bench`` runs) takes a few
minutes on two cores; ``--quick`` is a smoke run of well under a minute. The
numbers are for reading: nothing is asserted. Timings are wall-clock and the
best of several runs, because a shared machine only ever adds time.
"""

import argparse
import gc
import os
import platform
import sys
import time
import timeit
import tracemalloc
import warnings
from contextlib import nullcontext

import numpy as np
import scipy
import sklearn
import torch_reference
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

import sklmlp
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

# name -> (task, n_features, hidden_layer_sizes, batch_size, n_outputs)
WORKLOADS = {
    "small": ("classification", 64, (100,), 200, 10),
    "large": ("classification", 256, (512, 256), 256, 10),
    "regression": ("regression", 128, (256, 128), 200, 1),
}
SOLVERS = ("adam", "sgd", "lbfgs")
DTYPES = ("float64", "float32")
LIBRARIES = ("sklearn", "sklmlp")
# The solvers PyTorch has in the same form (its L-BFGS is another algorithm).
TORCH_SOLVERS = ("adam", "sgd")


# -- data and estimators --------------------------------------------------------


def make_data(task, n_features, n_outputs, n_train, n_test, dtype, seed=0):
    """Standardized synthetic data in ``dtype``: ``X, y, X_test, y_test``."""
    n = n_train + n_test
    if task == "classification":
        X, y = make_classification(
            n_samples=n,
            n_features=n_features,
            n_informative=n_features // 2,
            n_redundant=n_features // 8,
            n_classes=n_outputs,
            n_clusters_per_class=2,
            class_sep=1.5,
            random_state=seed,
        )
    else:
        # A smooth nonlinear target: a random one-hidden-layer tanh net + noise.
        rng = np.random.RandomState(seed)
        X = rng.standard_normal((n, n_features))
        W = rng.standard_normal((n_features, 32)) / np.sqrt(n_features)
        y = np.tanh(X @ W) @ rng.standard_normal(32) + 0.1 * rng.standard_normal(n)
        y = y.astype(dtype)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X = np.ascontiguousarray(X, dtype=dtype)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def make_estimator(library, task, hidden, batch_size, solver, max_iter, **extra):
    """scikit-learn's or sklmlp's estimator, configured to do the same math.

    ``extra`` goes to sklmlp's estimator only (options scikit-learn lacks).
    """
    params = dict(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver=solver,
        alpha=1e-4,
        batch_size=batch_size,
        learning_rate_init=1e-3 if solver == "adam" else 1e-2,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=10**9,
        max_fun=10**9,
        shuffle=True,
        random_state=0,
    )
    classification = task == "classification"
    if library == "sklearn":
        return (MLPClassifier if classification else MLPRegressor)(**params)
    # scikit-learn's path (defaults='sklearn': inputs and targets as given),
    # so that both libraries do the same arithmetic, unless extra says otherwise.
    extra = {"defaults": "sklearn", **extra}
    if classification:
        return MLPClassifierPrimer(**params, **extra)
    return MLPRegressorPrimer(**params, **extra)


def n_params(hidden, n_features, n_outputs):
    units = [n_features, *hidden, n_outputs]
    return sum((a + 1) * b for a, b in zip(units[:-1], units[1:]))


# -- measurements ---------------------------------------------------------------


def seconds_per_epoch(estimator, X, y):
    """Fit; return wall seconds per epoch (lbfgs: per iteration)."""
    gc.collect()
    start = time.perf_counter()
    estimator.fit(X, y)
    return (time.perf_counter() - start) / max(estimator.n_iter_, 1)


def peak_fit_memory(estimator, X, y):
    """Peak bytes allocated (beyond what was held before) while fitting."""
    gc.collect()
    tracemalloc.start()
    try:
        estimator.fit(X, y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def seconds_per_call(fn, budget):
    """Best seconds per call of ``fn`` over five rounds of about ``budget / 5``."""
    number = 1
    while timeit.timeit(fn, number=number) < budget / 10 and number < 10**5:
        number *= 4
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def matmul_peak(dtype, n):
    """GFLOP/s of one ``n x n`` matrix product ``A @ B`` in ``dtype``, best of 3."""
    rng = np.random.RandomState(0)
    A, B = (rng.standard_normal((n, n)).astype(dtype) for _ in range(2))
    C = np.empty((n, n), dtype=dtype)
    np.matmul(A, B, out=C)  # warm up the BLAS threads
    best = min(timeit.repeat(lambda: np.matmul(A, B, out=C), number=1, repeat=3))
    return 2.0 * n**3 / best / 1e9


# -- the suite ------------------------------------------------------------------


def time_case(args, row, X, y, first):
    """Fit both libraries once on one case; keep each one's best time and model."""
    task, _, hidden, batch_size, _ = WORKLOADS[row["workload"]]
    solver = row["solver"]
    max_iter = args.lbfgs_iter if solver == "lbfgs" else args.epochs
    seconds = {}
    libraries = LIBRARIES if first else LIBRARIES[::-1]
    with_torch = args.torch and solver in TORCH_SOLVERS
    if with_torch:
        libraries = ("torch", *libraries) if first else (*libraries, "torch")
    for lib in libraries:
        if lib == "torch":
            seconds[lib], row["loss_torch"] = torch_reference.seconds_per_epoch(
                task, hidden, batch_size, solver, max_iter, X, y
            )
        else:
            est = make_estimator(lib, task, hidden, batch_size, solver, max_iter)
            seconds[lib] = seconds_per_epoch(est, X, y)
            row["models"][lib] = est
        row[f"time_{lib}"] = min(row.get(f"time_{lib}", np.inf), seconds[lib])
    # The fits of a round ran back to back, under the same load: their ratio
    # does not mix a quiet minute of one library with a busy one of the other,
    # as the ratio of the best times can.
    row.setdefault("pairs", []).append(ratio(seconds["sklearn"], seconds["sklmlp"]))
    if with_torch:
        row.setdefault("torch_pairs", []).append(
            ratio(seconds["torch"], seconds["sklmlp"])
        )


def finish_case(row, X, y, X_test, y_test):
    """Throughput, losses, scores, the loss curves' gap and peak memory of a case."""
    task, n_features, hidden, batch_size, n_outputs = WORKLOADS[row["workload"]]
    flops = 6.0 * X.shape[0] * n_params(hidden, n_features, n_outputs)
    if "time_torch" in row:
        row["gflops_torch"] = flops / row["time_torch"] / 1e9
    for lib in LIBRARIES:
        est = row["models"][lib]
        row[f"gflops_{lib}"] = flops / row[f"time_{lib}"] / 1e9
        row[f"loss_{lib}"] = float(est.loss_)
        row[f"score_{lib}"] = float(est.score(X_test, y_test))
        row[f"iters_{lib}"] = int(est.n_iter_)
        # One epoch (one lbfgs iteration) shows the peak of the training loop.
        est = make_estimator(lib, task, hidden, batch_size, row["solver"], 1)
        row[f"mem_{lib}"] = peak_fit_memory(est, X, y)
    ours, theirs = row["models"]["sklmlp"], row["models"]["sklearn"]
    if row["solver"] == "lbfgs":
        curves = [ours.loss_], [theirs.loss_]
    else:
        curves = ours.loss_curve_, theirs.loss_curve_
    row["curve_diff"] = float(np.max(np.abs(np.subtract(*curves))))
    row["param_dtype"] = str(ours.coefs_[0].dtype)


def time_predictions(args, row, X_test):
    """Time ``predict`` on one row and on ``--n-predict`` rows, both libraries."""
    one, many = X_test[:1], X_test[: args.n_predict]
    pred = dict(workload=row["workload"], dtype=row["dtype"], n_many=len(many))
    for lib, est in row["models"].items():
        pred[f"one_{lib}"] = seconds_per_call(lambda: est.predict(one), args.budget)
        pred[f"many_{lib}"] = seconds_per_call(lambda: est.predict(many), args.budget)
    ours, theirs = (row["models"][lib].predict(many) for lib in ("sklmlp", "sklearn"))
    if ours.dtype.kind in "fc":  # regression: the largest difference
        pred["agree"] = f"{np.max(np.abs(ours - theirs)):.0e}"
    else:  # classification: the share of identical labels
        pred["agree"] = f"{100 * np.mean(ours == theirs):.2f}%"
    pred["out_dtype"] = str(row["models"]["sklmlp"].predict(one).dtype)
    return pred


def time_option(args, data, option, names):
    """sklmlp's seconds per epoch with ``option`` (a dict of parameters) and without.

    Paired: each round fits both, alternating which goes first.
    """
    if "adam" not in args.solvers:
        return []
    rows = []
    for name, dtype in (
        (name, dtype)
        for name in names.split(",")
        if name in args.workloads
        for dtype in args.dtypes
    ):
        task, _, hidden, batch_size, _ = WORKLOADS[name]
        X, y, _, _ = data[name, dtype]
        row = dict(workload=name, dtype=dtype, plain=np.inf, norm=np.inf, pairs=[])
        for r in range(args.repeats):
            seconds = {}
            for flag in (False, True) if r % 2 == 0 else (True, False):
                est = make_estimator(
                    "sklmlp", task, hidden, batch_size, "adam", args.epochs,
                    **(option if flag else {}),
                )  # fmt: skip
                seconds[flag] = seconds_per_epoch(est, X, y)
            row["plain"] = min(row["plain"], seconds[False])
            row["norm"] = min(row["norm"], seconds[True])
            row["pairs"].append(ratio(seconds[True], seconds[False]))
        row["loss"] = float(est.loss_)
        rows.append(row)
    return rows


def time_batch_norm(args, data):
    """sklmlp's seconds per epoch with and without batch normalization."""
    return time_option(args, data, {"batch_norm": True}, args.batch_norm_workload)


def time_tabular_defaults(args, data):
    """sklmlp's seconds per epoch with its tabular defaults and scikit-learn's path.

    The tabular defaults add the input scaling (the network's first step, every
    batch; the regressor's robust statistics are fitted once per fit) and
    change Adam's beta_2 (no cost) and, for the regressor, ``normalize_y``.
    """
    return time_option(args, data, {"defaults": "tabular"}, args.tabular_workloads)


def run(args):
    peaks = {d: matmul_peak(np.dtype(d), args.matmul_n) for d in args.dtypes}
    data, rows = {}, []
    for name in args.workloads:
        task, n_features, _, _, n_outputs = WORKLOADS[name]
        for dtype in args.dtypes:
            data[name, dtype] = make_data(
                task, n_features, n_outputs, args.n_samples, args.n_test, dtype
            )
            for solver in args.solvers:
                rows.append(dict(workload=name, dtype=dtype, solver=solver, models={}))
    # Every case once per round, rounds one after the other: a burst of load
    # from elsewhere on a shared machine spoils one round of a few cases, not
    # every repeat of one case. Within a case the two libraries alternate who
    # goes first.
    for r in range(args.repeats):
        for row in rows:
            X, y, _, _ = data[row["workload"], row["dtype"]]
            time_case(args, row, X, y, first=r % 2 == 0)
            torch_time = (
                f", torch {row['time_torch']:.4f}" if "time_torch" in row else ""
            )
            print(
                f"  round {r + 1}: {row['workload']} {row['dtype']} "
                f"{row['solver']}: sklearn {row['time_sklearn']:.4f} s/epoch, "
                f"sklmlp {row['time_sklmlp']:.4f}{torch_time} (best so far)",
                file=sys.stderr,
                flush=True,
            )
    predictions = []
    for row in rows:
        X, y, X_test, y_test = data[row["workload"], row["dtype"]]
        finish_case(row, X, y, X_test, y_test)
        row["peak"] = peaks[row["dtype"]]
        if row["solver"] == args.solvers[0]:
            predictions.append(time_predictions(args, row, X_test))
        del row["models"]
    options = {
        "batch_norm": time_batch_norm(args, data),
        "tabular": time_tabular_defaults(args, data),
    }
    return peaks, rows, predictions, options


# -- report ---------------------------------------------------------------------


def environment(args):
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, sklmlp "
        f"{sklmlp.__version__} ({os.path.dirname(sklmlp.__file__)})",
        f"{os.cpu_count()} cpus; "
        + (
            ", ".join(
                f"{k}={v}" for k, v in sorted(os.environ.items()) if "OPENBLAS" in k
            )
            or "no OPENBLAS_* variables"
        ),
    ]
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                lines.append(
                    f"BLAS: {info['internal_api']} {info.get('version')}, kernel "
                    f"{info.get('architecture')}, {info['num_threads']} threads "
                    f"({os.path.basename(info['filepath'])})"
                )
    except ImportError:
        lines.append("BLAS: threadpoolctl not installed")
    if args.blas_threads:
        lines.append(f"BLAS threads limited to {args.blas_threads} (--blas-threads)")
    if args.torch:
        lines.append(torch_reference.describe())
    lines.append(
        f"n_samples={args.n_samples}, n_test={args.n_test}, {args.epochs} epochs "
        f"(lbfgs: {args.lbfgs_iter} iterations), best of {args.repeats} fit(s); "
        "relu, alpha=1e-4, Glorot init, random_state=0"
    )
    return "\n".join(lines)


def ratio(a, b):
    return a / b if b else float("nan")


# What the paired option rows compare: title, the two column heads.
OPTION_ROWS = {
    "batch_norm": (
        "Batch normalization: sklmlp, adam, seconds per epoch with batch_norm=True "
        "and without",
        "s/ep plain",
        "s/ep bn",
    ),
    "tabular": (
        "Tabular defaults: sklmlp, adam, seconds per epoch with defaults='tabular' "
        "(input scaling inside the network, beta_2=0.95) and defaults='sklearn'",
        "s/ep skl",
        "s/ep tab",
    ),
}


def format_option(kind, rows):
    if not rows:
        return []
    title, plain, option = OPTION_ROWS[kind]
    out = [
        "",
        f"{title} (best of the rounds); cost = with / without; paired: median over "
        "rounds of the ratio of the two fits of a round.",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7}{plain:>11} {option:>8}{'cost':>6} {'paired':>7}"
    )
    out += [head, "-" * len(head)]
    for r in rows:
        out.append(
            f"{r['workload']:<10} {r['dtype']:<7}{r['plain']:11.4f} {r['norm']:8.4f}"
            f"{ratio(r['norm'], r['plain']):6.2f} {np.median(r['pairs']):7.2f}"
        )
    return out


def format_report(args, peaks, results, predictions, options=None):
    out = [
        f"matmul peak (one {args.matmul_n}x{args.matmul_n} A @ B): "
        + ", ".join(f"{d} {g:.1f} GFLOP/s" for d, g in peaks.items()),
        "",
        "Training. s/ep: seconds per epoch (lbfgs: per iteration), the best of "
        "the rounds; ratio = sklearn / sklmlp of those; paired: median over rounds "
        "of the ratio of the two fits of a round; GF/s = 6*n*params per epoch, %pk "
        "of the matmul peak; dcurve = max |loss curve difference|; test = accuracy "
        "or R^2.",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7} {'solver':<6}"
        f"{'s/ep skl':>9} {'s/ep ours':>10} {'ratio':>6} {'paired':>6}"
        f"{'GF/s skl':>9} {'GF/s ours':>10} {'%pk':>5}"
        f"{'loss skl':>10} {'loss ours':>10} {'dcurve':>8}"
        f"{'test skl':>9} {'test ours':>10}"
    )
    out += [head, "-" * len(head)]
    for r in results:
        out.append(
            f"{r['workload']:<10} {r['dtype']:<7} {r['solver']:<6}"
            f"{r['time_sklearn']:9.4f} {r['time_sklmlp']:10.4f} "
            f"{ratio(r['time_sklearn'], r['time_sklmlp']):6.2f} "
            f"{np.median(r['pairs']):6.2f}"
            f"{r['gflops_sklearn']:9.1f} {r['gflops_sklmlp']:10.1f} "
            f"{100 * r['gflops_sklmlp'] / r['peak']:4.0f}%"
            f"{r['loss_sklearn']:10.5f} {r['loss_sklmlp']:10.5f} "
            f"{r['curve_diff']:8.1e}"
            f"{r['score_sklearn']:9.4f} {r['score_sklmlp']:10.4f}"
            + (
                ""
                if r["iters_sklearn"] == r["iters_sklmlp"]
                else f"  (iterations {r['iters_sklearn']} vs {r['iters_sklmlp']})"
            )
        )
    out += [
        "",
        "Memory: peak MiB traced while fitting one epoch (lbfgs: one iteration); "
        "ratio = sklearn / sklmlp; params: dtype of sklmlp's fitted weights.",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7} {'solver':<6}"
        f"{'MiB skl':>9} {'MiB ours':>10} {'ratio':>6} {'params':>8}"
    )
    out += [head, "-" * len(head)]
    for r in results:
        out.append(
            f"{r['workload']:<10} {r['dtype']:<7} {r['solver']:<6}"
            f"{r['mem_sklearn'] / 2**20:9.1f} {r['mem_sklmlp'] / 2**20:10.1f} "
            f"{ratio(r['mem_sklearn'], r['mem_sklmlp']):6.2f} {r['param_dtype']:>8}"
        )
    out += [
        "",
        f"Prediction: best time of one predict call (models of the "
        f"'{args.solvers[0]}' rows); ratio = sklearn / sklmlp; agree: identical "
        "labels, or the largest difference of the two regressors' predictions; out: "
        "dtype of sklmlp's predict on one row.",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7}"
        f"{'1 row skl':>11} {'1 row ours':>11} {'ratio':>6}"
        f"{'rows':>7} {'batch skl':>10} {'batch ours':>11} {'ratio':>6}"
        f"{'agree':>8} {'out':>8}"
    )
    out += [head, "-" * len(head)]
    for p in predictions:
        out.append(
            f"{p['workload']:<10} {p['dtype']:<7}"
            f"{1e6 * p['one_sklearn']:9.1f}us {1e6 * p['one_sklmlp']:9.1f}us "
            f"{ratio(p['one_sklearn'], p['one_sklmlp']):6.2f}"
            f"{p['n_many']:7d} {1e3 * p['many_sklearn']:8.2f}ms "
            f"{1e3 * p['many_sklmlp']:9.2f}ms "
            f"{ratio(p['many_sklearn'], p['many_sklmlp']):6.2f}"
            f"{p['agree']:>8} {p['out_dtype']:>8}"
        )
    out += format_torch(results)
    options = options or {}
    for kind, rows in options.items():
        out += format_option(kind, rows)
    out += ["", "Targets (read, never asserted):"] + summary(results, predictions)
    batch_norm = options.get("batch_norm")
    if batch_norm:
        costs = [np.median(r["pairs"]) for r in batch_norm]
        verdict = "met" if max(costs) <= 1.25 else "NOT met"
        out.append(
            f"  batch_norm cost (paired)  <= 1.25x: max {max(costs):.2f}x over "
            f"{len(costs)} cases: {verdict}"
        )
    return "\n".join(out)


def format_torch(results):
    """The table against PyTorch: the rows timed with torch too."""
    rows = [r for r in results if "time_torch" in r]
    if not rows:
        return []
    out = [
        "",
        "Against PyTorch on the CPU (same network, data, batch size and epochs, "
        "timed in the same rounds). ratio = torch / sklmlp of the best times "
        "(above 1: sklmlp is faster); paired: median over rounds of the ratio of "
        "the two fits of a round; %pk = share of the matmul peak in the row's "
        "dtype; loss: mean batch objective of the last epoch.",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7} {'solver':<6}"
        f"{'s/ep torch':>11} {'s/ep ours':>10} {'ratio':>6} {'paired':>6}"
        f"{'%pk torch':>10} {'%pk ours':>9}{'loss torch':>11} {'loss ours':>10}"
    )
    out += [head, "-" * len(head)]
    for r in rows:
        out.append(
            f"{r['workload']:<10} {r['dtype']:<7} {r['solver']:<6}"
            f"{r['time_torch']:11.4f} {r['time_sklmlp']:10.4f} "
            f"{ratio(r['time_torch'], r['time_sklmlp']):6.2f} "
            f"{np.median(r['torch_pairs']):6.2f}"
            f"{100 * r['gflops_torch'] / r['peak']:9.0f}% "
            f"{100 * r['gflops_sklmlp'] / r['peak']:7.0f}%"
            f"{r['loss_torch']:11.5f} {r['loss_sklmlp']:10.5f}"
        )
    return out


def summary(results, predictions):
    def chosen(rows, where):
        return [r for r in rows if all(r.get(k) in v for k, v in where.items())]

    def ratios(rows, key, **where):
        return [
            ratio(r[f"{key}_sklearn"], r[f"{key}_sklmlp"]) for r in chosen(rows, where)
        ]

    def paired(**where):
        values = [np.median(r["pairs"]) for r in chosen(results, where)]
        if not values:
            return ""
        low, mid = min(values), np.median(values)
        return f"\n{'':35}(paired: min {low:.2f}x, median {mid:.2f}x)"

    def describe(values, target):
        if not values:
            return "not measured"
        verdict = "met" if min(values) >= target else "NOT met"
        return (
            f"min {min(values):.2f}x, median {np.median(values):.2f}x "
            f"over {len(values)} cases: {verdict}"
        )

    stochastic = {"adam", "sgd"}
    large = dict(workload={"large"}, solver=stochastic)
    small = dict(workload={"small"}, solver=stochastic)
    lbfgs = dict(solver={"lbfgs"})
    lines = [
        "  large, adam/sgd, s/epoch  >= 1.3x: "
        + describe(ratios(results, "time", **large), 1.3)
        + paired(**large),
        "  small, adam/sgd, s/epoch  >= 2x:   "
        + describe(ratios(results, "time", **small), 2)
        + paired(**small),
        "  lbfgs, same loss, s/iter  >= 1x:   "
        + describe(ratios(results, "time", **lbfgs), 1)
        + paired(**lbfgs),
        "  predict, one row          >= 2x:   "
        + describe([ratio(p["one_sklearn"], p["one_sklmlp"]) for p in predictions], 2),
        "  predict, batch            >= 1x:   "
        + describe(
            [ratio(p["many_sklearn"], p["many_sklmlp"]) for p in predictions], 1
        ),
        "  peak memory while fitting >= 1x:   " + describe(ratios(results, "mem"), 1),
    ]
    with_torch = [r for r in results if "time_torch" in r]
    if with_torch:
        paired_torch = [np.median(r["torch_pairs"]) for r in with_torch]
        lines.append(
            "  torch / sklmlp, s/epoch   >= 1x:   "
            + describe(
                [ratio(r["time_torch"], r["time_sklmlp"]) for r in with_torch], 1
            )
            + f"\n{'':35}(paired: min {min(paired_torch):.2f}x, "
            f"median {np.median(paired_torch):.2f}x)"
        )
    for dtype in DTYPES:
        diffs = [
            abs(r["loss_sklearn"] - r["loss_sklmlp"])
            for r in results
            if r["dtype"] == dtype
        ]
        if diffs:
            lines.append(
                f"  same final loss, {dtype}: largest |difference| {max(diffs):.1e}"
            )
    kept = sorted({r["param_dtype"] for r in results if r["dtype"] == "float32"})
    if kept:
        lines.append(f"  float32 data -> sklmlp parameters in {', '.join(kept)}")
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--dtypes", default=",".join(DTYPES))
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--n-test", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lbfgs-iter", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3, help="fits per library")
    parser.add_argument("--n-predict", type=int, default=10_000)
    parser.add_argument(
        "--budget", type=float, default=0.5, help="seconds per predict timing"
    )
    parser.add_argument("--matmul-n", type=int, default=2048)
    parser.add_argument(
        "--batch-norm-workload",
        default="large",
        help="workload of the batch normalization rows (adam)",
    )
    parser.add_argument(
        "--tabular-workloads",
        default="large,regression",
        help="workloads of the tabular defaults rows (adam), comma-separated",
    )
    parser.add_argument(
        "--torch",
        choices=("auto", "no"),
        default="auto",
        help="time PyTorch too when it is importable (auto, the default) or not",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit BLAS threads with threadpoolctl (default: leave as is)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n_samples, args.n_test, args.n_predict = 2_000, 1_000, 1_000
        args.epochs, args.lbfgs_iter, args.repeats = 2, 3, 1
        args.budget, args.matmul_n = 0.05, 512
    args.torch = args.torch == "auto" and torch_reference.available()
    args.workloads = args.workloads.split(",")
    args.solvers = args.solvers.split(",")
    args.dtypes = args.dtypes.split(",")
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.blas_threads, user_api="blas")
    else:
        limits = nullcontext()
    with limits:
        print(environment(args), flush=True)
        start = time.perf_counter()
        peaks, results, predictions, options = run(args)
        print(format_report(args, peaks, results, predictions, options))
        print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
