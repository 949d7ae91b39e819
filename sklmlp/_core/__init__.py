"""The numerical core: arrays in, arrays out, NumPy and SciPy only.

Activations, losses, initializers and batch normalization are tables of
formulas; :mod:`~sklmlp._core.layout` places every parameter in one flat
vector; :mod:`~sklmlp._core.network` runs the network forward and backward on
it; :mod:`~sklmlp._core.optimizers` step over the vector and
:mod:`~sklmlp._core.schedules` set learning rates; :mod:`~sklmlp._core.fast`
holds the speed tricks, each beside the plain formula it replaces.

Nothing here imports scikit-learn or any part of sklmlp outside this package
(``tests/test_architecture.py`` checks it): the estimators build on the core,
never the other way round.
"""
