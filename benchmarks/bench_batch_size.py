"""Seconds per epoch against ``batch_size``, sklmlp and scikit-learn side by side.

The same network and data as the ``large`` workload of ``bench_training.py``
(20,000 x 256, hidden (512, 256), 10 classes, relu, Glorot, adam), trained for
``--epochs`` epochs at each batch size by both libraries in turn; the table
gives the best seconds per epoch of ``--repeats`` fits and the ratio
scikit-learn / sklmlp. Larger batches run closer to the matrix-multiply peak
but take fewer steps per epoch, so they are not the same training: this is a
throughput table, not a recommendation. Nothing is asserted.

``python benchmarks/bench_batch_size.py`` takes about two minutes on two cores.
"""

import argparse
import warnings

from bench_training import (
    WORKLOADS,
    make_data,
    make_estimator,
    matmul_peak,
    n_params,
    seconds_per_epoch,
)
from sklearn.exceptions import ConvergenceWarning


def best_seconds_per_epoch(library, task, hidden, batch_size, args, X, y):
    """Best wall seconds per epoch of ``args.repeats`` fits."""
    return min(
        seconds_per_epoch(
            make_estimator(library, task, hidden, batch_size, "adam", args.epochs), X, y
        )
        for _ in range(args.repeats)
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", default="large", choices=sorted(WORKLOADS))
    parser.add_argument("--batch-sizes", default="32,64,128,256,512,1024,2048")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)

    task, n_features, hidden, _, n_outputs = WORKLOADS[args.workload]
    flops = 6.0 * args.n_samples * n_params(hidden, n_features, n_outputs)
    print(
        f"{args.workload}: {args.n_samples} x {n_features}, hidden {hidden}, "
        f"adam, {args.epochs} epochs, best of {args.repeats} fits"
    )
    print(
        f"{'dtype':8s} {'batch':>6s} {'s/ep skl':>9s} {'s/ep ours':>10s} "
        f"{'ratio':>6s} {'%pk ours':>9s}"
    )
    for dtype in args.dtypes.split(","):
        X, y, _, _ = make_data(task, n_features, n_outputs, args.n_samples, 0, dtype)
        peak = matmul_peak(dtype, 2048) * 1e9
        for batch_size in map(int, args.batch_sizes.split(",")):
            times = {
                lib: best_seconds_per_epoch(lib, task, hidden, batch_size, args, X, y)
                for lib in ("sklearn", "sklmlp")
            }
            ours, theirs = times["sklmlp"], times["sklearn"]
            print(
                f"{dtype:8s} {batch_size:6d} {theirs:9.4f} {ours:10.4f} "
                f"{theirs / ours:6.2f} {flops / ours / peak:8.0%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
