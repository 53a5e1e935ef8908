# kg — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
STORE  := out/demo-store

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf $(STORE) out/seed.ttl
	$(BIN)/kg --store $(STORE) ingest examples/dw-japan-nato/facts.yaml
	$(BIN)/kg --store $(STORE) link --offline
	$(BIN)/kg --store $(STORE) validate
	$(BIN)/kg --store $(STORE) stats
	$(BIN)/kg --store $(STORE) query meetings --param actor=Q57792
	$(BIN)/kg --store $(STORE) query statements --param actor=Q57792
	$(BIN)/kg --store $(STORE) query who-met-whom
	$(BIN)/kg --store $(STORE) enrich --offline
	$(BIN)/kg --store $(STORE) query heads-of-government-meetings --param org=Q1764511
	$(BIN)/kg --store $(STORE) export -o out/seed.ttl
	@echo "demo: wrote out/seed.ttl"

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf out .kg $(VENV) *.egg-info
