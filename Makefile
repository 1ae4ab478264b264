# Every target runs with the pinned Node.js 24 and the cached tools first on PATH.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ENV := source scripts/env.sh &&

.PHONY: setup node-modules tools build lint format typecheck test test-unit test-integration test-e2e \
        cluster dev demo bench clean

## setup: install Node.js 24, PostgreSQL, npm packages and the Go-built test tools
setup: node-modules tools

node-modules:
	bash scripts/setup-node.sh
	bash scripts/setup-postgres.sh
	$(ENV) if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then npm ci --no-audit --no-fund; fi

tools:
	bash scripts/setup-tools.sh

## build: compile the TypeScript sources into dist/
build: node-modules
	$(ENV) npm run build

## lint: ESLint, the Prettier check and the type check
lint: node-modules
	$(ENV) npm run lint && npm run typecheck

format: node-modules
	$(ENV) npm run format

## test: every test group (unit, integration, e2e); starts PostgreSQL and the control plane
test: setup build
	$(ENV) npm test

## test-unit: the unit tests alone, no external process
test-unit: node-modules
	$(ENV) npm run test:unit

test-integration: setup build
	$(ENV) npm run test:integration

test-e2e: setup build
	$(ENV) npm run test:e2e

## cluster: start the local control plane and PostgreSQL for use by hand; Ctrl-C stops them
cluster: setup
	$(ENV) node test/harness/cluster-cli.ts

## dev: run the planner server against a private PostgreSQL
dev: setup build
	$(ENV) node scripts/dev-server.ts

## demo: the whole system end to end on loopback; KEEP=1 leaves it running
demo: setup build
	$(ENV) node scripts/demo.ts

## bench: the benchmarks recorded in docs/benchmarks.md
bench: setup build
	$(ENV) node bench/run.ts

## clean: remove build output and the cache (Node.js and the Go-built tools)
clean:
	rm -rf dist coverage .cache
