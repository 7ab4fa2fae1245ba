# Everything a new user or CI needs, from a fresh clone: `make demo`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test lint typecheck pytest demo fmt bench bench-all update-golden clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "netpoldiff needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lint: venv
	$(BIN)/ruff check netpoldiff tests bench
	$(BIN)/ruff format --check netpoldiff tests bench

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/python -m pytest --cov --cov-report=term -q

test: lint typecheck pytest

demo: venv
	@bash fixtures/demo/run-demo.sh $(BIN)/netpoldiff

fmt: venv
	$(BIN)/ruff check --fix netpoldiff tests bench
	$(BIN)/ruff format netpoldiff tests bench

bench: venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/diff.py

# Every size the targets name, 30 to 100,000 workloads, beside the peer up to 1,000.
bench-all: venv
	$(BIN)/python bench/diff.py --sizes 30,100,300,1000,10000,100000 --keep

update-golden: venv
	$(BIN)/python -m pytest tests/e2e/test_golden.py --update-golden -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .hypothesis
