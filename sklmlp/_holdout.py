"""The held-out split of early stopping.

scikit-learn's MLP holds ``validation_fraction`` of the training data out and
scores it after every epoch. As there, the split is stratified for a
classifier with a single output column (a binary target, or a single label)
and random otherwise, multiclass targets included (scikit-learn stratifies on
its one-hot targets only when they have one column). Where a stratified split
is impossible (a class seen once, or fewer held-out rows than classes) the
split is random, where scikit-learn would raise.
"""

import math

import numpy as np
from sklearn.model_selection import train_test_split

__all__ = ["split_validation"]


def _can_stratify(labels, validation_fraction):
    """Whether ``train_test_split`` can stratify ``labels`` (its own tests)."""
    n_samples = len(labels)
    counts = np.unique(labels, return_counts=True)[1]
    n_test = math.ceil(validation_fraction * n_samples)
    n_train = math.floor((1.0 - validation_fraction) * n_samples)
    return counts.min() >= 2 and min(n_test, n_train) >= len(counts)


def split_validation(X, Y, sample_weight, validation_fraction, *, labels, random_state):
    """Split the training data into what trains and what is held out.

    Parameters
    ----------
    X, Y, sample_weight
        Training data: input, encoded targets, weights or None.
    validation_fraction : float
        Share of the data held out.
    labels : ndarray of shape (n_samples,) or None
        The labels to stratify on; None: a plain random split.
    random_state : numpy.random.RandomState
        Draws the split.

    Returns
    -------
    train, validation : tuple
        ``(X, Y, sample_weight)`` of each part.
    """
    arrays = [X, Y] + ([] if sample_weight is None else [sample_weight])
    if labels is not None and not _can_stratify(labels, validation_fraction):
        # Too few samples of some class to give each side its share (a
        # class seen once, or fewer held-out samples than classes): a plain
        # random split, as scikit-learn's MLP makes for multiclass targets.
        labels = None
    parts = train_test_split(
        *arrays,
        random_state=random_state,
        test_size=validation_fraction,
        stratify=labels,
    )
    X_train, X_val, Y_train, Y_val = parts[:4]
    sw_train, sw_val = parts[4:] if sample_weight is not None else (None, None)
    if X_val.shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' or "
            "the size of your dataset."
        )
    return (X_train, Y_train, sw_train), (X_val, Y_val, sw_val)
