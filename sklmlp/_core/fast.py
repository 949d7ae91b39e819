"""The speed tricks of the core, each beside the plain formula it replaces.

Every function here computes exactly what its ``plain_`` twin computes, to the
last bit, only faster on the shapes training meets; ``tests/test_speed_paths.py``
checks each pair agrees. Read the ``plain_`` twin to know what a call does, and
the fast one's comments to know why it is written as it is.

This module imports NumPy only.
"""

import numpy as np

__all__ = [
    "BLOCK",
    "ZEROS_SIZE",
    "add_scaled",
    "dot_into",
    "max_with_zero",
    "plain_add_scaled",
    "plain_dot_into",
    "plain_max_with_zero",
    "plain_zeroed",
    "scratch_for",
    "zeroed",
]


# -- y += a * x over a long vector --------------------------------------------------

# Elements per block of add_scaled's scratch buffer: at most 512 KiB, which
# stays in cache and is as fast as one temporary the length of the vector.
BLOCK = 65536


def plain_add_scaled(y, a, x, *, negate=False):
    """``y += a * x`` in place (``y = a * x - y`` with ``negate``): the formula."""
    a = float(a)
    if negate:
        y[...] = x * a - y
    else:
        y += x * a


def scratch_for(n, dtype):
    """Return a scratch buffer for :func:`add_scaled` on vectors of ``n`` elements."""
    return np.empty(min(n, BLOCK), dtype=dtype)


def add_scaled(y, a, x, *, negate=False, scratch=None):
    """``y += a * x`` in place (``y = a * x - y`` with ``negate``), no long temporary.

    The product goes through a scratch buffer of at most ``BLOCK`` elements,
    block by block, so the rounding is exactly that of ``y += a * x``. (BLAS
    axpy would fuse the two passes, but SciPy's BLAS is a second OpenBLAS with
    its own threads, which fight NumPy's for the cores between matrix products.)
    ``negate`` saves Nesterov's step a separate pass to flip the sign of ``y``.

    ``scratch`` (from :func:`scratch_for`) is the buffer, for a caller that
    calls once per batch: a buffer of a few hundred KiB allocated and freed on
    every call is, with glibc's allocator, fresh pages from the OS each time
    (its mmap threshold is 128 KiB), faulted in on first touch and unmapped
    after, which flushes the TLB of every core the process runs on. None
    allocates one.
    """
    a = float(a)  # a NumPy float64 scalar would upcast float32 blocks
    combine = np.subtract if negate else np.add
    n = y.shape[0]
    if scratch is None:
        scratch = scratch_for(n, y.dtype)
    if n <= scratch.shape[0]:
        combine(np.multiply(x, a, out=scratch[:n]), y, out=y)
        return
    step = scratch.shape[0]  # elementwise: the blocks' size changes no bit
    for start in range(0, n, step):
        stop = min(start + step, n)
        product = np.multiply(x[start:stop], a, out=scratch[: stop - start])
        combine(product, y[start:stop], out=y[start:stop])


# -- out = A @ W for dense or sparse A ---------------------------------------------


def plain_dot_into(A, W, out):
    """``out[...] = A @ W``: the formula."""
    out[...] = A @ W
    return out


def dot_into(A, W, out):
    """``out[...] = A @ W`` for dense or sparse ``A``, dense without a temporary."""
    # isinstance is the cheap test; sp.issparse costs a microsecond per call.
    if isinstance(A, np.ndarray):
        return np.matmul(A, W, out=out)
    out[...] = A @ W
    return out


# -- max(z, 0) and min(z, 0) -------------------------------------------------------

# np.maximum(z, 0) against the scalar 0 runs NumPy's generic loop; against a
# contiguous array of zeros it runs the SIMD one, about 3x faster (a 256 x 512
# block: 61 us -> 23 us). One read-only block of zeros per dtype (512 KiB in
# float64) serves every layer, a block of rows at a time.
ZEROS_SIZE = 1 << 16
_ZEROS = {}


def _zeros_block(dtype):
    zeros = _ZEROS.get(dtype)
    if zeros is None:
        zeros = np.zeros(ZEROS_SIZE, dtype=dtype)
        zeros.flags.writeable = False
        _ZEROS[dtype] = zeros
    return zeros


def plain_max_with_zero(z, out, minimum=False):
    """``out[...] = max(z, 0)`` (or ``min(z, 0)``): the formula."""
    return (np.minimum if minimum else np.maximum)(z, 0, out=out)


def max_with_zero(z, out, minimum=False):
    """``out[...] = max(z, 0)`` (or ``min(z, 0)``) through NumPy's SIMD loop."""
    ufunc = np.minimum if minimum else np.maximum
    n, width = z.shape
    rows = ZEROS_SIZE // max(width, 1)
    if rows == 0 or not (z.flags.c_contiguous and out.flags.c_contiguous):
        return ufunc(z, 0, out=out)
    zeros = _zeros_block(z.dtype)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        block = zeros[: (stop - start) * width].reshape(stop - start, width)
        ufunc(z[start:stop], block, out=out[start:stop])
    return out


# -- a vector of zeros an optimizer updates in place ------------------------------


def plain_zeroed(n, dtype):
    """Return a vector of ``n`` zeros: the formula."""
    return np.zeros(n, dtype=dtype)


def zeroed(n, dtype):
    """Return a vector of zeros whose memory is written before it is read.

    ``np.zeros`` takes fresh pages from the OS untouched; an optimizer's first
    in-place update then reads each page (mapping the shared zero page) and
    writes it (a second, copy-on-write fault, which flushes the TLB of every
    core the process runs on). Filling the vector first costs one fault per
    page. On a 2-core VM, for a 265k-parameter net, Adam's state and first
    step went from 14 ms to 2.4 ms: most of a short fit.
    """
    out = np.empty(n, dtype=dtype)
    out.fill(0)
    return out
