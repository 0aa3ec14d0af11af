# The two commands of the README:
#   make run    install the app's dependencies and start it (builds the demo warehouse on first start)
#   make test   install what the tests need (Python packages, Debian's Chromium) and run every test
# Both use a private virtual environment in .venv, so nothing is installed into the system Python.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test venv

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(PY)

# Without sign-in everyone using the server is its admin, so it listens on this machine only; with sign-in
# configured (.streamlit/secrets.toml) it serves the network. `make run ADDRESS=...` overrides either.
ADDRESS ?= $(shell [ -f .streamlit/secrets.toml ] && echo 0.0.0.0 || echo 127.0.0.1)

run: $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@[ -f .streamlit/secrets.toml ] || echo "Sway: no sign-in configured, so everyone using this server is its admin; it serves only this machine ($(ADDRESS)). To serve a team, configure sign-in (README: Sign-in, workspaces and operations)." >&2
	$(PY) -m streamlit run app.py --server.address $(ADDRESS)

test: $(PY)
	$(PY) -m pip install --quiet -r requirements-test.txt
	@# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is not used).
	command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@# The Spark engine's test runs Spark in local mode, which needs Java 17 or later.
	command -v java >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q openjdk-17-jre-headless; }
	$(PY) -m ruff check .
	@# One worker per core, each test file on one worker (its module fixtures are built once); the slowest listed.
	$(PY) -m pytest -n auto --dist loadfile --durations=20
