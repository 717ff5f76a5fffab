# network-kb: `make run` sets everything up, indexes corpus/ and serves the app; `make test` checks it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: install run index docs test test-browser test-fault test-slow test-solr test-more test-deep test-all lint format bench bench-embedding bench-html eval eval-metadata clean screenshots

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

# The tiers: `make test` is the fast first one (pure, in-process and AppTest); browser, fault (real
# processes killed, racing, served), solr (a real SolrCloud: Java 17 and Maven) and slow tests run in
# their own targets, and .ci/run runs them all.
# Each tier writes its per-test durations to test-output/durations-TIER.xml (JUnit XML).
PYTEST := $(BIN)/python -m pytest -q --durations=5

# Every tier but solr runs on both cores (pytest-xdist): the browser, fault and slow tests wait for the
# processes they start much of the time, and each builds its own folders and ports, so two at a time are
# independent (their bounds hold on a machine loaded by the other: they are checked that way).
test: lint
	$(PYTEST) -n 2 -m "not slow and not browser and not fault and not solr" --junitxml=test-output/durations-fast.xml

# pytest exits 5 when a tier selects no test: that is not a failure.
test-browser: install
	$(PYTEST) -n 2 -m "browser and not slow and not solr" --junitxml=test-output/durations-browser.xml || [ $$? -eq 5 ]

test-fault: install
	$(PYTEST) -n 2 -m "fault and not slow and not browser and not solr" --junitxml=test-output/durations-fault.xml || [ $$? -eq 5 ]

test-slow: install
	$(PYTEST) -n 2 -m "slow and not solr" --junitxml=test-output/durations-slow.xml || [ $$? -eq 5 ]

# .ci/run: the browser, fault and slow tiers in one session on both cores (one collection, and the long
# tests of one tier overlap the short ones of the others: about 100 s less than one after the other).
test-more: install
	$(PYTEST) -n 2 --dist worksteal -m "(browser or fault or slow) and not solr" --junitxml=test-output/durations-more.xml || [ $$? -eq 5 ]

# Not in CI: the archive's state machine run for much longer (TEST_STATE_STEPS steps in each of its runs).
TEST_STATE_STEPS ?= 1000
test-deep: install
	TEST_STATE_STEPS=$(TEST_STATE_STEPS) $(PYTEST) -n 2 tests/test_archive_states.py -m slow --junitxml=test-output/durations-deep.xml

# ZooKeeper + 2 Solr 9.10 nodes from solr/launcher (built with Maven on first use), one cluster for the
# tier; skipped with a message without java/mvn, failing under CI.
test-solr: install
	$(PYTEST) -m solr --junitxml=test-output/durations-solr.xml || [ $$? -eq 5 ]

test-all: lint
	$(BIN)/python -m pytest -q

bench-embedding: install
	$(BIN)/python -m bench.embedding

# ENGINES: any of whoosh, solr, fts5 (`make bench ENGINES=whoosh,solr,fts5`: side by side in one run; solr is
# KB_SOLR_URL's SolrCloud, or ZooKeeper + 2 nodes started from tests/solrcloud.py: Java 17 and Maven)
ENGINES ?= whoosh,fts5
bench: install
	$(BIN)/python -m bench.run --engines $(ENGINES) --doc docs/benchmarks.md

# web-page text: ours, trafilatura's defaults and the combination shipped, on ../shared/data/html-de-dev and html/
bench-html: install
	$(BIN)/python -m bench.html_extraction --all

# ENGINE=solr: the same evaluations on Solr with meaning and by words, beside the Whoosh backend with the same
# vectors (issue 23), into docs/solr.md's relevance block (docs/meaning.md is not written)
ENGINE ?= whoosh
eval: install
	$(BIN)/python -m eval.run --engine $(ENGINE) --embed --doc docs/meaning.md

# derived titles, dates, kinds, languages and translation links on held-back halves, into docs/metadata.md
eval-metadata: install
	$(BIN)/python -m eval.metadata --write-doc

# the pages of docs/ that are written from the code and the tests
docs: install
	$(BIN)/python docs/reliability_page.py

# the docs' pictures of the main pages (system Chromium, seed corpus)
screenshots: install
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf var .pytest_cache
