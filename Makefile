# `make demo` and `make test` each build .venv when missing (or when the dependency
# files changed), install the project with the extras they need, pinned by
# requirements/constraints.txt, fetch the face-detector model once, then run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
DEPS := setup.cfg pyproject.toml $(CONSTRAINTS)
DEMO_DIR ?= demo_data
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: demo test detector clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24"

$(VENV)/.installed-demo: $(DEPS) | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -c $(CONSTRAINTS) -e ".[train,edge]"
	touch $@

$(VENV)/.installed-test: $(DEPS) | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -c $(CONSTRAINTS) -e ".[all]"
	touch $@

detector: | $(BIN)/python
	$(BIN)/keras-fer models fetch

demo: $(VENV)/.installed-demo
	$(MAKE) --no-print-directory detector
	$(BIN)/keras-fer data synth --preset fer2013 --out $(DEMO_DIR)/fer2013 --overwrite --quiet
	$(BIN)/keras-fer data synth --clip --seconds 10 --out $(DEMO_DIR)/clip --overwrite --quiet
	@echo "Demo data is in $(DEMO_DIR)/ (fer2013/fer2013.csv, clip/clip.avi + ground_truth.jsonl)."
	$(BIN)/keras-fer train --config configs/demo.yaml data.root=$(DEMO_DIR)/fer2013/fer2013.csv

test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory detector
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
