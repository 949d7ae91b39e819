"""Documentation checks: numpydoc docstrings, the user guide's code, the gallery.

Building the site (``make docs``) runs the gallery; these tests stay fast: they
validate the public docstrings with numpydoc, run the user guide's ``>>>``
snippets as doctests (so the numbers the guide quotes, such as the notes' 26 and
41 parameters, are checked), and check that every gallery script compiles and
has the header sphinx-gallery needs.
"""

import ast
import doctest
import inspect
import pydoc
from pathlib import Path

import pytest
from numpydoc.validate import validate

import sklmlp
import sklmlp.callbacks
import sklmlp.exceptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
USER_GUIDE = ROOT / "docs" / "user_guide"

# numpydoc checks every public docstring must pass: a docstring with a summary
# line, every parameter documented (and no unknown one), a Returns section on
# functions that return, and an Examples section. Style-only checks (extended
# summary, See Also, parameter order, section spacing) are not enforced.
REQUIRED_CHECKS = {
    "GL08": "the object has no docstring",
    "SS01": "no summary line",
    "PR01": "parameters not documented",
    "PR02": "unknown parameters documented",
    "PR07": "parameter has no description",
    "RT01": "no Returns section",
    "EX01": "no Examples section",
}

PUBLIC_MODULES = [sklmlp, sklmlp.callbacks, sklmlp.exceptions]
try:  # the optional 'onnx' extra (in 'dev': installed wherever the suite runs)
    import sklmlp.onnx
except ImportError:  # pragma: no cover
    pass
else:
    PUBLIC_MODULES.append(sklmlp.onnx)


def _public_objects():
    """Import paths of every public class and function, and of sklmlp's methods.

    Methods inherited unchanged from scikit-learn (``get_params``,
    ``set_fit_request`` ...) or from ``Exception`` are documented upstream.
    """
    paths = []
    for module in PUBLIC_MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            path = f"{module.__name__}.{name}"
            if inspect.isfunction(obj):
                paths.append(path)
            if not inspect.isclass(obj):
                continue  # __version__, constants
            paths.append(path)
            for attr, member in inspect.getmembers(obj):
                if attr.startswith("_") or not callable(member):
                    continue
                if (getattr(member, "__module__", None) or "").startswith("sklmlp"):
                    paths.append(f"{path}.{attr}")
    return paths


PUBLIC_OBJECTS = _public_objects()


def test_public_objects_are_found():
    # Guards the collection above: an empty or partial list would make the
    # docstring test pass vacuously.
    expected = {
        "sklmlp.MLPClassifierPrimer",
        "sklmlp.MLPClassifierPrimer.fit",
        "sklmlp.MLPClassifierPrimer.partial_fit",
        "sklmlp.MLPClassifierPrimer.predict_proba",
        "sklmlp.MLPClassifierPrimer.decision_function",
        "sklmlp.MLPClassifierPrimer.hidden_activations",
        "sklmlp.MLPClassifierPrimer.dead_unit_fraction",
        "sklmlp.MLPRegressorPrimer",
        "sklmlp.MLPRegressorPrimer.predict",
        "sklmlp.TrainingCurveDisplay",
        "sklmlp.TrainingCurveDisplay.from_estimator",
        "sklmlp.TrainingCurveDisplay.plot",
        "sklmlp.callbacks.Callback.on_train_begin",
        "sklmlp.callbacks.Callback.on_train_end",
        "sklmlp.callbacks.EpochScoring",
        "sklmlp.callbacks.EarlyStopping",
        "sklmlp.callbacks.Checkpoint",
        "sklmlp.callbacks.LRScheduler",
        "sklmlp.callbacks.LRScheduler.on_train_begin",
        "sklmlp.callbacks.ProgressBar",
        "sklmlp.exceptions.InconsistentVersionWarning",
        "sklmlp.onnx.register_converters",
    }
    assert expected <= set(PUBLIC_OBJECTS)
    assert "sklmlp.MLPClassifierPrimer.get_params" not in PUBLIC_OBJECTS


@pytest.mark.parametrize("path", PUBLIC_OBJECTS)
def test_numpydoc_docstring(path):
    result = validate(path)
    errors = [
        f"{code} ({REQUIRED_CHECKS[code]}): {message}"
        for code, message in result["errors"]
        if code in REQUIRED_CHECKS
    ]
    assert not errors, f"{path}:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", PUBLIC_OBJECTS)
def test_docstring_examples_are_doctests(path):
    # An Examples section must hold code that pytest --doctest-modules runs,
    # not prose: at least one ">>>" line that doctest parses.
    obj = pydoc.locate(path)
    assert obj is not None, path
    examples = doctest.DocTestParser().get_examples(inspect.getdoc(obj) or "")
    assert examples, f"{path} has no doctest example"


USER_GUIDE_PAGES = sorted(USER_GUIDE.glob("*.rst"))


def test_user_guide_pages_exist():
    names = {page.stem for page in USER_GUIDE_PAGES}
    assert {"neuron", "activations", "architecture", "initialization"} <= names
    assert {"losses", "solvers", "sklearn", "training"} <= names
    assert {"batch_norm", "persistence", "speed"} <= names


@pytest.mark.parametrize("page", USER_GUIDE_PAGES, ids=lambda p: p.name)
def test_user_guide_snippets(page):
    # The ">>>" snippets of the user guide run as doctests, so a number the
    # guide quotes (n_params_ of the notes' nets, ...) cannot drift from the
    # code.
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
        report=True,
    )
    assert result.failed == 0
    # doctest found the snippets (a page without any has nothing to run).
    assert result.attempted > 0 or ">>>" not in page.read_text()


def test_user_guide_reproduces_the_notes_sizes():
    # The two nets of the notes must be in the guide with their counts.
    text = (USER_GUIDE / "architecture.rst").read_text()
    assert "(6, 26)" in text
    assert "(9, 41, 4)" in text


GALLERY = sorted(EXAMPLES.glob("plot_*.py"))


def test_gallery_has_every_figure():
    names = {path.stem for path in GALLERY}
    assert {
        "plot_activations",
        "plot_decision_regions",
        "plot_dead_relu",
        "plot_initialization",
        "plot_activation_convergence",
        "plot_single_neuron",
        "plot_universal_approximation",
        "plot_sklearn_comparison",
        "plot_lr_schedules",
        "plot_batch_norm",
        "plot_preprocessing",
        "plot_onnx_export",
    } <= names
    assert (EXAMPLES / "README.rst").exists() or (EXAMPLES / "README.txt").exists()


@pytest.mark.parametrize("path", GALLERY, ids=lambda p: p.name)
def test_gallery_script_compiles_with_header(path):
    source = path.read_text()
    tree = ast.parse(source, filename=str(path))
    compile(tree, str(path), "exec")
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring, f"{path.name} needs a module docstring"
    # sphinx-gallery's header: a title line underlined (and here overlined)
    # by '=' at least as long as the title.
    lines = docstring.strip("\n").splitlines()
    title_at = 1 if set(lines[0]) == {"="} else 0
    title, underline = lines[title_at], lines[title_at + 1]
    assert title.strip(), f"{path.name}: empty title"
    assert set(underline) == {"="} and len(underline) >= len(title), path.name
    # Figures come from matplotlib, and the numbers behind them are printed.
    assert "matplotlib" in source
    assert "print(" in source
