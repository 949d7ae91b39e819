"""
==========================================================
Decision regions: more neurons, or more regularization
==========================================================

The notes train nets with one hidden layer of 3, 6 and 20 neurons on a 2-D,
two-class data set: the larger the layer, the more complicated the function it
can express, and the 20-neuron net fits every training point by carving the
plane into many disjoint regions. They then keep 20 neurons and raise the L2
regularization strength instead, and the regions become smoother. Their
advice: control overfitting with regularization, not with a smaller net.

Here both figures are reproduced with :class:`~sklmlp.MLPClassifierPrimer`
(tanh units, L-BFGS) on scikit-learn's noisy two moons. Each panel's title
gives the training accuracy, the accuracy on 2,000 fresh points from the same
distribution, and the number of disjoint decision regions in the plotted window.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning

from sklmlp import MLPClassifierPrimer

X, y = make_moons(n_samples=200, noise=0.3, random_state=0)
X_test, y_test = make_moons(n_samples=2000, noise=0.3, random_state=1)
xx, yy = np.meshgrid(np.linspace(-2.5, 3.5, 300), np.linspace(-2.0, 2.5, 300))
grid = np.c_[xx.ravel(), yy.ravel()]


def fit(n_hidden, alpha):
    """Fit one net to the training data (to convergence, or nearly)."""
    clf = MLPClassifierPrimer(
        hidden_layer_sizes=(n_hidden,),
        activation="tanh",
        solver="lbfgs",
        alpha=alpha,
        max_iter=3000,
        random_state=0,
    )
    with warnings.catch_warnings():
        # A few nets stop at max_iter a hair short of the optimum: harmless here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


def draw(ax, clf, title):
    """Colour the plane by predicted class; return the number of regions."""
    Z = clf.predict(grid).reshape(xx.shape)
    # Connected components of each predicted class = disjoint decision regions.
    n_regions = sum(ndimage.label(Z == c)[1] for c in (0, 1))
    ax.contourf(xx, yy, Z, levels=[-0.5, 0.5, 1.5], colors=["#f4a6a6", "#a6d9a6"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdYlGn", edgecolors="k", s=18)
    train, test = clf.score(X, y), clf.score(X_test, y_test)
    ax.set_title(
        f"{title}\ntrain {train:.3f}, test {test:.3f}, {n_regions} regions",
        fontsize=9,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return train, test, n_regions


# %%
# More hidden neurons: more capacity
# ----------------------------------
sizes = [3, 6, 20]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
size_rows = []
for ax, n_hidden in zip(axes, sizes):
    clf = fit(n_hidden, alpha=1e-5)
    size_rows.append((n_hidden, *draw(ax, clf, f"{n_hidden} hidden neurons")))
fig.tight_layout()

# %%
# The figure in numbers:
for n_hidden, train, test, n_regions in size_rows:
    print(
        f"{n_hidden:>2} hidden neurons: train accuracy {train:.3f}, "
        f"test accuracy {test:.3f}, {n_regions} disjoint regions"
    )

# %%
# One net of 20 neurons, three regularization strengths
# -----------------------------------------------------
# sklmlp's ``alpha`` is scikit-learn's: the penalty is
# ``0.5 * alpha * ||W||^2 / n_samples``, so these values correspond to the
# notes' per-sample strengths divided by the 200 training points.
alphas = [0.001, 0.1, 1.0]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
alpha_rows = []
for ax, alpha in zip(axes, alphas):
    clf = fit(20, alpha=alpha)
    norm = np.sqrt(sum(float((W**2).sum()) for W in clf.coefs_))
    alpha_rows.append((alpha, norm, *draw(ax, clf, f"20 neurons, alpha={alpha}")))
fig.tight_layout()

# %%
# The figure in numbers: the weight norm shrinks as ``alpha`` grows (the
# "gradual forgetting" of the notes), and so does the number of regions.
for alpha, norm, train, test, n_regions in alpha_rows:
    print(
        f"alpha={alpha:<5}: ||W||={norm:6.2f}, train accuracy {train:.3f}, "
        f"test accuracy {test:.3f}, {n_regions} disjoint regions"
    )

plt.show()
