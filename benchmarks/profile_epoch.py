"""Where an epoch's time goes: matrix products, the optimizer's step, the rest.

For each workload of ``bench_training.py`` (adam and sgd), this script times in
one run, round by round:

- ``epoch``: sklmlp's seconds per epoch (scikit-learn's path, as
  ``bench_training.py`` times it), and PyTorch's when torch is importable;
- ``products``: the same matrix products an epoch computes (per batch: the
  forward ``a @ W`` of every layer, the weight gradients ``a.T @ delta``, the
  bias gradients ``ones @ delta`` and the backpropagated ``delta @ W.T`` of
  every layer but the first), at the same shapes and memory layouts, alone,
  with NumPy and with torch;
- ``optimizer``: the step of sklmlp's optimizer (with the weight decay's
  ``g += alpha / n * W``) on vectors of the network's length, once per batch;
- ``rest``: epoch - products - optimizer: the activations and their
  derivatives, the loss, gathering the batches, Python.

Shares of the matrix-multiply peak (one ``n x n`` product in the row's dtype)
tell how close the products run to what the machine can do. Every figure is the
best of ``--repeats`` rounds: a shared machine only ever adds time. Read, never
asserted.

``python benchmarks/profile_epoch.py`` (a few minutes); ``--quick`` for a smoke
run.
"""

import argparse
import timeit
import warnings

import numpy as np
import torch_reference
from bench_training import (
    WORKLOADS,
    make_data,
    make_estimator,
    matmul_peak,
    seconds_per_epoch,
)
from sklearn.exceptions import ConvergenceWarning

from sklmlp._core.fast import add_scaled
from sklmlp._core.optimizers import OPTIMIZERS

OPTIMIZER_OPTIONS = {
    "adam": dict(learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
    "sgd": dict(
        learning_rate_init=1e-2,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ),
}


def batch_products(n_rows, units):
    """The products of one batch: ``(m, k, n, a_transposed, b_transposed)`` each.

    ``a_transposed``: the left operand is the transpose of a stored C-order
    array (``inputs.T``); ``b_transposed``: the right one is (``W.T``).
    """
    products = []
    for i, (n_in, n_out) in enumerate(zip(units[:-1], units[1:])):
        products.append((n_rows, n_in, n_out, False, False))  # a @ W
        products.append((n_in, n_rows, n_out, True, False))  # a.T @ delta
        products.append((1, n_rows, n_out, False, False))  # ones @ delta
        if i > 0:
            products.append((n_rows, n_out, n_in, False, True))  # delta @ W.T
    return products


def batch_sizes(n_samples, batch_size):
    full, last = divmod(n_samples, batch_size)
    return {batch_size: full, **({last: 1} if last else {})}


def _operands(m, k, n, a_transposed, b_transposed, dtype, rng):
    a = rng.standard_normal((k, m) if a_transposed else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if b_transposed else (k, n)).astype(dtype)
    return (a.T if a_transposed else a), (b.T if b_transposed else b)


def products_seconds(n_samples, batch_size, units, dtype, library, number=3):
    """Seconds of one epoch's products, each product timed alone (best of 5)."""
    rng = np.random.RandomState(0)
    total = 0.0
    for rows, count in batch_sizes(n_samples, batch_size).items():
        for shape in batch_products(rows, units):
            a, b = _operands(*shape, dtype, rng)
            if library == "torch":
                torch = torch_reference.torch
                a, b = torch.from_numpy(a), torch.from_numpy(b)
                out = torch.empty((a.shape[0], b.shape[1]), dtype=a.dtype)

                def run(a=a, b=b, out=out):
                    torch.matmul(a, b, out=out)

            else:
                out = np.empty((a.shape[0], b.shape[1]), dtype=dtype)

                def run(a=a, b=b, out=out):
                    np.matmul(a, b, out=out)

            run()
            best = min(timeit.repeat(run, number=number, repeat=5)) / number
            total += best * count
    return total


def optimizer_seconds(n_samples, batch_size, n_params, n_weights, solver, dtype):
    """Seconds of one epoch's optimizer steps (weight decay included)."""
    optimizer = OPTIMIZERS[solver](
        n_params, np.dtype(dtype), **OPTIMIZER_OPTIONS[solver]
    )
    rng = np.random.RandomState(0)
    params = rng.standard_normal(n_params).astype(dtype)
    gradient = rng.standard_normal(n_params).astype(dtype)
    work = np.empty_like(gradient)

    def step():
        np.copyto(work, gradient)
        add_scaled(work[:n_weights], 1e-4 / batch_size, params[:n_weights])
        optimizer.update(params, work)

    def copy_only():
        np.copyto(work, gradient)

    step()
    best = min(timeit.repeat(step, number=20, repeat=5)) / 20
    copying = min(timeit.repeat(copy_only, number=20, repeat=5)) / 20
    n_batches = sum(batch_sizes(n_samples, batch_size).values())
    return (best - copying) * n_batches


def profile(args, name, dtype, solver, peak):
    task, n_features, hidden, batch_size, n_outputs = WORKLOADS[name]
    X, y, _, _ = make_data(task, n_features, n_outputs, args.n_samples, 10, dtype)
    units = [n_features, *hidden, n_outputs]
    n_weights = sum(a * b for a, b in zip(units[:-1], units[1:]))
    n_params = n_weights + sum(units[1:])
    flops = sum(
        2.0 * m * k * n * count
        for rows, count in batch_sizes(args.n_samples, batch_size).items()
        for m, k, n, *_ in batch_products(rows, units)
    )
    row = dict(workload=name, dtype=dtype, solver=solver, epoch=np.inf, products=np.inf)
    row.update(optimizer=np.inf, torch_epoch=np.inf, torch_products=np.inf)
    for _ in range(args.repeats):
        est = make_estimator("sklmlp", task, hidden, batch_size, solver, args.epochs)
        row["epoch"] = min(row["epoch"], seconds_per_epoch(est, X, y))
        row["products"] = min(
            row["products"],
            products_seconds(args.n_samples, batch_size, units, dtype, "numpy"),
        )
        row["optimizer"] = min(
            row["optimizer"],
            optimizer_seconds(
                args.n_samples, batch_size, n_params, n_weights, solver, dtype
            ),
        )
        if args.torch:
            seconds, _ = torch_reference.seconds_per_epoch(
                task, hidden, batch_size, solver, args.epochs, X, y
            )
            row["torch_epoch"] = min(row["torch_epoch"], seconds)
            row["torch_products"] = min(
                row["torch_products"],
                products_seconds(args.n_samples, batch_size, units, dtype, "torch"),
            )
    row["gflops"] = flops / row["products"] / 1e9
    row["peak"] = peak
    row["flops"] = flops
    return row


def format_rows(args, rows, peaks):
    out = [
        "matmul peak: " + ", ".join(f"{d} {g:.1f} GFLOP/s" for d, g in peaks.items()),
        f"{args.n_samples} samples, {args.epochs} epochs per fit, best of "
        f"{args.repeats} rounds. Seconds per epoch; share = part / epoch; %pk: "
        "the products' GFLOP/s as a share of the matmul peak.",
        "",
    ]
    head = (
        f"{'workload':<10} {'dtype':<7} {'solver':<6}{'epoch':>8}"
        f"{'products':>9}{'share':>6}{'%pk':>5}{'optim.':>8}{'share':>6}"
        f"{'rest':>8}{'share':>6}"
    )
    if args.torch:
        head += f" |{'torch':>8}{'products':>9}{'%pk':>5}{'rest':>8}"
    out += [head, "-" * len(head)]
    for r in rows:
        rest = r["epoch"] - r["products"] - r["optimizer"]
        line = (
            f"{r['workload']:<10} {r['dtype']:<7} {r['solver']:<6}{r['epoch']:8.4f}"
            f"{r['products']:9.4f}{r['products'] / r['epoch']:6.0%}"
            f"{r['gflops'] / r['peak']:5.0%}"
            f"{r['optimizer']:8.4f}{r['optimizer'] / r['epoch']:6.0%}"
            f"{rest:8.4f}{rest / r['epoch']:6.0%}"
        )
        if args.torch:
            torch_pk = r["flops"] / r["torch_products"] / 1e9 / r["peak"]
            line += (
                f" |{r['torch_epoch']:8.4f}{r['torch_products']:9.4f}{torch_pk:5.0%}"
                f"{r['torch_epoch'] - r['torch_products']:8.4f}"
            )
        out.append(line)
    return "\n".join(out)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--solvers", default="adam,sgd")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--torch", choices=("auto", "no"), default="auto")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_samples, args.epochs, args.repeats = 2_000, 1, 1
    args.torch = args.torch == "auto" and torch_reference.available()
    for name in ("workloads", "solvers", "dtypes"):
        setattr(args, name, getattr(args, name).split(","))
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    peaks = {
        d: matmul_peak(np.dtype(d), 512 if args.quick else 2048) for d in args.dtypes
    }
    rows = [
        profile(args, name, dtype, solver, peaks[dtype])
        for name in args.workloads
        for dtype in args.dtypes
        for solver in args.solvers
    ]
    if args.torch:
        print(torch_reference.describe())
    print(format_rows(args, rows, peaks))


if __name__ == "__main__":
    main()
