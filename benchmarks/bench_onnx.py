"""Time onnxruntime on an exported sklmlp model against sklmlp's own predict.

The classifiers of ``bench_training.py``'s ``small`` (64 features, (100,), 10
classes) and ``large`` (256 features, (512, 256), 10 classes) workloads are
trained for ``--epochs`` epochs with adam in float32 and in float64, exported
with ``skl2onnx.to_onnx`` (``zipmap=False``: a label tensor and a probability
tensor, computed in the model's dtype) and run by onnxruntime's CPU provider.
For one row and for ``--n-predict`` rows the table gives the best time of
sklmlp's ``predict`` and ``predict_proba`` and of one onnxruntime call (which
returns labels and probabilities together), the ratio ``predict_proba`` /
onnxruntime (above 1: onnxruntime is faster), and how far the two agree: the
share of identical labels and the largest difference of the probabilities.

``python benchmarks/bench_onnx.py`` (``make bench`` runs it after
``bench_training.py``) takes about a minute on two cores. Nothing is asserted;
timings are wall-clock, the best of ``--rounds`` rounds in which the three
calls take turns, so that they meet the same load on a shared machine. Both
libraries use all cores by default; ``--threads 1`` (one BLAS thread, one
onnxruntime thread) gives steadier numbers on a loaded machine.
"""

import argparse
import os
import time
import timeit
import warnings
from contextlib import nullcontext

import numpy as np
import onnxruntime as ort
import skl2onnx
from bench_training import WORKLOADS, make_data, make_estimator
from sklearn.exceptions import ConvergenceWarning

import sklmlp
import sklmlp.onnx  # noqa: F401  (registers the converters)


def export(model, X, threads):
    """An onnxruntime session of ``model``, its input in ``X``'s dtype."""
    onx = skl2onnx.to_onnx(model, X[:1], options={id(model): {"zipmap": False}})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    return session, session.get_inputs()[0].name


def best_seconds(calls, budget, rounds):
    """Best seconds per call of each of ``calls``, over interleaved rounds.

    Each round times every call once (``number`` runs, sized so that a round
    takes about ``budget / rounds``), so that all of them see the same load
    of a shared machine; many short rounds find its quiet moments.
    """
    numbers = {}
    for name, fn in calls.items():
        number = 1
        while timeit.timeit(fn, number=number) < budget / rounds and number < 10**5:
            number *= 2
        numbers[name] = number
    best = dict.fromkeys(calls, np.inf)
    for _ in range(rounds):
        for name, fn in calls.items():
            seconds = timeit.timeit(fn, number=numbers[name]) / numbers[name]
            best[name] = min(best[name], seconds)
    return best


def time_case(args, workload, dtype):
    """Fit one model; time sklmlp and onnxruntime on one row and on a batch."""
    task, n_features, hidden, batch_size, n_outputs = WORKLOADS[workload]
    X, y, X_test, _ = make_data(
        task, n_features, n_outputs, args.n_samples, args.n_predict, dtype
    )
    model = make_estimator("sklmlp", task, hidden, batch_size, "adam", args.epochs)
    model.fit(X, y)
    session, name = export(model, X, args.threads)
    row = dict(workload=workload, dtype=dtype, n_many=len(X_test))
    for size, rows in (("one", X_test[:1]), ("many", X_test)):
        feed = {name: rows}
        calls = {
            "predict": lambda: model.predict(rows),
            "proba": lambda: model.predict_proba(rows),
            "ort": lambda: session.run(None, feed),
        }
        for method, seconds in best_seconds(calls, args.budget, args.rounds).items():
            row[f"{size}_{method}"] = seconds
    labels, proba = session.run(None, {name: X_test})
    row["agree"] = float(np.mean(labels == model.predict(X_test)))
    row["max_diff"] = float(np.max(np.abs(proba - model.predict_proba(X_test))))
    row["out_dtype"] = str(proba.dtype)
    return row


def duration(seconds):
    """``seconds`` in us below a millisecond, in ms above, 10 characters wide."""
    if seconds < 1e-3:
        return f"{1e6 * seconds:8.1f}us"
    return f"{1e3 * seconds:8.2f}ms"


def format_report(args, rows):
    threads = args.threads or "each library's default"
    out = [
        f"Prediction: best seconds of one call; proba/ort = sklmlp predict_proba / "
        f"onnxruntime (above 1: onnxruntime is faster); threads (BLAS and "
        f"onnxruntime): {threads}; agree: identical labels on the "
        f"{args.n_predict} rows; max|dp|: largest probability difference; "
        "out: onnxruntime's dtype.",
    ]
    head = (
        f"{'workload':<9} {'dtype':<7} {'rows':>5}"
        f"{'predict':>10} {'proba':>10} {'ort':>10} {'proba/ort':>10}"
    )
    out += [head, "-" * len(head)]
    for r in rows:
        for size, n in (("one", 1), ("many", r["n_many"])):
            times = [r[f"{size}_{k}"] for k in ("predict", "proba", "ort")]
            out.append(
                f"{r['workload']:<9} {r['dtype']:<7} {n:5d}"
                + "".join(duration(t) for t in times)
                + f"{times[1] / times[2]:10.2f}"
            )
    head = f"{'workload':<9} {'dtype':<7} {'agree':>8} {'max|dp|':>9} {'out':>8}"
    out += ["", head, "-" * len(head)]
    for r in rows:
        out.append(
            f"{r['workload']:<9} {r['dtype']:<7} {100 * r['agree']:7.2f}%"
            f"{r['max_diff']:9.1e} {r['out_dtype']:>8}"
        )
    return "\n".join(out)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workloads", default="small,large")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--n-samples", type=int, default=5_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--n-predict", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per timing")
    parser.add_argument("--rounds", type=int, default=15, help="rounds per timing")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="BLAS (threadpoolctl) and onnxruntime intra-op threads (0: each "
        "library's default, one per core); 1 is steadier on a loaded machine",
    )
    args = parser.parse_args(argv)
    args.workloads = args.workloads.split(",")
    args.dtypes = args.dtypes.split(",")
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(
        f"sklmlp {sklmlp.__version__}, skl2onnx {skl2onnx.__version__}, "
        f"onnxruntime {ort.__version__}, numpy {np.__version__}; "
        f"{os.cpu_count()} cpus; models: adam, {args.epochs} epochs on "
        f"{args.n_samples} rows",
        flush=True,
    )
    start = time.perf_counter()
    if args.threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(args.threads, user_api="blas")
    else:
        limits = nullcontext()
    with limits:
        rows = [time_case(args, w, d) for w in args.workloads for d in args.dtypes]
    print(format_report(args, rows))
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
