# The few commands a person types. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-oldest lint format bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,examples]'
	touch $@

$(VENV)/.docs: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,docs]'
	touch $@

# The oldest versions pyproject.toml allows (scikit-learn 1.6 has no
# sklearn.callback), in a venv of their own. NumPy 1.24 has wheels up to
# Python 3.11; pytest 8, as sklearn 1.6's estimator checks predate pytest 9;
# pandas for the bad-input tests. A fast subset of the suite runs there.
OLDEST := .venv-oldest
OLDEST_PYTHON ?= python3.11
OLDEST_PINS := "scikit-learn==1.6.*" "numpy==1.24.*" "scipy==1.11.*" "pytest==8.*" pandas
OLDEST_TESTS := tests/test_training.py tests/test_bad_input.py \
	tests/test_validation_data.py tests/test_sklearn_callbacks.py \
	tests/test_accuracy.py tests/test_network.py tests/test_optimizers.py \
	tests/test_activations.py tests/test_losses.py tests/test_initializers.py \
	tests/test_batchnorm_core.py tests/test_architecture.py tests/test_speed_paths.py \
	tests/test_oldest_pins.py

$(OLDEST)/.ready: pyproject.toml
	$(OLDEST_PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/pip install --quiet $(OLDEST_PINS) -e .
	touch $@

demo: $(VENV)/.demo
	$(BIN)/python -m sklmlp.demo

test: $(VENV)/.dev
	$(BIN)/python -m pytest

# The subset, then scikit-learn's estimator checks for the lbfgs and PReLU
# configurations (the full checks are in `make test`).
test-oldest: $(OLDEST)/.ready
	$(OLDEST)/bin/python -c "import sklearn, numpy, scipy; \
	print('scikit-learn', sklearn.__version__, 'numpy', numpy.__version__, 'scipy', scipy.__version__)"
	$(OLDEST)/bin/python -m pytest $(OLDEST_TESTS)
	$(OLDEST)/bin/python -m pytest tests/test_common.py -k "lbfgs or prelu"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_onnx.py

docs: $(VENV)/.docs
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) $(OLDEST) docs/_build docs/auto_examples docs/gen_modules build *.egg-info
