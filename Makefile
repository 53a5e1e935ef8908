# kg — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
STORE  := out/demo-store

.PHONY: setup demo test test-fast lint constraints bench clean browser virtuoso

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	rm -rf $(STORE) out/seed.ttl
	$(BIN)/kg --store $(STORE) ingest examples/dw-japan-nato/facts.yaml --text examples/dw-japan-nato/article.txt
	$(BIN)/kg --store $(STORE) link --offline
	$(BIN)/kg --store $(STORE) validate
	$(BIN)/kg --store $(STORE) stats
	$(BIN)/kg --store $(STORE) query meetings --param actor=Q57792
	$(BIN)/kg --store $(STORE) query statements --param actor=Q57792
	$(BIN)/kg --store $(STORE) query who-met-whom
	$(BIN)/kg --store $(STORE) enrich --offline
	$(BIN)/kg --store $(STORE) query heads-of-government-meetings --param org=Q1764511
	$(BIN)/kg --store $(STORE) export -o out/seed.ttl
	@echo "--- the analyst's views: self-contained HTML reports, and screenshots of the served pages"
	$(BIN)/kg --store $(STORE) report --actor Q57792 -o out/report-rutte.html
	$(BIN)/kg --store $(STORE) report --article https://p.dw.com/p/4swRJ -o out/report-article.html
	$(BIN)/python scripts/screenshots.py --store $(STORE) --out out
	$(BIN)/python scripts/screenshots_review.py --store $(STORE) --article examples/dw-japan-nato/article.txt --out out
	@echo "--- the same article from its raw text: extract, link, map, validate, store in one step"
	rm -rf out/demo-extracted
	$(BIN)/kg extract examples/dw-japan-nato/article.txt -o out/seed-extracted.yaml
	$(BIN)/kg --store out/demo-extracted ingest examples/dw-japan-nato/article.txt
	$(BIN)/kg --store out/demo-extracted query meetings --param actor=Q57792
	@echo "demo: wrote out/seed.ttl (curated sheet) and out/seed-extracted.yaml (extracted from the text)"

# The whole suite: lint, every test (the slow ones too: the wheel built and installed into a
# fresh venv, the benchmark smoke run, the servers (Oxigraph and Virtuoso), the browser page).
test: setup browser virtuoso lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The quick loop while working: unit tests without browser, servers, benchmarks or the wheel.
test-fast: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow and not browser and not server and not live"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Pin the versions of the current .venv (after changing dependencies in pyproject.toml).
constraints: setup
	( echo "# Versions kg-news is tested with (make setup installs with -c constraints.txt for reproducible installs)."; \
	  echo "# Regenerate after changing dependencies: make constraints"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^kg' ) > constraints.txt

# headless Chromium for the query-page test (Debian packages; only as root and only when missing)
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium + chromium-driver for the query-page test"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null \
	  || echo "could not install chromium; the query-page test will be skipped"; \
	fi

# Virtuoso 7, the second triple-store server of tests/test_remote_store.py (Debian; only as root
# and only when missing). Only the server binary (virtuoso-opensource-7-bin): the full
# virtuoso-opensource package's postinst would start a system service on ports 1111/8890 and ask
# for a dba password; the tests start their own server on free ports with a temporary database.
virtuoso:
	@if ! command -v virtuoso-t >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing virtuoso-opensource-7-bin for the remote-store tests"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null \
	  || echo "could not install Virtuoso; its remote-store tests will be skipped"; \
	fi

# Benchmark at 10,000 synthetic articles (about 40 minutes, most of it the rdflib baseline;
# figures in benchmarks/README.md).
# Smaller: make bench BENCH_ARGS="--articles 1000"; the 1k/10k/100k cost-growth runs (100000: no rdflib
# runs, --step-timeout): the commands at the top of the issue-14 section of benchmarks/README.md
bench: setup
	$(BIN)/python -m benchmarks.run --articles 10000 --jobs 2 $(BENCH_ARGS)

clean:
	rm -rf out .kg $(VENV) *.egg-info
