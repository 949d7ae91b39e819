"""What a fitted model does with its arrays: predict, show its layers, pickle.

:class:`FittedNetworkMixin` holds the inference side of the estimators: the
validated path from ``X`` to the network's output (in inference mode: batch
normalization with its running statistics), the hidden-layer diagnostics, the
per-layer arrays a fitted model predicts with, and the version stamp of its
pickles (a model saved by an earlier version is upgraded by
:mod:`sklmlp._upgrades`).
"""

import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from ._core.batchnorm import BatchNormViews
from ._upgrades import upgrade_state
from ._version import __version__
from .exceptions import InconsistentVersionWarning

__all__ = ["FittedNetworkMixin"]


class FittedNetworkMixin:
    """Inference, diagnostics and persistence of a fitted network estimator."""

    def _slopes_or_empty(self):
        return [np.empty(0) if s is None else s for s in self.prelu_slopes_]

    def _norms(self):
        """Return the published batch-normalization arrays per hidden layer."""
        if not self._network.n_stats:
            # No layer is normalized: the scales are all None, as the views
            # would be (a single-row predict should not pay for building them).
            return self.batch_norm_scale_
        return [
            None if scale is None else BatchNormViews(scale, shift, mean, var)
            for scale, shift, mean, var in zip(
                self.batch_norm_scale_,
                self.batch_norm_shift_,
                self.batch_norm_mean_,
                self.batch_norm_var_,
            )
        ]

    def _fitted_arrays(self):
        """Every array a fitted model predicts with (views; None entries left out)."""
        arrays = self.coefs_ + self.intercepts_ + self.prelu_slopes_
        for views in self._norms():
            arrays += [] if views is None else list(views)
        return [a for a in arrays if a is not None]

    # -- prediction -------------------------------------------------------------

    def _check_input(self, X):
        """Validate ``X`` for prediction, as ``validate_data(reset=False)`` does.

        The plain formula is ``check_is_fitted`` then ``validate_data``. Its
        speed trick, a fast path: a float64/float32 ndarray of the fitted
        width, with rows, all finite, for a fitted model that saw no feature
        names, passes every check of the full path unchanged, and confirming
        that here costs a few microseconds where validate_data spends tens
        (most of a single-row predict). Anything else, including every input
        that should fail, takes the full path and its errors and warnings.
        """
        state = self.__dict__
        fast = (
            type(X) is np.ndarray
            and "coefs_" in state
            and "feature_names_in_" not in state
            and X.ndim == 2
            and X.shape[0] > 0
            and X.shape[1] == state.get("n_features_in_")
            and (X.dtype == np.float64 or X.dtype == np.float32)
        )
        if fast:
            # A finite sum means finite entries (inf and NaN propagate); a sum
            # that overflows sends the input to the full check.
            with np.errstate(over="ignore", invalid="ignore"):
                fast = bool(np.isfinite(X.sum()))
        if fast:
            return X
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )

    def _raw_scores(self, X, hidden=False, *, check_input=True):
        """Output-layer scores for ``X`` (and the hidden layers' outputs).

        ``check_input=False`` is for a caller that validated ``X`` already
        (with :meth:`_check_input`).
        """
        if check_input:
            X = self._check_input(X)
        slopes = self._slopes_or_empty()
        # Inputs too large for the model's dtype overflow to inf (in the cast
        # to a float32 model, or in the matrix products): report that below
        # as an error instead of warning and returning inf or NaN scores.
        with np.errstate(over="ignore", invalid="ignore"):
            X = X.astype(self._network.dtype, copy=False)
            out = self._network.forward(
                self.coefs_, self.intercepts_, slopes, self._norms(), X, hidden=hidden
            )
        if not np.isfinite(out[0] if hidden else out).all():
            raise ValueError(
                "The network's output is not finite for some rows of X: their "
                f"values are too large for the model's {self._network.dtype} "
                "arithmetic. Scale the inputs as the training data were scaled "
                "(e.g. with StandardScaler)."
            )
        return out

    def hidden_activations(self, X):
        """Return the output of every hidden layer for ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        list of ndarray
            ``result[i]`` has shape ``(n_samples, hidden_layer_sizes[i])``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklmlp import MLPRegressorPrimer
        >>> X = np.random.RandomState(0).randn(30, 3)
        >>> reg = MLPRegressorPrimer(hidden_layer_sizes=(5, 4), activation="tanh",
        ...                          random_state=0).partial_fit(X, X.sum(axis=1))
        >>> [h.shape for h in reg.hidden_activations(X)]
        [(30, 5), (30, 4)]
        >>> bool(np.all(np.abs(reg.hidden_activations(X)[0]) < 1))  # tanh range
        True
        """
        return self._raw_scores(X, hidden=True)[1]

    def dead_unit_fraction(self, X):
        """Fraction of hidden units that output zero for every sample of ``X``.

        A ReLU unit that never fires on the data gets no gradient and cannot
        recover: the notes call it dead. Units of other activations are counted
        the same way (a saturated logistic unit is not exactly zero and does not
        count).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        ndarray of shape (n_hidden_layers,)
            One fraction per hidden layer.

        Examples
        --------
        >>> import numpy as np
        >>> from sklmlp import MLPRegressorPrimer
        >>> X = np.random.RandomState(0).randn(30, 3)
        >>> reg = MLPRegressorPrimer(hidden_layer_sizes=(10,), random_state=0)
        >>> reg = reg.partial_fit(X, X.sum(axis=1))
        >>> reg.intercepts_[0][:3] = -100.0  # three units that can never fire
        >>> reg.dead_unit_fraction(X)
        array([0.3])
        """
        return np.array(
            [float(np.mean(np.all(h == 0, axis=0))) for h in self.hidden_activations(X)]
        )

    def __getstate__(self):
        """Record the sklmlp version beside the state."""
        # A copy: on Python >= 3.11 object.__getstate__ returns the instance's
        # own __dict__, and pickling must not add the stamp to the estimator.
        state = dict(super().__getstate__())
        # The targets object is derived from the fitted attributes saved beside
        # it (classes_, y_scale_, ...): saved files keep the layout of 0.2.0,
        # and skops needs no new trusted type.
        state.pop("_targets", None)
        state["_sklmlp_version"] = __version__
        return state

    def __setstate__(self, state):
        """Warn when the state was saved by another sklmlp version; upgrade it."""
        state = dict(state)
        original = state.pop("_sklmlp_version", "unknown")
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(type(self).__name__, __version__, original)
            )
        upgrade_state(state, type(self), other_version=original != __version__)
        if "coefs_" in state and "_targets" not in state:
            state["_targets"] = self._targets_type.from_fitted(state)
        super().__setstate__(state)
