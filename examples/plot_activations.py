"""
===========================================
Activation functions and their derivatives
===========================================

Every hidden-layer activation of sklmlp is one row of the table
``sklmlp._core.activations.ACTIVATIONS``: a forward function and a backward
function. This example plots both straight from that table, so what you see
is what the estimators compute: each activation, solid, and its derivative
(the backward pass with an upstream gradient of one), dashed, in each panel.

The curves show the failure modes the notes describe: the sigmoid and tanh
saturate (their derivative vanishes in both tails), the sigmoid is not
zero-centred (its output is always positive), and the ReLU has zero gradient
for every negative input (the cause of dead units). Leaky ReLU and PReLU keep a
small slope there; maxout takes the larger of two linear pieces.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from sklmlp._core.activations import ACTIVATIONS, PRELU_INIT

z = np.linspace(-5, 5, 1001)
# leaky_relu's slope is enlarged from its default 0.01 so that it shows.
options = {"leaky_relu_slope": 0.1, "maxout_pieces": 2}


def forward_backward(name):
    """Run one row of the table on the grid ``z``: output and derivative."""
    act = ACTIVATIONS[name]
    if name == "maxout":
        # One maxout unit of two pieces, max(z, -0.5 * z - 1): columns 0 and 1.
        pre = np.column_stack([z, -0.5 * z - 1])
        a, cache = act.forward(pre.copy(), None, options)
        # The derivative along z: the winning piece's slope (1 or -0.5).
        grad_pieces = act.backward(np.ones_like(a), a, cache, None, None, options)
        return a[:, 0], grad_pieces @ np.array([1.0, -0.5])
    params = np.full(1, PRELU_INIT) if name == "prelu" else None
    grad_params = np.zeros(1) if name == "prelu" else None
    a, cache = act.forward(z[:, None].copy(), params, options)
    delta = act.backward(np.ones_like(a), a, cache, params, grad_params, options)
    return a[:, 0].copy(), delta[:, 0].copy()


names = list(ACTIVATIONS)
results = {name: forward_backward(name) for name in names}
titles = {
    "leaky_relu": "leaky_relu (slope 0.1)",
    "prelu": f"prelu (initial slope {PRELU_INIT})",
    "maxout": "maxout: max(z, -0.5 z - 1)",
}

fig, axes = plt.subplots(2, 4, figsize=(12, 5.6), sharex=True, sharey=True)
for ax, name in zip(axes.flat, names):
    a, da = results[name]
    ax.plot(z, a, label="f(z)")
    ax.plot(z, da, "--", label="f'(z), backward pass")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_title(titles.get(name, name))
    ax.set_ylim(-1.6, 2.6)
for ax in axes[1]:
    ax.set_xlabel("z")
# The eighth panel holds the legend.
axes.flat[-1].axis("off")
handles, labels = axes.flat[0].get_legend_handles_labels()
axes.flat[-1].legend(handles, labels, loc="center")
fig.tight_layout()

# %%
# The numbers behind the figure
# -----------------------------
# The backward pass agrees with a finite difference of the forward pass away
# from the kinks. The largest derivative and the derivative at ``z = -5`` and
# ``z = +5`` show the saturation (a sigmoid passes at most a quarter of the
# upstream gradient, and almost none in its tails); the mean output over the
# symmetric grid shows which activations are zero-centred.
kinks = {"maxout": [0.0, -2 / 3]}
for name in names:
    a, da = results[name]
    numeric = np.gradient(a, z)
    smooth = np.ones_like(z, dtype=bool)
    for kink in kinks.get(name, [0.0]):
        smooth &= np.abs(z - kink) > 0.05
    err = np.max(np.abs(numeric - da)[smooth])
    print(
        f"{name:>10}: max f'={da.max():.3f}  f'(-5)={da[0]:+.4f}  "
        f"f'(+5)={da[-1]:.4f}  mean f={a.mean():+.3f}  "
        f"max|backward - finite difference|={err:.0e}"
    )

plt.show()
