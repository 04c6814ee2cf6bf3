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
SHELL := /bin/bash

.PHONY: demo test detector pretrained clean

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

# The main job: render a camera clip, train a temporal model (Hybrid CNN-RNN on synthetic
# sequences that look like the clip's faces), export it int8 with its streaming artifact,
# then run the edge loop on the clip and score it against the clip's ground truth.
demo: $(VENV)/.installed-demo
	$(MAKE) --no-print-directory detector
	$(BIN)/keras-fer data synth --clip --seconds 20 --out $(DEMO_DIR)/clip --overwrite --quiet
	@set -eo pipefail; \
	run=$$($(BIN)/keras-fer train --config configs/demo.yaml | tee /dev/stderr | sed -n 's/^results -> //p'); \
	$(BIN)/keras-fer export --run "$$run" --quant int8; \
	$(BIN)/keras-fer bench --model "$$run/export/hybrid_cnn_rnn_int8_stream.tflite" \
	    --video $(DEMO_DIR)/clip/clip.avi --truth $(DEMO_DIR)/clip/ground_truth.jsonl; \
	echo "Run the loop yourself: $(BIN)/keras-fer run --model $$run/export/hybrid_cnn_rnn_int8_stream.tflite --source $(DEMO_DIR)/clip/clip.avi --save annotated.avi"; \
	echo "or watch it in a browser at http://127.0.0.1:8000/: $(BIN)/keras-fer run --model $$run/export/hybrid_cnn_rnn_int8_stream.tflite --source $(DEMO_DIR)/clip/clip.avi --serve 8000 --loop --no-events"

# The model that ships inside the package: two compact_cnn networks trained on the FER2013
# training archive (FER2013 ?= the shared data folder's .tgz, or a folder of class folders), one
# with AdamW and one with SGD on the same split, exported int8 as one file that averages them
# (and each face's mirror image) with its model card, then copied into edge/models/ (package
# data). About 7 hours on 2 CPU cores (3.4 + 3.6). Run it again after a kill: an existing run is
# resumed (a finished one is only scored, exported and copied again), so a kill costs at most
# the epoch it interrupted.
FER2013 ?= ../shared/data/fer2013_train.tgz
PRETRAINED_CONFIG ?= configs/real/fer2013_long.yaml
PRETRAINED_RUN ?= runs/fer2013_long
PRETRAINED_ARGS ?=
# The second network averaged inside the same file (keras-fer export --member): trained on the
# first run's split after it, resumed like it. PRETRAINED_MEMBER_CONFIG= (empty): one network.
PRETRAINED_MEMBER_CONFIG ?= configs/real/fer2013_long_sgd.yaml
PRETRAINED_MEMBER_RUN ?= runs/fer2013_long_sgd
BUNDLED_DIR ?= edge/models

pretrained: $(VENV)/.installed-demo
	@set -eo pipefail; \
	train() { \
	  if [ -d "$$2" ]; then how="--resume $$2"; \
	  else how="--config $$1 data.root=$(FER2013) run.dir=$$(dirname "$$2") run.name=$$(basename "$$2") $$3"; fi; \
	  $(BIN)/keras-fer train $$how | tee /dev/stderr | sed -n 's/^results -> //p'; \
	}; \
	run=$$(train $(PRETRAINED_CONFIG) $(PRETRAINED_RUN) "$(PRETRAINED_ARGS)"); \
	members=""; \
	if [ -n "$(PRETRAINED_MEMBER_CONFIG)" ]; then \
	  member=$$(train $(PRETRAINED_MEMBER_CONFIG) $(PRETRAINED_MEMBER_RUN) "split.file=$$run/split.json $(PRETRAINED_ARGS)"); \
	  members="--member $$member"; \
	fi; \
	$(BIN)/keras-fer export --run "$$run" $$members --quant int8 --card-notes docs/fer2013_card_notes.md; \
	cp "$$run/export/compact_cnn_int8.tflite" $(BUNDLED_DIR)/fer2013_compact_cnn_int8.tflite; \
	cp "$$run/export/MODEL_CARD.md" $(BUNDLED_DIR)/MODEL_CARD.md; \
	echo "bundled -> $(BUNDLED_DIR)/ (commit it with the card)"

# Two pytest-xdist workers keep the suite near its 20 minutes on 2 cores (docs/guide.md,
# Development). --dist worksteal: with the default scheduling all four learnability tests
# (3-5 min each) queued on one worker while the other sat idle for ten minutes (2026-12-02:
# 29+ min in total). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

test: $(VENV)/.installed-test
	$(MAKE) --no-print-directory detector
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
