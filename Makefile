# One command to set up and try the product, one to run the tests.
#   make demo   set up .venv, index the sample documents/, answer a question
#   make chat   the same, then a terminal conversation (no Slack needed)
#   make test   set up .venv and run the whole test suite

VENV := .venv
PY := $(VENV)/bin/python
QUESTION ?= How did the Schools Forum vote on de-delegation?

.PHONY: setup demo chat test lint bench

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	# Export the embedding model to ONNX and quantise it once (13 s), not in the first ingest.
	$(PY) -c "from index.embedders import get_embedder; get_embedder()"
	touch $@

demo: setup
	$(PY) bot.py ingest documents/
	$(PY) bot.py ask "$(QUESTION)"

chat: setup
	$(PY) bot.py ingest documents/
	$(PY) bot.py chat

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(VENV)/bin/pip install --quiet -r requirements-bench.txt
	$(PY) bench/fit.py
	$(PY) bench/blind_eval.py
	$(PY) bench/retrieval.py
	$(PY) bench/answers.py
	$(PY) bench/scale.py
