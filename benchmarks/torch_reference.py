"""The same training in PyTorch on the CPU, for ``bench_training.py``'s torch column.

PyTorch (the engine under skorch) is what a user who outgrows scikit-learn's MLP
picks next. This module trains the network ``bench_training.py`` times, the way a
PyTorch user writes it: ``nn.Sequential`` of ``nn.Linear`` and ``nn.ReLU``,
``torch.optim.Adam`` or ``torch.optim.SGD`` with their default implementation,
a fresh random order every epoch, ``X[idx]`` batches, ``zero_grad``,
``backward``, ``step``. The arithmetic is scikit-learn's: cross-entropy (softmax)
or half the mean squared error, L2 on the weights only at scikit-learn's scale
(``alpha / batch_size`` as ``weight_decay``, which adds ``weight_decay * W`` to
the gradient as ``alpha * W / n`` does), Adam's and SGD's scikit-learn settings
(Nesterov momentum 0.9 for SGD). Timing starts after the model is built and
ends after the last step.

torch is optional: never a dependency of sklmlp, never needed by the tests.
"""

import time

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover - the column is left out
    torch = None

__all__ = ["available", "describe", "seconds_per_epoch"]


def available():
    """Whether torch can be imported."""
    return torch is not None


def describe():
    """One line: torch's version, its BLAS and its thread count."""
    config = torch.__config__.show()
    blas = "MKL" if "Math Kernel Library" in config else "its BLAS"
    return (
        f"torch {torch.__version__} ({blas}; {torch.get_num_threads()} threads, "
        "default optimizer implementations)"
    )


def _model(units, dtype):
    layers = []
    for i, (n_in, n_out) in enumerate(zip(units[:-1], units[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(units) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).to(dtype)


def _optimizer(model, solver, batch_size, alpha):
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    groups = [
        {"params": weights, "weight_decay": alpha / batch_size},
        {"params": biases, "weight_decay": 0.0},
    ]
    if solver == "adam":
        return torch.optim.Adam(groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    return torch.optim.SGD(groups, lr=1e-2, momentum=0.9, nesterov=True)


def seconds_per_epoch(task, hidden, batch_size, solver, epochs, X, y, alpha=1e-4):
    """Train for ``epochs`` epochs; return wall seconds per epoch and the last loss.

    Parameters
    ----------
    task : {'classification', 'regression'}
        Softmax cross-entropy over the classes of ``y``, or squared error.
    hidden : tuple of int
        Hidden layer sizes (ReLU).
    batch_size : int
        Rows per batch.
    solver : {'adam', 'sgd'}
        The optimizer, with ``bench_training.py``'s settings.
    epochs : int
        Passes over the data.
    X : ndarray of shape (n_samples, n_features)
        float32 or float64; the network computes in that dtype.
    y : ndarray of shape (n_samples,)
        Class labels 0..k-1, or real targets.
    alpha : float, default=1e-4
        L2 strength, scikit-learn's scaling.

    Returns
    -------
    seconds : float
        Wall seconds per epoch.
    loss : float
        Mean batch objective of the last epoch (data term only).
    """
    dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    torch.manual_seed(0)
    classification = task == "classification"
    n_outputs = int(y.max()) + 1 if classification else 1
    model = _model([X.shape[1], *hidden, n_outputs], dtype)
    optimizer = _optimizer(model, solver, batch_size, alpha)
    inputs = torch.from_numpy(X)
    if classification:
        targets = torch.from_numpy(y.astype(np.int64))
        criterion = torch.nn.CrossEntropyLoss()
    else:
        targets = torch.from_numpy(np.asarray(y, dtype=X.dtype).reshape(-1, 1))
        mse = torch.nn.MSELoss()

        def criterion(output, target):
            return 0.5 * mse(output, target)

    generator = torch.Generator().manual_seed(0)
    n_samples = X.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n_samples, generator=generator)
        total = 0.0
        for first in range(0, n_samples, batch_size):
            rows = order[first : first + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(model(inputs[rows]), targets[rows])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(rows)
    seconds = (time.perf_counter() - start) / epochs
    return seconds, total / n_samples
