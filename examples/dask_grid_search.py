"""
Distributed hyperparameter search on a Dask cluster
===================================================

A :class:`~sklearn.model_selection.GridSearchCV` over a pipeline ending in
:class:`sklmlp.MLPClassifierPrimer` runs its cross-validation fits through
joblib. Switching joblib to its ``"dask"`` backend sends those fits to the
workers of a ``dask.distributed`` cluster; nothing else in the code changes, and
with a fixed ``random_state`` the search finds the same parameters and the same
scores as the local run.

Here the cluster is a :class:`~distributed.LocalCluster` of two worker processes
with one thread each. On a real cluster, replace it by
``Client("tcp://<scheduler-address>:8786")``.

Needs the ``dask`` extra: ``pip install sklmlp[dask]``.
"""

# %%
# Imports and the search
# ----------------------
# The estimators, the grid and the data are ordinary scikit-learn objects.

import time

import joblib
import numpy as np
import threadpoolctl
from distributed import Client, LocalCluster
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifierPrimer(
        learning_rate_init=0.01, tol=1e-3, n_iter_no_change=2, random_state=0
    ),
)
grid = {
    "mlpclassifierprimer__hidden_layer_sizes": [(16,), (32,), (64,)],
    "mlpclassifierprimer__alpha": [1e-4, 1.0],
    "mlpclassifierprimer__activation": ["relu", "tanh"],
}
search = GridSearchCV(pipe, grid, cv=3, n_jobs=-1, error_score="raise")


# %%
# BLAS threads inside a worker
# ----------------------------
# Each fit is a chain of matrix products. If every worker let OpenBLAS/MKL
# start one thread per core, two workers on two cores would run four compute
# threads and slow each other down. Before spawning a worker process, the
# nanny exports ``OMP_NUM_THREADS=1``, ``OPENBLAS_NUM_THREADS=1`` and
# ``MKL_NUM_THREADS=1`` (dask config ``distributed.nanny.pre-spawn-environ``),
# so with ``threads_per_worker=1`` every worker computes on exactly one
# thread. A cluster of threads (``processes=False``) shares one BLAS pool
# instead: limit it inside the task with
# ``threadpoolctl.threadpool_limits(limits=1, user_api="blas")``.


def blas_threads():
    """Size of each BLAS thread pool in the calling process."""
    return [
        info["num_threads"]
        for info in threadpoolctl.threadpool_info()
        if info["user_api"] == "blas"
    ]


# %%
# Run the search locally, then on the cluster
# -------------------------------------------
# ``parallel_config(backend="dask")`` (``parallel_backend("dask")`` in older
# joblib) finds the client created last and hands every fit to the scheduler.
# Worker processes re-import this script, so the cluster is started under
# ``if __name__ == "__main__"``.


def main():
    """Compare a local search with the same search on a local Dask cluster."""
    n_candidates = int(np.prod([len(v) for v in grid.values()]))
    print(f"{n_candidates} candidates x 3 folds on {X.shape} digits")

    # In this process, one fit after another. BLAS is held to one thread here
    # too: on a busy machine a multithreaded BLAS makes these small matrix
    # products several times slower, and the timing would say nothing.
    start = time.perf_counter()
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        local = clone(search).set_params(n_jobs=1).fit(X, y)
    local_seconds = time.perf_counter() - start

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        print(f"cluster: {client.nthreads()}")
        print(f"BLAS threads in this process: {blas_threads()}")
        for worker, threads in client.run(blas_threads).items():
            print(f"BLAS threads on {worker}: {threads}")

        # Includes each worker's first import of scikit-learn and sklmlp; on
        # two cores, two workers cannot be much faster than one process.
        start = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            remote = clone(search).fit(X, y)
        cluster_seconds = time.perf_counter() - start

    print(f"in this process: {local_seconds:5.1f} s, best {local.best_params_}")
    print(f"on the cluster:  {cluster_seconds:5.1f} s, best {remote.best_params_}")
    same = remote.best_params_ == local.best_params_ and np.array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    print(f"same best parameters and scores: {same}")
    print(f"best cross-validated accuracy: {remote.best_score_:.4f}")


if __name__ == "__main__":
    main()
