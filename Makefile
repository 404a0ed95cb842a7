# EQPO workbench. `make help` lists the targets.
#
# Two commands do everything on a fresh Debian machine with Go installed:
#   make demo    train GRPO and EQPO on the embedded MedFair-7 suite, print the fairness table
#   make test    install what the tests need (idempotent), then run every check
#
# Conda users: `conda env create -f environment.yml && conda activate eqpo`,
# then the same targets (NO_APT=1 skips apt; chromium must then be on PATH).

SHELL      := /bin/bash
GO         ?= go
ROOT       := $(abspath .)
TOOLS      := $(ROOT)/.tools/bin
ECHARTS    := lib/report/assets/echarts.min.js
RUNS       ?= runs
SEEDS      ?= 1,2,3
WORKERS    ?= 2
APT_PKGS   := chromium fonts-dejavu-core jupyter-notebook jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client python3-nbformat
ORACLE_PKGS := python3-torch python3-sklearn python3-numpy
export PATH := $(TOOLS):$(PATH)
export GOMLX_BACKEND ?= go

.PHONY: help demo test check unit notebooks setup setup-apt setup-oracle setup-echarts setup-gonb bench fuzz tables figures ablations fixtures clean

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

demo: ## train GRPO and EQPO on MedFair-7 (3 seeds, 200 steps) and print the fairness table
	$(GO) run ./cmd/eqpo sweep -methods grpo,eqpo -seeds $(SEEDS) -steps 200 -out $(RUNS)/demo -workers $(WORKERS)
	$(GO) run ./cmd/eqpo table -runs $(RUNS)/demo -targets eqpo

test: setup check ## install test dependencies, then run every check (what CI runs)

check: unit notebooks ## every check, assuming `make setup` was done

unit: ## formatting, vet, the cgo-free build, go test (real data from ../shared/data when present)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test -count=1 -timeout 20m ./...

notebooks: ## execute every notebook headless with the GoNB kernel; fails on any cell error
	@mkdir -p $(RUNS)/notebooks
	@for nb in notebooks/[0-9]*.ipynb; do \
	  echo "== $$nb"; \
	  ( cd notebooks && timeout 900 jupyter nbconvert --to notebook --execute \
	      --ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.timeout=600 \
	      --output-dir $(ROOT)/$(RUNS)/notebooks $$(basename $$nb) ) || exit 1; \
	  /usr/bin/python3 notebooks/check_outputs.py $(RUNS)/notebooks/$$(basename $$nb) || exit 1; \
	done

setup: setup-apt setup-echarts setup-gonb ## everything the tests need (idempotent)

setup-apt: ## Debian packages: chromium (chart PNGs), jupyter + nbconvert (notebooks)
	@if [ -n "$(NO_APT)" ]; then echo "NO_APT set: skipping apt"; exit 0; fi; \
	missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "apt: all present"; exit 0; fi; \
	SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	echo "apt: installing$$missing"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing

setup-oracle: ## Debian's PyTorch and scikit-learn, only to regenerate the committed test fixtures
	@missing=""; for p in $(ORACLE_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; fi

setup-echarts: $(ECHARTS) ## ECharts 5.6.0 from npm for offline charts (not committed)

$(ECHARTS):
	@mkdir -p $(dir $@) .cache/npm
	cd .cache/npm && npm pack --silent echarts@5.6.0 >/dev/null && tar xzf echarts-5.6.0.tgz package/dist/echarts.min.js
	cp .cache/npm/package/dist/echarts.min.js $@

setup-gonb: $(TOOLS)/gonb $(TOOLS)/goimports $(TOOLS)/gopls ## GoNB v0.11.4, goimports, gopls v0.23.0 and the gonb kernel
	@test -f $(HOME)/.local/share/jupyter/kernels/gonb/kernel.json && grep -q '$(TOOLS)/gonb' $(HOME)/.local/share/jupyter/kernels/gonb/kernel.json \
	  || $(TOOLS)/gonb --install

# GoNB is built from notebooks/tools (the proxy refuses its version list, so
# `go install ...@v0.11.4` fails); goimports and gopls install by version.
$(TOOLS)/gonb: notebooks/tools/go.mod
	cd notebooks/tools && GOBIN=$(TOOLS) $(GO) install github.com/janpfeifer/gonb
$(TOOLS)/goimports:
	cd /tmp && GOBIN=$(TOOLS) $(GO) install golang.org/x/tools/cmd/goimports@v0.52.0
$(TOOLS)/gopls:
	cd /tmp && GOBIN=$(TOOLS) $(GO) install golang.org/x/tools/gopls@v0.23.0

bench: ## go benchmarks and the PyTorch peer (figures go to BENCHMARKS.md)
	$(GO) test -run XXX -bench . -benchmem ./lib/... | tee $(RUNS)/bench.txt
	/usr/bin/python3 experiments/torch_grpo_step.py | tee -a $(RUNS)/bench.txt

fuzz: ## each loader's fuzz target for 30 s
	for f in FuzzParseUCIHeart FuzzParsePADUFES20 FuzzParseHAM10000Metadata FuzzParseClimb FuzzParseCSV; do \
	  $(GO) test ./lib/data -run XXX -fuzz "^$$f$$" -fuzztime 30s || exit 1; done

tables: setup-echarts ## rerun every paper artefact from scratch (experiments/), tables + figures
	$(GO) run ./cmd/eqpo repro -suite experiments -workers $(WORKERS)

figures: setup-echarts ## redraw the figures from the committed runs' outputs
	$(GO) run ./cmd/eqpo repro -suite experiments -figures-only

ablations: setup-echarts ## rerun the ablations (ablations/)
	$(GO) run ./cmd/eqpo repro -suite ablations -workers $(WORKERS)

fixtures: setup-oracle ## regenerate the sklearn and PyTorch fixtures
	/usr/bin/python3 lib/fairness/testdata/make_fixtures.py
	/usr/bin/python3 lib/rl/testdata/make_loss_fixtures.py

clean:
	rm -rf bin $(RUNS)/notebooks
