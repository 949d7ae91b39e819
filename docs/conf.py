"""Sphinx configuration: pydata theme, numpydoc API pages, sphinx-gallery."""

import sys
from pathlib import Path

# Build the gallery against this checkout even without an editable install.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

# The gallery fits small nets on small data, where BLAS threads only contend
# for the cores: on a loaded two-core machine a training loop of sklmlp ran
# 100 times slower with two OpenBLAS threads than with one. Limit every BLAS
# and OpenMP library loaded so far (NumPy's and SciPy's OpenBLAS, and
# scikit-learn's OpenMP runtime) to one thread; the examples run in this
# process.
import scipy.linalg  # noqa: E402, F401
import sklearn.neural_network  # noqa: E402, F401
from threadpoolctl import threadpool_limits  # noqa: E402

import sklmlp  # noqa: E402

threadpool_limits(1)

project = "sklmlp"
author = "sklmlp developers"
copyright = "sklmlp developers"
version = release = sklmlp.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"

# -- API pages: autosummary writes one page per class, numpydoc renders it. --
autosummary_generate = True
autodoc_typehints = "none"
# The class template lists the members itself; numpydoc must not add a second
# (toctree-less) autosummary table of them.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("sklmlp",),
    "reference_url": {"sklmlp": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "min_reported_time": 1,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklmlp {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False
