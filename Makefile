# Selvhjelpshuset — `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BIN      := bin/selvhjelpshus
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
GOVULNDB ?= $(abspath ../shared/govulndb/osv)
# A local database when none is configured: the machine's PostgreSQL on 127.0.0.1:5432, or a
# project-private cluster under .data/ (see internal/postgres/localdb).
LOCALDB   = go run ./cmd/selvhjelpshus localdb

.PHONY: help run test lint generate build docker tools bench backup restore test-faults fuzz

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: build ## Start the app on http://127.0.0.1:8080 with a local database and demo data
	@set -e; mkdir -p .data; \
	if [ -z "$$SECRET_KEY" ] && [ ! -s .data/secret-key ]; then head -c 32 /dev/urandom | base64 > .data/secret-key; fi; \
	export SECRET_KEY="$${SECRET_KEY:-$$(cat .data/secret-key)}"; \
	export DATABASE_URL="$${DATABASE_URL:-$$($(BIN) localdb --name selvhjelpshus)}"; \
	$(BIN) seed --demo --if-empty; \
	exec $(BIN) serve

test: generate ## Run every test (unit, database, HTTP, browser and HTML validity) against a real PostgreSQL
	@.ci/ensure-chromium
	@.ci/ensure-vnu >/dev/null
	@set -e; export TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$$($(LOCALDB) --name selvhjelpshus_test)}"; \
	go test -count=1 -timeout 30m ./...

test-faults: ## Fault tests: the real binary on a private PostgreSQL (restart, SIGKILL, SMTP down, two instances)
	go test -tags faults -count=1 -v -timeout 5m ./internal/faults

fuzz: ## Run every Go fuzz target for FUZZTIME each (default 5s); no database needed
	.ci/fuzz

lint: ## gofmt, go vet, staticcheck, gosec, stale templ code, govulncheck
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>&1); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	go tool staticcheck ./...
	go tool gosec -quiet ./...
	@go tool templ generate >/dev/null 2>&1; \
	if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
		echo "generated templ code is stale: run 'make generate' and commit"; git status --short -- '*_templ.go'; exit 1; fi
	@if [ -d "$(GOVULNDB)" ]; then go tool govulncheck -db file://$(GOVULNDB) ./...; \
	else echo "govulncheck: no offline database at $(GOVULNDB), skipped"; fi

backup: build ## Write the database (DATABASE_URL, else the local one) to .data/backups/ with pg_dump; OUT=file to choose
	@set -e; export DATABASE_URL="$${DATABASE_URL:-$$($(BIN) localdb --name selvhjelpshus)}"; \
	$(BIN) backup $(if $(OUT),--out "$(OUT)")

restore: build ## Load FILE=… into an empty database (DATABASE_URL, else a new local selvhjelpshus_restore)
	@set -e; if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=.data/backups/….dump [DATABASE_URL=…]"; exit 2; fi; \
	export DATABASE_URL="$${DATABASE_URL:-$$($(BIN) localdb --name selvhjelpshus_restore)}"; \
	$(BIN) restore "$(FILE)"; \
	echo "start the app on it with: DATABASE_URL='$$DATABASE_URL' make run"

# Where make bench keeps its Go benchmark output and the servers' logs.
BENCHDIR := .data/bench
REFDIR   ?= ../shared/bench/reference

bench: build ## Go benchmarks, then our app against the reference server on the large data set; writes BENCHMARKS.md
	@set -e; mkdir -p $(BENCHDIR); \
	if [ -z "$$SECRET_KEY" ] && [ ! -s .data/secret-key ]; then head -c 32 /dev/urandom | base64 > .data/secret-key; fi; \
	export SECRET_KEY="$${SECRET_KEY:-$$(cat .data/secret-key)}"; \
	export TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$$($(BIN) localdb --name selvhjelpshus_test)}"; \
	go test -run '^$$' -bench . -benchtime 20x -benchmem ./web/pages ./internal/matching ./internal/server | tee $(BENCHDIR)/go.txt; \
	go test -run '^$$' -bench 'Recurrence' -benchmem ./internal/rooms | tee -a $(BENCHDIR)/go.txt; \
	go test -run '^$$' -bench 'Build' -benchtime 5x -benchmem ./internal/report | tee -a $(BENCHDIR)/go.txt; \
	go test -run '^$$' -bench 'Book$$' -benchtime 300x -count 2 ./internal/rooms | tee -a $(BENCHDIR)/go.txt; \
	db="$$($(BIN) localdb --name selvhjelpshus_bench)"; refdb="$$($(BIN) localdb --name selvhjelpshus_benchref)"; \
	DATABASE_URL="$$db" $(BIN) migrate up; \
	DATABASE_URL="$$db" $(BIN) seed --large --if-empty; \
	go run ./cmd/loadbench -app $(BIN) -ref $(REFDIR) -db "$$db" -refdb "$$refdb" -logs $(BENCHDIR) -gobench $(BENCHDIR)/go.txt $(BENCHFLAGS)

generate: ## Generate Go code from the templ files
	@go tool templ generate >/dev/null 2>&1 || go tool templ generate

build: generate ## Build the binary into bin/
	CGO_ENABLED=0 go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/selvhjelpshus

docker: ## Build the container image selvhjelpshus:$(VERSION)
	docker build --build-arg VERSION=$(VERSION) -t selvhjelpshus:$(VERSION) .
