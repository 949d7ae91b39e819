"""Test-session settings that must be in place before SciPy is imported."""

import os

# scikit-learn's array API check (run with NumPy inputs for estimators that do
# not dispatch) needs SciPy's array API mode, which is read at import time.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
