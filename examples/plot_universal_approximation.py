"""
==========================================================
Universal approximation: one hidden layer, growing width
==========================================================

The notes: "Neural Networks with at least one hidden layer are universal
approximators": for any continuous ``f`` and any ``epsilon > 0`` there is a
net ``g`` with one hidden layer (of sigmoid units, say) with
``|f(x) - g(x)| < epsilon`` everywhere. The theorem says nothing about how
many units it takes; this example watches the worst-case error of the fit
shrink as the hidden layer widens.

Each :class:`~sklmlp.MLPRegressorPrimer` has one hidden layer of sigmoid
(``'logistic'``) units and is fitted with L-BFGS, keeping the best of three
initializations (small nets are the ones whose result depends on the luck of
the draw, as the notes point out). ``weight_init='lecun'`` draws the input
weights from ``N(0, 1 / fan_in) = N(0, 1)``, so the sigmoids start with
slopes of order one, spread over the interval.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklmlp import MLPRegressorPrimer


def f(x):
    """The continuous function to approximate."""
    return np.sin(2 * x) + 0.5 * np.cos(5 * x) + 0.2 * x


x = np.linspace(-3, 3, 400)
X = x.reshape(-1, 1)
target = f(x)
widths = [1, 2, 4, 8, 16, 32]


def best_fit(width):
    """Fit three nets of this width; keep the one with the lowest loss."""
    fits = []
    for seed in range(3):
        reg = MLPRegressorPrimer(
            hidden_layer_sizes=(width,),
            activation="logistic",
            weight_init="lecun",
            solver="lbfgs",
            alpha=0.0,
            max_iter=3000,
            tol=1e-10,
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(reg.fit(X, target))
    return min(fits, key=lambda reg: reg.loss_)


nets = {width: best_fit(width) for width in widths}

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
axes[0].plot(x, target, "k", lw=3, alpha=0.4, label="f(x)")
for width, reg in nets.items():
    if width in (2, 8, 32):
        axes[0].plot(x, reg.predict(X), label=f"{width} hidden units")
axes[0].set(title="f and one-hidden-layer fits", xlabel="x")
axes[0].legend(fontsize=8)
max_errors = [np.abs(reg.predict(X) - target).max() for reg in nets.values()]
axes[1].loglog(widths, max_errors, "o-")
axes[1].set(
    title="max |f(x) - g(x)| on the grid",
    xlabel="hidden units",
    xticks=widths,
    xticklabels=[str(w) for w in widths],
)
fig.tight_layout()

# %%
# The figure in numbers: the worst-case and root-mean-square error over the 400
# grid points for each width, with the parameter count of the net
# (``3 * width + 1``).
for (width, reg), err in zip(nets.items(), max_errors):
    rms = np.sqrt(np.mean((reg.predict(X) - target) ** 2))
    print(
        f"{width:>2} hidden units ({reg.n_params_:>3} parameters): "
        f"max |f - g| = {err:.4f}, rms = {rms:.4f}"
    )

# %%
# The error falls by more than an order of magnitude from one unit to eight,
# then levels off a few hundredths from zero. That floor is the optimizer's,
# not the net's: the solver stops, as scikit-learn's does, when an iteration
# lowers the loss by less than SciPy's default ``ftol`` (about ``2.2e-9``,
# an absolute threshold once the loss is below one), well before ``tol``
# (the gradient tolerance) is reached.

plt.show()
