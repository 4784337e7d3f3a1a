VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup test test-fast check bench
setup:
	bash scripts/setup.sh

test:
	$(PY) -m pytest

# No model, no browser: the quick loop while editing (under a minute on 2 cores).
test-fast:
	$(PY) -m pytest -m "not model and not browser"

check:
	$(VENV)/bin/ruff format --check diagramgen tests bench
	$(VENV)/bin/ruff check diagramgen tests bench
	$(VENV)/bin/mypy diagramgen

# Regenerates every table in docs/BENCHMARKS.md (needs data/sft: diagramgen data sft ...).
bench:
	$(PY) bench/bench_render.py --write-docs
	$(PY) bench/bench_limits.py --write-docs
	$(PY) bench/bench_readability.py --write-docs
	$(PY) bench/bench_graphviz.py --write-docs  # needs Debian's graphviz
	$(PY) bench/bench_generate.py --write-docs
	$(PY) bench/bench_eval.py --write-docs
	$(PY) bench/bench_personalization.py --write-docs
