"""Warnings and errors raised by sklmlp."""

__all__ = ["InconsistentVersionWarning"]


class InconsistentVersionWarning(UserWarning):
    """A model is unpickled under a different sklmlp version than it was saved with.

    The model may still work, but nothing guarantees it: refit it, or load it
    under the version it was saved with.

    Parameters
    ----------
    estimator_name : str
        Class name of the unpickled estimator.
    current_version : str
        The sklmlp version doing the loading.
    original_version : str
        The sklmlp version that saved the model.

    Examples
    --------
    >>> from sklmlp.exceptions import InconsistentVersionWarning
    >>> w = InconsistentVersionWarning("MLPClassifierPrimer", "0.2.0", "0.1.0")
    >>> w.original_version
    '0.1.0'
    """

    def __init__(self, estimator_name, current_version, original_version):
        self.estimator_name = estimator_name
        self.current_version = current_version
        self.original_version = original_version
        super().__init__(
            f"Trying to unpickle estimator {estimator_name} from sklmlp version "
            f"{original_version} when using version {current_version}. This might "
            "lead to breaking code or invalid results. Use at your own risk."
        )
