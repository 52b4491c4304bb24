# make demo — set everything up and build the sample county's packet
# make test — set everything up and run the tests
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE := samples/示范县

.PHONY: setup system demo test bench sample clean

setup: system $(STAMP)

system:
	@bash scripts/install-system.sh

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

sample: setup
	$(PY) samples/make_sample.py

# The sample is committed; `make sample` regenerates it (needs LibreOffice).
demo: setup
	$(BIN)/dossier catalog
	$(BIN)/dossier catalog show 2.1.3
	$(BIN)/dossier index $(SAMPLE) || [ $$? -eq 1 ]
	$(BIN)/dossier check $(SAMPLE) || [ $$? -eq 1 ]
	$(BIN)/dossier build $(SAMPLE)
	$(BIN)/dossier verify $(SAMPLE)
	@echo "申报材料已生成：$(SAMPLE)/输出/"

test: setup
	$(BIN)/pytest

bench: setup
	@DOSSIER_BENCH=1 bash scripts/install-system.sh
	$(PY) bench/run.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) $(SAMPLE)/输出 bench/out
