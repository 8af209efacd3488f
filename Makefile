# The README's commands. `make demo` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo install test test-fast browser lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON))"; exit 2; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/devzone demo

# Debian's chromium drives the browser tests (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "安装 Debian chromium 用于浏览器测试…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

test: $(STAMP) browser
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/bench_mujun.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_project_import.py
	$(BIN)/python bench/bench_cockpit.py
	$(BIN)/python bench/bench_bulletin.py

clean:
	rm -rf $(VENV) var
