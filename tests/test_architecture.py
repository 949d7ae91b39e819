"""The layering the package is built on, checked.

The numerical core, ``sklmlp/_core``, imports NumPy, SciPy and the standard
library only: never scikit-learn, never sklmlp outside ``_core``. Everything
else builds on it; nothing in it builds on anything else.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sklmlp

PACKAGE = Path(sklmlp.__file__).parent
CORE = PACKAGE / "_core"
CORE_MODULES = sorted(CORE.glob("*.py"))
ALLOWED_TOP_LEVEL = {"numpy", "scipy"} | set(sys.stdlib_module_names)


def _imports(path):
    """(module, level) of every import statement in the file, at any depth."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level


def test_the_core_has_the_modules_the_docs_name():
    names = {p.stem for p in CORE_MODULES}
    assert {
        "activations",
        "losses",
        "initializers",
        "batchnorm",
        "layout",
        "network",
        "optimizers",
        "schedules",
        "fast",
    } <= names


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.name)
def test_core_modules_import_only_numpy_scipy_and_the_core(path):
    for module, level in _imports(path):
        where = f"{path.name} imports {'.' * level}{module}"
        if level == 0:
            top = module.split(".")[0]
            assert top in ALLOWED_TOP_LEVEL, where
        else:
            # One dot: a sibling in _core. Two or more climb out of it.
            assert level == 1, where


def test_the_import_check_catches_what_it_should(tmp_path):
    # The check above, on a module that breaks each rule.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sklearn\nfrom ..training import x\n"
        "def f():\n    from sklmlp import _base\n"
    )
    found = list(_imports(bad))
    assert ("sklearn", 0) in found
    assert ("training", 2) in found
    assert ("sklmlp", 0) in found
    assert "sklearn" not in ALLOWED_TOP_LEVEL and "sklmlp" not in ALLOWED_TOP_LEVEL


def test_importing_the_core_loads_no_scikit_learn_and_no_estimator():
    # The core is imported without running sklmlp/__init__.py (which imports
    # the estimators): a bare parent package stands in for sklmlp.
    code = f"""
import importlib, sys, types
parent = types.ModuleType("sklmlp")
parent.__path__ = [{str(PACKAGE)!r}]
sys.modules["sklmlp"] = parent
for name in {[p.stem for p in CORE_MODULES if p.stem != "__init__"]!r}:
    importlib.import_module("sklmlp._core." + name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "sklmlp"))
print("\\n".join(loaded))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = result.stdout.split()
    assert "sklmlp._core.network" in loaded
    assert not [m for m in loaded if m.startswith("sklearn")]
    outside = [m for m in loaded if m != "sklmlp" and not m.startswith("sklmlp._core")]
    assert not outside


def _sklmlp_imports(path):
    """The sklmlp modules a module outside the core imports (absolute names)."""
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for module, level in _imports(path):
        if level == 0:
            if module.split(".")[0] == "sklmlp":
                yield module
        else:
            base = package[: len(package) - level + 1]
            yield ".".join([*base, module] if module else base)


# Module -> the sklmlp modules it must not import (see docs/developer.rst).
_ESTIMATORS = ("sklmlp._base", "sklmlp._classifier", "sklmlp._regressor")
_FORBIDDEN = {
    "_training.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_fit_state.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_holdout.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_history.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_callback_protocol.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_sklearn_callbacks.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_targets.py": (
        *_ESTIMATORS,
        "sklmlp._fitted",
        "sklmlp._training",
        "sklmlp._history",
        "sklmlp.callbacks",
    ),
    "_parameters.py": (*_ESTIMATORS, "sklmlp.callbacks"),
    "_fitted.py": (*_ESTIMATORS, "sklmlp.callbacks"),
    "_upgrades.py": (*_ESTIMATORS, "sklmlp._fitted", "sklmlp.callbacks"),
    "_base.py": ("sklmlp._classifier", "sklmlp._regressor", "sklmlp.callbacks"),
    "_classifier.py": ("sklmlp._regressor", "sklmlp.callbacks"),
    "_regressor.py": ("sklmlp._classifier", "sklmlp.callbacks"),
}


@pytest.mark.parametrize("name", sorted(_FORBIDDEN))
def test_estimator_side_modules_import_only_downward(name):
    found = set(_sklmlp_imports(PACKAGE / name))
    bad = {
        m for m in found for f in _FORBIDDEN[name] if m == f or m.startswith(f + ".")
    }
    assert not bad, f"{name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "callbacks").glob("*.py")))
def test_callbacks_do_not_import_the_estimators(path):
    found = set(_sklmlp_imports(path))
    assert not found & {*_ESTIMATORS, "sklmlp._fitted"}, path.name
