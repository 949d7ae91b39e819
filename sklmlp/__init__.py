"""sklmlp: multilayer perceptrons for scikit-learn on a vectorized NumPy core.

The two estimators, :class:`MLPClassifierPrimer` and :class:`MLPRegressorPrimer`,
take every parameter of scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` with
the same meaning, and add activations (leaky ReLU, PReLU, maxout, per-layer
lists), initialization heuristics, a multiclass SVM loss, class weights, dropout,
input noise, callbacks and hidden-layer diagnostics.
"""

from ._estimators import MLPClassifierPrimer, MLPRegressorPrimer
from ._version import __version__

__all__ = ["MLPClassifierPrimer", "MLPRegressorPrimer", "__version__"]
