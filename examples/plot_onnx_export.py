"""
================================================
Deploying a pipeline with ONNX and onnxruntime
================================================

``import sklmlp.onnx`` registers converters for both estimators with skl2onnx,
so a fitted pipeline that ends in an sklmlp estimator exports to one ONNX file
with ``skl2onnx.to_onnx``. onnxruntime (or any other ONNX runtime, in C, C++,
C#, Java or JavaScript) then serves it without Python, NumPy or scikit-learn.

This example exports ``StandardScaler`` + :class:`~sklmlp.MLPClassifierPrimer`
(PReLU and maxout layers) trained on the digits, and a
:class:`~sklmlp.MLPRegressorPrimer` trained on the diabetes data, in float32
and in float64, and checks onnxruntime against the pipelines' own ``predict``,
``predict_proba``: the labels must be identical and the numbers equal to the
rounding of the dtype. The graph computes in its input's dtype: a
``float64`` input keeps the model's float64 precision.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklmlp.onnx  # noqa: F401  (registers the converters with skl2onnx)
from sklmlp import MLPClassifierPrimer, MLPRegressorPrimer

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
warnings.simplefilter("ignore", ConvergenceWarning)


def session_of(onx):
    """An onnxruntime session of an exported model (the bytes of the file)."""
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


# %%
# Export, then compare
# --------------------
# ``zipmap=False`` makes the probabilities one tensor (the default, ``True``,
# gives one dictionary per row, as scikit-learn's classifier converters do).
# ``to_onnx`` reads the input's name, dtype and width from ``X[:1]``.

differences = {}
for dtype in (np.float32, np.float64):
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifierPrimer(
            hidden_layer_sizes=(64, 32),
            activation=["prelu", "maxout"],
            max_iter=60,
            random_state=0,
        ),
    ).fit(X_train.astype(dtype), y_train)
    onx = to_onnx(
        pipe,
        X_train[:1].astype(dtype),
        options={MLPClassifierPrimer: {"zipmap": False}},
    )
    labels, proba = session_of(onx).run(None, {"X": X_test.astype(dtype)})
    expected = pipe.predict_proba(X_test.astype(dtype))
    differences[dtype.__name__] = np.abs(proba - expected).ravel()
    same = np.mean(labels == pipe.predict(X_test.astype(dtype)))
    print(
        f"{dtype.__name__}: {len(onx.SerializeToString()) / 1024:.0f} KiB of ONNX, "
        f"test accuracy {np.mean(labels == y_test):.3f}, identical labels "
        f"{same:.1%}, probabilities {proba.dtype}, largest difference "
        f"{differences[dtype.__name__].max():.1e}"
    )

# %%
# The same for a regressor
# ------------------------
# ``normalize_y=True`` (the default) trains on standardized targets and maps
# the output back; the graph holds that map too.

Xr, yr = load_diabetes(return_X_y=True)
for dtype in (np.float32, np.float64):
    reg = make_pipeline(
        StandardScaler(),
        MLPRegressorPrimer(hidden_layer_sizes=(32,), max_iter=200, random_state=0),
    ).fit(Xr.astype(dtype), yr)
    onx = to_onnx(reg, Xr[:1].astype(dtype))
    (out,) = session_of(onx).run(None, {"X": Xr.astype(dtype)})
    expected = reg.predict(Xr.astype(dtype))
    relative = np.max(np.abs(out.ravel() - expected) / np.abs(expected))
    print(
        f"regressor, {dtype.__name__}: output {out.shape}, predictions "
        f"{expected.min():.0f} to {expected.max():.0f}, largest relative "
        f"difference {relative:.1e}"
    )

# %%
# How large the differences are
# -----------------------------
# Each dtype's differences sit at its own rounding: about 1e-7 in float32 and
# 1e-16 in float64 (zero where both sides round to the same number).

fig, ax = plt.subplots(figsize=(6, 3.5))
bins = np.logspace(-19, -5, 57)
for name, diff in differences.items():
    exact = np.mean(diff == 0)
    print(f"{name}: {exact:.0%} of the probabilities identical")
    ax.hist(
        np.maximum(diff, 1e-19),
        bins=bins,
        histtype="step",
        linewidth=2,
        label=f"{name} ({exact:.0%} identical)",
    )
ax.set_xscale("log")
ax.set_xlabel("|onnxruntime - predict_proba| (exact matches at 1e-19)")
ax.set_ylabel("probabilities")
ax.set_title("onnxruntime against the pipeline, digits test set")
ax.legend()
fig.tight_layout()
plt.show()
