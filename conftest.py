"""Test-session settings that must be in place before SciPy is imported."""

import importlib.util
import os

# scikit-learn's array API check (run with NumPy inputs for estimators that do
# not dispatch) needs SciPy's array API mode, which is read at import time.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# sklmlp/onnx.py imports skl2onnx (the optional 'onnx' extra): without it the
# module's doctests cannot even be collected. tests/test_onnx.py skips itself.
collect_ignore = []
if importlib.util.find_spec("skl2onnx") is None:
    collect_ignore.append("sklmlp/onnx.py")
