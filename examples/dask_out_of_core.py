"""
Out-of-core training with partial_fit over Dask chunks
======================================================

``partial_fit`` makes one pass of the stochastic solver over the data it is
given, keeping the weights, the optimizer state and the random generator between
calls. Calling it once per chunk of a :mod:`dask.array` trains on data that is
never held in memory at once: only one chunk is computed at a time.

The same sequence of ``partial_fit`` calls on in-memory slices gives the same
weights to the last bit, and ten passes over the chunks come within a couple of
points of the accuracy of a ``fit`` on all of the data in memory. A
memory-mapped ``.npy`` file written chunk by chunk works the same way.

Needs the ``dask`` extra: ``pip install sklmlp[dask]``.
"""

# %%
# A dataset generated chunk by chunk
# ----------------------------------
# 100,000 samples of 20 features in chunks of 10,000 rows. The labels come from
# a fixed nonlinear teacher, so they are computed per chunk as well.

import tempfile
import time
from pathlib import Path

import dask
import dask.array as da
import numpy as np

from sklmlp import MLPClassifierPrimer

N_SAMPLES, N_FEATURES, CHUNK, N_CLASSES = 100_000, 20, 10_000, 3
CLASSES = np.arange(N_CLASSES)
teacher = np.random.RandomState(0).standard_normal((N_FEATURES, N_CLASSES))


def lazy_data(seed, n_samples=N_SAMPLES):
    """Features and labels as dask arrays; nothing is computed yet."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n_samples, N_FEATURES), chunks=(CHUNK, N_FEATURES))
    y = (da.tanh(X) @ teacher + 0.3 * X[:, :N_CLASSES] ** 2).argmax(axis=1)
    return X, y


X, y = lazy_data(seed=0)
X_test, y_test = dask.compute(*lazy_data(seed=1, n_samples=20_000))
print(f"X: {X.shape}, {X.numblocks[0]} chunks of {X.chunksize}, {X.nbytes / 1e6} MB")


def new_model():
    """The same model for every run below."""
    return MLPClassifierPrimer(
        hidden_layer_sizes=(32,), learning_rate_init=0.01, tol=1e-3, random_state=0
    )


# %%
# Train chunk by chunk
# --------------------
# Every pass visits the chunks in a new random order (``partial_fit`` already
# shuffles the samples within a chunk). ``classes`` tells the first call which
# labels exist. With a ``distributed.Client`` active, each ``compute`` runs on
# the cluster and only the finished chunk travels to this process.

N_PASSES = 10
order_rng = np.random.RandomState(0)
chunk_orders = [order_rng.permutation(X.numblocks[0]) for _ in range(N_PASSES)]

streamed = new_model()
start = time.perf_counter()
for n_pass, order in enumerate(chunk_orders, 1):
    for i in order:
        X_chunk, y_chunk = dask.compute(X.blocks[i], y.blocks[i])
        streamed.partial_fit(X_chunk, y_chunk, classes=CLASSES)
    accuracy = streamed.score(X_test, y_test)
    print(f"pass {n_pass}: loss {streamed.loss_:.4f}, test accuracy {accuracy:.4f}")
print(f"out-of-core training: {time.perf_counter() - start:.1f} s")

# %%
# The same calls on in-memory slices
# -----------------------------------
# Computing the whole array and slicing it into the same chunks, in the same
# order, reproduces the streamed model exactly.

X_mem, y_mem = dask.compute(X, y)
sliced = new_model()
for order in chunk_orders:
    for i in order:
        rows = slice(i * CHUNK, (i + 1) * CHUNK)
        sliced.partial_fit(X_mem[rows], y_mem[rows], classes=CLASSES)
identical = all(
    np.array_equal(a, b)
    for a, b in zip(
        streamed.coefs_ + streamed.intercepts_, sliced.coefs_ + sliced.intercepts_
    )
)
print(f"identical weights to in-memory slices: {identical}")

# %%
# Against a fit on all of the data in memory
# ------------------------------------------
# ``fit`` runs epochs over the whole array until the training loss stalls.

start = time.perf_counter()
in_memory = new_model().fit(X_mem, y_mem)
print(
    f"in-memory fit: {in_memory.n_iter_} epochs in {time.perf_counter() - start:.1f}"
    f" s, test accuracy {in_memory.score(X_test, y_test):.4f} (out-of-core:"
    f" {streamed.score(X_test, y_test):.4f} after {N_PASSES} passes)"
)

# %%
# A memory-mapped file
# --------------------
# :func:`numpy.lib.format.open_memmap` creates a ``.npy`` file that
# :func:`dask.array.store` fills one chunk at a time; opened read-only with
# ``mmap_mode="r"``, its slices are read from disk on demand. ``partial_fit``
# never writes into its input, so a read-only map is fine.

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "X.npy"
    target = np.lib.format.open_memmap(path, mode="w+", dtype=X.dtype, shape=X.shape)
    da.store(X, target)
    target.flush()
    del target
    X_map = np.load(path, mmap_mode="r")

    mapped = new_model()
    for order in chunk_orders:
        for i in order:
            rows = slice(i * CHUNK, (i + 1) * CHUNK)
            mapped.partial_fit(X_map[rows], y_mem[rows], classes=CLASSES)
    del X_map  # release the file before the folder is removed
identical = all(
    np.array_equal(a, b)
    for a, b in zip(
        streamed.coefs_ + streamed.intercepts_, mapped.coefs_ + mapped.intercepts_
    )
)
print(f"memory-mapped training gives identical weights: {identical}")
