"""
===============================================================
A single neuron as a binary softmax classifier and a binary SVM
===============================================================

The notes: "a single neuron can be used to implement a binary classifier".
With an appropriate loss on its output, one neuron ``w^T x + b`` is a binary
softmax classifier (logistic regression: the probability of the positive class
is ``sigma(w^T x + b)``, trained with the cross-entropy loss) or a binary
support vector machine (the max-margin hinge loss ``max(0, 1 - t (w^T x + b))``
with ``t = +-1``). Its L2 penalty is the "gradual forgetting" that pulls every
weight towards zero.

In sklmlp that neuron is a net without a hidden layer,
``hidden_layer_sizes=()``, with ``loss='log_loss'`` or ``loss='hinge'``. Since
the objective is the mean loss plus ``0.5 * alpha * ||w||^2 / n_samples``, it
is the objective of scikit-learn's ``LogisticRegression`` and of a linear
``SVC`` with ``C = 1 / alpha``: the fitted weights should agree.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from sklmlp import MLPClassifierPrimer

X, y = make_blobs(
    n_samples=200, centers=[[-1, -1], [1.5, 1]], cluster_std=1.0, random_state=0
)
alpha = 1.0
neurons = {
    loss: MLPClassifierPrimer(
        hidden_layer_sizes=(),
        loss=loss,
        solver="lbfgs",
        alpha=alpha,
        tol=1e-8,
        random_state=0,
    ).fit(X, y)
    for loss in ("log_loss", "hinge")
}
references = {
    "log_loss": LogisticRegression(C=1 / alpha, tol=1e-10).fit(X, y),
    "hinge": SVC(kernel="linear", C=1 / alpha).fit(X, y),
}

xx, yy = np.meshgrid(np.linspace(-4.5, 5, 300), np.linspace(-4.5, 4.5, 300))
grid = np.c_[xx.ravel(), yy.ravel()]
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)

softmax = neurons["log_loss"]
proba = softmax.predict_proba(grid)[:, 1].reshape(xx.shape)
filled = axes[0].contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
axes[0].contour(xx, yy, proba, levels=[0.5], colors="k")
fig.colorbar(filled, ax=axes[0], label="P(y = 1 | x) = sigma(w.x + b)")
axes[0].set_title("loss='log_loss': binary softmax (logistic regression)")

svm = neurons["hinge"]
margin = svm.decision_function(grid).reshape(xx.shape)
axes[1].contourf(
    xx,
    yy,
    margin,
    levels=[-100, -1, 0, 1, 100],
    colors=["#6f9fd8", "#c6d9f0", "#f6c9c2", "#e8816f"],
)
axes[1].contour(
    xx, yy, margin, levels=[-1, 0, 1], colors="k", linestyles=["--", "-", "--"]
)
# Support vectors: the samples on or inside the margin, the only ones with a
# non-zero hinge loss gradient.
t = 2 * y - 1
on_margin = t * svm.decision_function(X) <= 1 + 1e-6
axes[1].scatter(
    X[on_margin, 0],
    X[on_margin, 1],
    s=90,
    facecolors="none",
    edgecolors="k",
    label="on or inside the margin",
)
axes[1].legend(loc="lower right")
axes[1].set_title("loss='hinge': binary SVM (margins at w.x + b = +-1)")
for ax in axes:
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="bwr", edgecolors="k", s=20)
fig.tight_layout()

# %%
# The figure in numbers: one neuron of 2 weights and a bias (``n_params_`` 3,
# ``n_neurons_`` 1) learns the same weights as scikit-learn's linear models, and
# the samples circled on the right are those the SVM calls support vectors.
for loss, neuron in neurons.items():
    ref = references[loss]
    w, b = neuron.coefs_[0].ravel(), neuron.intercepts_[0][0]
    gap = max(np.abs(w - ref.coef_.ravel()).max(), abs(b - ref.intercept_[0]))
    print(
        f"{loss:>8}: n_params_={neuron.n_params_}, n_neurons_={neuron.n_neurons_}, "
        f"w=[{w[0]:.4f}, {w[1]:.4f}], b={b:.4f}, accuracy {neuron.score(X, y):.3f}; "
        f"{type(ref).__name__}(C={1 / alpha:g}) differs by {gap:.1e}"
    )
print(
    f"samples on or inside the hinge margin: {on_margin.sum()}; "
    f"support vectors of SVC: {len(references['hinge'].support_)}"
)

plt.show()
