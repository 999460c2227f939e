# The book's two commands (see README): `make book` and `make test`.
# Each sets itself up: a virtual environment with requirements.txt and the helpers package,
# and Fashion-MNIST (Debian's package where apt is available, else torchvision's download).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/q*.py))
JB_FLAGS := --all -W -n --keep-going

.PHONY: all setup data chromium book test execute benchmarks performance glossary student sync clean

all: book

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

setup: $(STAMP)

# Fashion-MNIST: Debian's dataset-fashion-mnist when apt is there, then verify (helpers.data).
data: setup
	@if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null \
	  || echo "apt could not install dataset-fashion-mnist; falling back to torchvision's download"; \
	fi
	$(BIN)/python -m helpers

# Debian's Chromium for the browser test (no browser download: Playwright drives this one).
# (DLBOOK_CHROMIUM points the test at another Chromium-based browser instead.)
chromium:
	@if [ -z "$$DLBOOK_CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null \
	  || echo "apt could not install chromium: the browser test will say so"; \
	fi

# The HTML book from the stored outputs (execution is off in _config.yml), warnings as errors.
book: data
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Book built: _build/html/index.html"

# All tests: unit tests of helpers and of the chapters' code, the Jupytext pairs in sync,
# every notebook re-executed in fast mode (nbval), the strict book build, then the built book
# in headless Chromium and every notebook run outside the repository (tests/book).
test: data chromium
	$(BIN)/python -m pytest -q tests --ignore=tests/book
	$(BIN)/python -m pytest -q --nbval-lax --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg notebooks
	$(MAKE) --no-print-directory book
	$(BIN)/python -m pytest -q tests/book

# Re-execute every notebook in full mode and store the outputs (the .py is the source);
# record full- and fast-mode times for the performance page.
execute: data
	$(BIN)/python tools/execute.py --fast-timing $(NOTEBOOKS)
	$(BIN)/python tools/performance_page.py

# The speed measurements shown on the performance page (this machine, one run each).
benchmarks: data
	$(BIN)/python benchmarks/pipeline.py --json book/pipeline.json
	$(BIN)/python benchmarks/throughput.py --json book/throughput.json
	$(BIN)/python tools/performance_page.py

# After editing a .py: update its .ipynb twin (keeps the stored outputs of unchanged cells).
sync: setup
	$(BIN)/jupytext --sync $(NOTEBOOKS)

clean:
	rm -rf _build

# Regenerate book/performance.md from the recorded measurements.
performance: setup
	$(BIN)/python tools/performance_page.py

# Regenerate book/glossary.md (its "Chapters" column comes from the chapters' prose).
glossary: setup
	$(BIN)/python tools/glossary_page.py

# The student edition: every chapter without its exercises' solutions, and the autograder
# (otter-grader) an instructor needs, in _build/student/ (see tools/student.py).
student: setup
	$(BIN)/python tools/student.py
