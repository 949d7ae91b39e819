"""The core's robust scaling and smooth clipping of the inputs."""

import numpy as np
import pytest
import scipy.sparse as sp

from sklmlp._core.input_scaling import (
    BOUND,
    SCALINGS,
    fit_input_scaling,
    scale_inputs,
    smooth_clip,
)


@pytest.fixture
def columns():
    rng = np.random.RandomState(0)
    X = rng.randn(101, 5) * [1.0, 10.0, 1e4, 1.0, 1.0] + [0.0, 5.0, -3e4, 0.0, 0.0]
    X[:, 3] = rng.rand(101) < 0.1  # an indicator, mostly 0: zero IQR
    X[:, 4] = 7.0  # constant
    return X


def test_center_is_median_and_scale_interquartile_range(columns):
    center, scale = fit_input_scaling(columns)
    q1, median, q3 = np.quantile(
        columns, [0.25, 0.5, 0.75], axis=0, method="inverted_cdf"
    )
    np.testing.assert_array_equal(center, median)
    np.testing.assert_array_equal(scale[:3], (q3 - q1)[:3])
    # Zero IQR: half the range (the indicator's 0/1 become 0 and 2); constant: 1.
    assert scale[3] == 0.5 and scale[4] == 1.0


def test_standard_is_mean_and_standard_deviation(columns):
    center, scale = fit_input_scaling(columns, kind="standard")
    np.testing.assert_allclose(center, columns.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scale[:4], columns.std(axis=0)[:4], rtol=1e-12)
    assert scale[4] == 1.0  # constant column, whatever the rounding of its std


def test_standard_does_not_overflow_near_the_float_limit():
    X = np.array([[1e300], [-1e300], [0.0]])
    center, scale = fit_input_scaling(X, kind="standard")
    np.testing.assert_allclose(scale, [1e300 * np.sqrt(2 / 3)], rtol=1e-12)
    assert center == 0.0


@pytest.mark.parametrize("kind", SCALINGS)
def test_integer_weights_equal_repeated_rows(columns, kind):
    weights = np.random.RandomState(1).randint(1, 4, len(columns))
    weighted = fit_input_scaling(columns, weights.astype(float), kind)
    repeated = fit_input_scaling(np.repeat(columns, weights, axis=0), kind=kind)
    for a, b in zip(weighted, repeated):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("n_samples", [1, 2, 3, 4, 5, 8, 101, 1000])
def test_unweighted_quantiles_select_what_the_weighted_sort_finds(n_samples):
    # Without weights the quantiles are selected (np.partition), not sorted
    # out: the same order statistics as weights of one through the sort, to
    # the bit, ties and signed zeros included.
    rng = np.random.RandomState(n_samples)
    X = np.column_stack(
        [
            rng.randn(n_samples),
            rng.randint(0, 3, n_samples),  # ties
            rng.choice([-0.0, 0.0, 1.0], n_samples),
        ]
    )
    selected = fit_input_scaling(X)
    sorted_out = fit_input_scaling(X, np.ones(n_samples))
    for a, b in zip(selected, sorted_out):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def test_scaling_into_buffers_is_the_same_as_into_new_arrays(columns):
    # A training batch is scaled into the workspace's buffers: the same bits,
    # in the buffer given, whatever the buffers held before.
    center, scale = fit_input_scaling(columns)
    expected = scale_inputs(columns, center, scale, np.float32)
    out, scratch = (np.full(columns.shape, np.nan, np.float32) for _ in range(2))
    result = scale_inputs(columns, center, scale, np.float32, out=out, scratch=scratch)
    assert result is out
    np.testing.assert_array_equal(result, expected)


def test_sparse_input_to_dense_statistics_is_centered(columns):
    # Statistics fitted on dense input have a center: sparse input given to
    # that model (predict, partial_fit) is scaled exactly as the dense rows.
    center, scale = fit_input_scaling(columns)
    assert np.any(center)
    dense = scale_inputs(columns, center, scale, np.float64)
    from_sparse = scale_inputs(sp.csr_matrix(columns), center, scale, np.float64)
    assert not sp.issparse(from_sparse)
    np.testing.assert_array_equal(from_sparse, dense)


@pytest.mark.parametrize("kind", SCALINGS)
def test_affine_invariance(columns, kind):
    # A positive scale and a shift of any column do not change the scaled input.
    a = np.array([1e-3, 2.0, 1e5, 1.0, 3.0])
    b = np.array([5.0, -1e3, 0.0, 0.0, 1.0])
    Z1 = scale_inputs(columns, *fit_input_scaling(columns, kind=kind), np.float64, 3.0)
    moved = columns * a + b
    Z2 = scale_inputs(moved, *fit_input_scaling(moved, kind=kind), np.float64, 3.0)
    np.testing.assert_allclose(Z1, Z2, rtol=1e-9, atol=1e-9)


def test_values_beyond_the_dtype_clip_to_the_bound():
    X = np.array([[1e308, -1e308, 1e300]])
    for dtype in (np.float64, np.float32):
        Z = scale_inputs(X, np.zeros(3), np.array([1e-10, 1e-10, 1.0]), dtype)
        np.testing.assert_array_equal(Z, [[BOUND, -BOUND, BOUND]])


def test_smooth_clip_is_bounded_odd_and_identity_near_zero():
    z = np.array([-1e308, -1e6, -3.0, -1e-8, 0.0, 1e-8, 3.0, 1e6, 1e308])
    out = smooth_clip(z.copy(), 3.0)
    assert np.all(np.abs(out) < 3.0 + 1e-12) and np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, -out[::-1])
    assert np.all(np.diff(out) >= 0)
    np.testing.assert_allclose(out[3:6], z[3:6], rtol=1e-12)
    np.testing.assert_allclose(out[6], 3.0 / np.sqrt(2.0))


def test_scaled_values_match_the_formula(columns):
    center, scale = fit_input_scaling(columns)
    z = (columns - center) / scale
    expected = z / np.sqrt(1.0 + (z / 3.0) ** 2)
    np.testing.assert_allclose(
        scale_inputs(columns, center, scale, np.float64, 3.0), expected, rtol=1e-13
    )
    np.testing.assert_allclose(
        scale_inputs(columns, center, scale, np.float64, None), z, rtol=1e-13
    )


def test_dtype_kept_and_input_untouched(columns):
    before = columns.copy()
    Z = scale_inputs(columns, *fit_input_scaling(columns), np.float32, 3.0)
    assert Z.dtype == np.float32
    np.testing.assert_array_equal(columns, before)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix])
def test_sparse_input_stays_sparse_uncentered_max_abs(columns, container):
    X = container(columns)
    center, scale = fit_input_scaling(X)
    assert not center.any()
    np.testing.assert_array_equal(scale, np.abs(columns).max(axis=0))
    Z = scale_inputs(X, center, scale, np.float64, 3.0)
    assert sp.issparse(Z) and Z.nnz == X.nnz
    dense = scale_inputs(columns, center, scale, np.float64, 3.0)
    np.testing.assert_allclose(Z.toarray(), dense, rtol=1e-13)
    # The input keeps its values.
    np.testing.assert_array_equal(X.toarray(), columns)
