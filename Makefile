# Patient Tracker: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export NEXT_TELEMETRY_DISABLED := 1
export GOTOOLCHAIN := local
# Tools we build or download are cached outside the repository so CI reuses them.
export PT_TOOLS_DIR ?= $(HOME)/.cache/patient-tracker
export PT_SHARED_DIR ?= $(abspath ../shared)

# The machine's PostgreSQL (trust auth on loopback); tests create their own databases in it.
export PT_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
# Azurite for tests listens on ports of its own so it never meets a `make run`.
export PT_TEST_AZURITE_BLOB_PORT ?= 10100
export PT_TEST_AZURITE_QUEUE_PORT ?= 10101

APP := .build/app
BIN := $(APP)/patient-tracker
DEVHOST := .build/devhost
GO_TEST_FLAGS ?= -race -shuffle=on -count=1 -timeout 20m

.PHONY: help
help:
	@echo "make run    - the whole app locally on http://localhost:7071 (DATA=folder to import)"
	@echo "make test   - every test (Go, web, infrastructure, vulnerability check)"
	@echo "make bench  - benchmarks with ratios against baselines measured in the same run"

## ---------------------------------------------------------------- prerequisites
.PHONY: db-up
db-up:
	@bash handler/devenv/ensure-postgres.sh

.PHONY: npm-deps
npm-deps: staticweb/node_modules/.package-lock.json

staticweb/node_modules/.package-lock.json: staticweb/package.json staticweb/package-lock.json
	cd staticweb && npm ci --no-audit --no-fund
	@touch $@

## ---------------------------------------------------------------- build
.PHONY: build
build: $(BIN) $(DEVHOST)

# The app root as the Functions host sees it: host.json, one folder per function, the binary.
.PHONY: app
app:
	@mkdir -p $(APP)
	CGO_ENABLED=0 go build -trimpath -o $(BIN) ./handler
	@rm -rf $(APP)/functions-tmp && cp host.json $(APP)/host.json
	@find $(APP) -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	@cp -r functions/. $(APP)/

$(BIN): app

$(DEVHOST): FORCE
	go build -o $(DEVHOST) ./handler/devhost

.PHONY: FORCE
FORCE:

## ---------------------------------------------------------------- run
.PHONY: run
run: db-up npm-deps app $(DEVHOST) web-build
	@bash handler/devenv/run.sh

## ---------------------------------------------------------------- test
.PHONY: test
test: db-up npm-deps test-go test-web test-infra vulncheck
	@echo "make test: all suites passed"

.PHONY: test-go
test-go: app $(DEVHOST)
	@bash handler/devenv/with-azurite.sh go test $(GO_TEST_FLAGS) ./...

.PHONY: test-web
test-web:
	@echo "test-web: no web tests yet"

.PHONY: web-build
web-build:
	@echo "web-build: no web UI yet"

.PHONY: test-infra
test-infra:
	@echo "test-infra: no infrastructure checks yet"

.PHONY: vulncheck
vulncheck:
	@bash handler/devenv/vulncheck.sh

## ---------------------------------------------------------------- bench
.PHONY: bench
bench: db-up app
	@echo "bench: not yet"
