"""Beyond one machine: Dask clusters, pickling across processes, out-of-core training.

Needs the ``dask`` extra (``pip install sklmlp[dask]``); the module is skipped
without it. One ``LocalCluster`` (two single-threaded worker processes) serves
every test that needs a cluster and is closed when the module ends.
"""

import os

import joblib
import numpy as np
import pytest
import threadpoolctl
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

_REASON = "needs the dask extra: pip install sklmlp[dask]"
dask = pytest.importorskip("dask", reason=_REASON)
da = pytest.importorskip("dask.array", reason=_REASON)
distributed = pytest.importorskip("distributed", reason=_REASON)

N_WORKERS = 2


@pytest.fixture(scope="module", autouse=True)
def _single_threaded_blas():
    """Hold this process's BLAS to one thread, like the workers'.

    On two busy cores a two-thread BLAS makes these small matrix products
    several times slower; the numbers do not depend on it.
    """
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture(scope="module")
def client():
    """A two-process cluster, one thread per worker, on free ports."""
    # dashboard_address=None still means the configured :8787, and a second
    # cluster on the machine would make the scheduler warn and fail to start:
    # ":0" asks the system for a free port.
    cluster = distributed.LocalCluster(
        n_workers=N_WORKERS,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


# -- tasks run on the workers ---------------------------------------------------
# distributed pickles module-level functions by reference; the worker processes
# are spawned with this process's sys.path, so they import this module too.


def _fit_and_report_pid(estimator, X, y):
    return estimator.fit(X, y), os.getpid()


def _blas_threads():
    """BLAS pool sizes and the thread-count variables of the calling process."""
    pools = [
        info["num_threads"]
        for info in threadpoolctl.threadpool_info()
        if info["user_api"] == "blas"
    ]
    env = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    return pools, env


def _blas_threads_in_task():
    """What a running task sees, outside and inside an explicit limit."""
    outside = _blas_threads()[0]
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        inside = _blas_threads()[0]
    return outside, inside


# -- distributed hyperparameter search -------------------------------------------


def test_grid_search_on_cluster_matches_local_run(client):
    X, y = load_digits(return_X_y=True)
    X, y = X[:900], y[:900]
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifierPrimer(
            learning_rate_init=0.01, tol=1e-3, n_iter_no_change=2, random_state=0
        ),
    )
    grid = {
        "mlpclassifierprimer__hidden_layer_sizes": [(16,), (32,)],
        "mlpclassifierprimer__alpha": [1e-4, 1.0],
    }
    # error_score="raise": a fit failing on a worker must fail the test, not
    # turn into a NaN score on both sides.
    search = GridSearchCV(pipe, grid, cv=3, error_score="raise")
    local = clone(search).set_params(n_jobs=1).fit(X, y)

    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_config(backend="dask"):
            remote = clone(search).set_params(n_jobs=-1).fit(X, y)

    # The fits really ran on the cluster, spread over both workers (joblib may
    # batch several fits into one task, so tasks are not counted).
    assert {task["worker"] for task in stream.data} == set(client.nthreads())

    assert remote.best_params_ == local.best_params_
    assert remote.best_score_ == local.best_score_
    for key in ["mean_test_score", "rank_test_score"] + [
        f"split{i}_test_score" for i in range(3)
    ]:
        assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    # The scores differ between candidates, so equal rankings mean something.
    assert len(set(local.cv_results_["mean_test_score"])) > 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_scikit_learn_callbacks_travel_to_the_cluster(client):
    # An estimator with scikit-learn's callbacks (scikit-learn >= 1.9) pickles
    # to the workers and fits there as without them. (scikit-learn 1.9.1's
    # ScoringMonitor sends no records back from Dask workers, for its own
    # LogisticRegression neither; from joblib's processes it does, see
    # tests/test_sklearn_callbacks.py.)
    from sklearn.callback import ScoringMonitor
    from sklearn.model_selection import cross_validate

    X, y = make_classification(n_samples=200, n_features=8, random_state=0)
    clf = MLPClassifierPrimer(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    watched = clone(clf).set_callbacks(ScoringMonitor(scoring="accuracy"))
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_config(backend="dask"):
            remote = cross_validate(watched, X, y, cv=2, n_jobs=-1, error_score="raise")
    assert stream.data  # the fits ran on the cluster
    local = cross_validate(clf, X, y, cv=2)
    assert_array_equal(remote["test_score"], local["test_score"])


# -- pickling across worker processes --------------------------------------------


@pytest.mark.parametrize(
    "estimator",
    [
        MLPClassifierPrimer(
            hidden_layer_sizes=(16, 8),
            activation="prelu",
            solver="adam",
            max_iter=300,
            tol=1e-3,
            random_state=3,
            defaults="sklearn",  # converges within max_iter on this data
        ),
        MLPClassifierPrimer(
            hidden_layer_sizes=(12,),
            activation="maxout",
            solver="sgd",
            learning_rate_init=0.05,
            max_iter=300,
            tol=1e-3,
            random_state=4,
        ),
        MLPRegressorPrimer(
            hidden_layer_sizes=(16,), solver="lbfgs", max_iter=2000, random_state=5
        ),
    ],
    ids=["classifier-adam-prelu", "classifier-sgd-maxout", "regressor-lbfgs"],
)
def test_fit_on_worker_matches_local_fit(client, estimator):
    if isinstance(estimator, MLPRegressorPrimer):
        X, y = make_regression(n_samples=300, n_features=10, noise=1.0, random_state=0)
        y /= y.std()
    else:
        X, y = make_classification(
            n_samples=400, n_features=10, n_informative=6, n_classes=3, random_state=0
        )

    remote, worker_pid = client.submit(
        _fit_and_report_pid, clone(estimator), X, y
    ).result()
    local = clone(estimator).fit(X, y)

    assert worker_pid != os.getpid()  # the fit crossed a process boundary
    assert type(remote) is type(local)
    assert remote.n_iter_ == local.n_iter_
    assert remote.loss_curve_ == local.loss_curve_
    for a, b in zip(
        remote.coefs_ + remote.intercepts_, local.coefs_ + local.intercepts_
    ):
        assert_array_equal(a, b)
    assert_array_equal(remote.predict(X), local.predict(X))

    # The other way round: a locally fitted model shipped to a worker predicts
    # there exactly as it does here.
    assert_array_equal(client.submit(local.predict, X).result(), local.predict(X))

    # The optimizer state and the random generator came back too: one more
    # partial_fit keeps both models in lockstep.
    if estimator.solver != "lbfgs":
        remote.partial_fit(X, y)
        local.partial_fit(X, y)
        for a, b in zip(remote.coefs_, local.coefs_):
            assert_array_equal(a, b)


# -- BLAS threads on the workers ---------------------------------------------------


def test_worker_blas_pools_are_single_threaded(client):
    # Two single-threaded workers on two cores: no oversubscription provided
    # BLAS does not start its own threads inside each worker.
    assert client.nthreads() == dict.fromkeys(client.nthreads(), 1)
    assert len(client.nthreads()) == N_WORKERS

    # The nanny exports these before spawning a worker (dask config
    # distributed.nanny.pre-spawn-environ), so BLAS starts with one thread.
    per_worker = client.run(_blas_threads)
    assert len(per_worker) == N_WORKERS
    for pools, env in per_worker.values():
        assert pools  # NumPy's BLAS is there, so the check is not vacuous
        assert set(pools) == {1}
        assert env == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

    # Inside a running task as well, with or without threadpool_limits.
    outside, inside = client.submit(_blas_threads_in_task, pure=False).result()
    assert set(outside) == set(inside) == {1}


# -- out-of-core training ------------------------------------------------------------

N_SAMPLES, N_FEATURES, CHUNK, N_CLASSES = 2_000, 20, 500, 3


def _lazy_data(seed):
    """Features and teacher labels as dask arrays, generated chunk by chunk."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES), chunks=(CHUNK, N_FEATURES))
    teacher = np.random.RandomState(0).standard_normal((N_FEATURES, N_CLASSES))
    # A nonlinear teacher so that the hidden layer has something to do.
    y = (da.tanh(X) @ teacher + 0.3 * (X[:, :N_CLASSES] ** 2)).argmax(axis=1)
    return X, y


def _partial_fit_passes(model, chunks, n_passes):
    for _ in range(n_passes):
        for X_chunk, y_chunk in chunks():
            model.partial_fit(X_chunk, y_chunk, classes=np.arange(N_CLASSES))
    return model


def _ooc_model():
    # A few passes over the chunks need a livelier step than Adam's default;
    # tol=1e-3 lets the in-memory reference fit converge well before max_iter.
    return MLPClassifierPrimer(
        hidden_layer_sizes=(32,), learning_rate_init=0.01, tol=1e-3, random_state=0
    )


def test_partial_fit_over_dask_chunks_matches_in_memory(client):
    X, y = _lazy_data(seed=0)
    assert X.numblocks[0] == N_SAMPLES // CHUNK > 1
    X_mem, y_mem = X.compute(), y.compute()

    def dask_chunks():
        # One chunk at a time is computed (here on the cluster) and brought over.
        for i in range(X.numblocks[0]):
            yield dask.compute(X.blocks[i], y.blocks[i])

    def memory_slices():
        for start in range(0, N_SAMPLES, CHUNK):
            yield X_mem[start : start + CHUNK], y_mem[start : start + CHUNK]

    n_passes = 8
    streamed = _partial_fit_passes(_ooc_model(), dask_chunks, n_passes)
    sliced = _partial_fit_passes(_ooc_model(), memory_slices, n_passes)
    # The same sequence of partial_fit calls: bit-identical models.
    assert streamed.n_iter_ == sliced.n_iter_ == 1
    assert streamed.t_ == sliced.t_ == n_passes * N_SAMPLES
    assert streamed.loss_curve_ == sliced.loss_curve_
    for a, b in zip(
        streamed.coefs_ + streamed.intercepts_, sliced.coefs_ + sliced.intercepts_
    ):
        assert_array_equal(a, b)

    # Against a fit on all of the data in memory: held-out accuracy comparable.
    X_test, y_test = (a.compute() for a in _lazy_data(seed=1))
    in_memory = _ooc_model().fit(X_mem, y_mem)
    ooc_score = streamed.score(X_test, y_test)
    mem_score = in_memory.score(X_test, y_test)
    assert ooc_score > 0.8
    assert abs(ooc_score - mem_score) < 0.05
    # Training went somewhere: far above the majority class.
    assert ooc_score > np.bincount(y_test).max() / y_test.size + 0.3


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_partial_fit_over_memmap_matches_in_memory(tmp_path, dtype):
    X, y = make_classification(
        n_samples=N_SAMPLES, n_features=N_FEATURES, n_informative=8, random_state=0
    )
    X = X.astype(dtype)
    np.save(tmp_path / "X.npy", X)
    # Read-only: partial_fit must never write into its input.
    X_map = np.load(tmp_path / "X.npy", mmap_mode="r")
    assert isinstance(X_map, np.memmap) and not X_map.flags.writeable

    def slices(data):
        def chunks():
            for start in range(0, N_SAMPLES, CHUNK):
                yield data[start : start + CHUNK], y[start : start + CHUNK]

        return chunks

    mapped = _partial_fit_passes(_ooc_model(), slices(X_map), 3)
    in_memory = _partial_fit_passes(_ooc_model(), slices(X), 3)
    assert mapped.coefs_[0].dtype == dtype
    assert mapped.loss_curve_ == in_memory.loss_curve_
    for a, b in zip(
        mapped.coefs_ + mapped.intercepts_, in_memory.coefs_ + in_memory.intercepts_
    ):
        assert_array_equal(a, b)
    assert_array_equal(np.load(tmp_path / "X.npy"), X)  # the file is untouched
