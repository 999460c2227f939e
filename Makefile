# The book's two commands (see README): `make book` and `make test`.
# Each sets itself up: a virtual environment with requirements.txt and the helpers package,
# and Fashion-MNIST (Debian's package where apt is available, else torchvision's download).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/q*.py))
JB_FLAGS := --all -W -n --keep-going

.PHONY: all setup data chromium font book book-fa translations fa-notebooks test execute benchmarks performance glossary student sync clean

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

# The Persian edition: the same sources, the prose from locales/fa, right to left. Built in
# _build/fa/html and copied to _build/html/fa, where the English pages' links point.
FONT_DIR := .cache/vazirmatn
font: $(FONT_DIR)/Vazirmatn-Regular.woff2
$(FONT_DIR)/Vazirmatn-Regular.woff2:
	mkdir -p $(FONT_DIR)
	cd $(FONT_DIR) && npm pack --silent vazirmatn@33.0.3 >/dev/null \
	  && tar -xzf vazirmatn-33.0.3.tgz --strip-components=3 \
	     package/fonts/webfonts/Vazirmatn-Regular.woff2 package/fonts/webfonts/Vazirmatn-Bold.woff2 \
	  && tar -xzf vazirmatn-33.0.3.tgz --strip-components=1 package/OFL.txt

book-fa: data font
	$(BIN)/python tools/persian.py config
	$(BIN)/jupyter-book build . --config _build/fa/_config.yml --toc _build/fa/_toc.yml \
	  --path-output _build/fa $(JB_FLAGS)
	rm -rf _build/fa/html _build/html/fa && mkdir -p _build/html
	cp -r _build/fa/_build/html _build/fa/html && cp -r _build/fa/html _build/html/fa
	@echo "Persian edition built: _build/fa/html/index.html (and _build/html/fa/)"

# After editing the English prose: update the catalogs (changed messages become fuzzy), then
# translate in locales/fa/LC_MESSAGES/ and write the Persian notebooks.
translations: setup
	$(BIN)/python tools/persian.py catalogs
fa-notebooks: setup
	$(BIN)/python tools/persian.py notebooks

# All tests: unit tests of helpers and of the chapters' code (and the chapters' sources, the
# student edition, the translations), every notebook re-executed in fast mode (nbval), both
# editions built strictly, then every page of both in headless Chromium and every notebook
# run outside the repository (tests/book).
test: data chromium font
	$(BIN)/python -m pytest -q tests --ignore=tests/book
	$(BIN)/python -m pytest -q --nbval-lax --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg notebooks/q*.ipynb
	$(MAKE) --no-print-directory book book-fa
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
