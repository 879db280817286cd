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
	@find $(APP) -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	@cp host.json $(APP)/host.json && cp -r functions/. $(APP)/

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
test: db-up npm-deps test-go test-web test-e2e test-infra vulncheck
	@echo "make test: all suites passed"

.PHONY: test-go
test-go: app $(DEVHOST)
	@bash handler/devenv/with-azurite.sh go test $(GO_TEST_FLAGS) ./handler/...

.PHONY: test-web
test-web: npm-deps
	cd staticweb && npm run typecheck && npm run lint && npm test && npm run build

# End-to-end tests of the UI in Debian's chromium against a running app at PT_E2E_BASE_URL
# (the specs skip, loudly, without it). Installs chromium when missing and we are root.
.PHONY: test-web-e2e
test-web-e2e: npm-deps
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "test-web-e2e: chromium is missing; run as root: apt-get install -y chromium"; \
	    exit 1; fi; \
	fi
	cd staticweb && npm run e2e

# The browser tests against the whole app started as `make run` starts it (run.sh --e2e:
# a fresh database, an in-memory Azurite and ports of its own), after test-web's export.
.PHONY: test-e2e
test-e2e: app $(DEVHOST) test-web
	@bash handler/devenv/run.sh --e2e $(MAKE) --no-print-directory test-web-e2e

.PHONY: web-build
web-build: npm-deps
	cd staticweb && npm run build

# Offline validation of terraform/ and .github/, the deployment package and the mutation
# suite (.ci/infra/test-infra.sh). Builds OpenTofu and azurerm once into $(PT_TOOLS_DIR).
.PHONY: test-infra
test-infra:
	@bash .ci/infra/test-infra.sh

.PHONY: vulncheck
vulncheck:
	@bash handler/devenv/vulncheck.sh

## ---------------------------------------------------------------- bench
.PHONY: bench
# Each figure is printed next to a baseline measured in the same run; see README.md.
bench: db-up npm-deps app
	@echo "== core: GET by id, search shapes at 1,000,000 patients, start-up"
	go run ./handler/cmd/bench core
	@echo "== analytics: VisitTrends rollup over 10,000,000 visits"
	go run ./handler/cmd/benchrollup
	@echo "== documents: processing per kind next to read + sniff + hash"
	go test -run '^$$' -bench . -benchtime 3x ./handler/extract/
	bash handler/devenv/with-azurite.sh go test -run '^$$' -bench ProcessDocument \
	  -benchtime 3x ./handler/jobs/
	@echo "== imports: 100,000 patients and 1,000,000 visits next to a plain COPY"
	go test -run '^$$' -bench ImportVsCopy -benchtime 1x -timeout 60m ./handler/importer/

## ---------------------------------------------------------------- package and infrastructure
# The Functions deployment package: .build/package/ and .build/patient-tracker.zip
# (linux/amd64 binary with mode 0755, host.json, one folder per function).
.PHONY: package
package:
	@bash .ci/infra/package.sh

# Operator and workflow entry points (see terraform/README.md). ENV=dev|prod|preview,
# LAYER=base|ephemeral, PR=<number> for previews; they need TFSTATE_ACCOUNT and an Azure login.
ENV ?= dev
LAYER ?= $(if $(filter preview,$(ENV)),ephemeral,base)
PR ?=

.PHONY: infra-tools infra-bootstrap infra-plan infra-apply infra-destroy infra-output
infra-tools:
	@bash .ci/infra/tools.sh all

infra-bootstrap:
	@bash .ci/infra/bootstrap-state.sh

infra-plan infra-apply infra-destroy infra-output:
	@bash .ci/infra/tofu.sh $(patsubst infra-%,%,$@) $(ENV) $(LAYER) $(PR)

.PHONY: infra-db-start infra-db-stop infra-db-role
infra-db-start infra-db-stop infra-db-role:
	@bash .ci/infra/db.sh $(patsubst infra-db-%,%,$@) $(ENV) $(PR)

.PHONY: infra-deploy-app infra-eventgrid infra-smoke infra-release-good infra-rollback
.PHONY: infra-swa-token
infra-deploy-app:
	@bash .ci/infra/app.sh deploy $(ENV) $(PR)

infra-release-good:
	@bash .ci/infra/app.sh good $(ENV) $(PR)

infra-eventgrid infra-smoke infra-rollback infra-swa-token:
	@bash .ci/infra/app.sh $(patsubst infra-%,%,$@) $(ENV) $(PR)

.PHONY: infra-cleanup
infra-cleanup:
	@bash .ci/infra/cleanup.sh $(or $(MODE),all)
