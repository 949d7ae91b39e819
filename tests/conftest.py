"""Fixtures the test modules share."""

import pytest
from sklearn.datasets import make_classification


@pytest.fixture(scope="session")
def clf_data():
    """120 samples, 6 features, 3 classes."""
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
