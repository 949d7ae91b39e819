"""sklmlp: multilayer perceptrons for scikit-learn on a vectorized NumPy core.

The two estimators, :class:`MLPClassifierPrimer` and :class:`MLPRegressorPrimer`,
take every parameter of scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` with
the same meaning, and add activations (leaky ReLU, PReLU, maxout, per-layer
lists), initialization heuristics, a multiclass SVM loss, class weights, dropout,
input noise, callbacks (:mod:`sklmlp.callbacks`), hidden-layer diagnostics and
a plot of the training curves (:class:`TrainingCurveDisplay`).
"""

from ._classifier import MLPClassifierPrimer
from ._regressor import MLPRegressorPrimer
from ._version import __version__

__all__ = [
    "MLPClassifierPrimer",
    "MLPRegressorPrimer",
    "TrainingCurveDisplay",
    "__version__",
]


def __getattr__(name):
    # Imported on first use, so that ``import sklmlp`` needs no matplotlib
    # and loads no plotting code.
    if name == "TrainingCurveDisplay":
        from ._display import TrainingCurveDisplay

        return TrainingCurveDisplay
    if name == "callbacks":
        import importlib

        return importlib.import_module(".callbacks", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
