# network-kb: `make run` sets everything up, indexes corpus/ and serves the app; `make test` checks it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: install run index test test-slow test-all lint format bench eval clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

index: install
	$(BIN)/kb ingest

run: index
	$(BIN)/kb serve --port $(PORT)

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest -m "not slow" -q

test-slow: install
	$(BIN)/pytest -m slow -q

test-all: lint
	$(BIN)/pytest -q

bench: install
	$(BIN)/python -m bench.run

eval: install
	$(BIN)/python -m eval.run

clean:
	rm -rf var .pytest_cache
