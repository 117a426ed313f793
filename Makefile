# Candor build and test entry points. See README.md.
#
#   make        build the CLI, the wasm core and both extensions, then scan the demo pages
#   make test   the whole test suite (what CI runs)
#
# Every target installs what it needs, idempotently, so both commands work on a fresh machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

WASM_TARGET := wasm32-unknown-unknown
# wasm-bindgen-cli must match the wasm-bindgen crate exactly: the glue and the module are
# generated together. The version comes from Cargo.lock, the single source of truth.
WBG_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
WASM_RAW := target/$(WASM_TARGET)/release/candor.wasm
PKG := build/pkg
CLI := target/release/candor
RUST_SOURCES := $(shell find crate/src crate/packs vendor -type f) crate/build.rs crate/Cargo.toml Cargo.toml Cargo.lock
EXT_SOURCES := $(shell find extension -type f 2>/dev/null) manifest.json tools/build-extension.mjs \
               tools/site-hosts.mjs $(wildcard crate/packs/sites/*.json)

.PHONY: all build cli wasm extension demo docs test test-rust test-wasm test-e2e test-firefox lint-firefox \
        setup setup-rust setup-node setup-browser setup-firefox clean bench

all: build demo

build: cli extension

# ---------------------------------------------------------------------------- set-up

setup: setup-rust setup-node

setup-rust:
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WBG_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WBG_VERSION) (takes a few minutes once)"; \
	  cargo install wasm-bindgen-cli --version $(WBG_VERSION) --force; \
	fi

# npm ci only when package-lock.json changed since the last install.
setup-node: node_modules/.candor-stamp
node_modules/.candor-stamp: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

# Debian's Chromium and ChromeDriver (the browser tests never download a browser) and minisign
# (signatures made by the reference tool must verify, and ours must verify with it).
setup-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v minisign >/dev/null; then \
	  echo "installing Debian chromium, chromium-driver and minisign"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver minisign >/dev/null; \
	fi

# Debian's firefox-esr and geckodriver (from crates.io, exact version) for the Firefox end-to-end
# tests (docs/firefox.md).
GECKODRIVER_VERSION := 0.37.1
setup-firefox:
	@if ! command -v firefox-esr >/dev/null; then \
	  echo "installing Debian firefox-esr"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; \
	fi
	@if [ "$$(geckodriver --version 2>/dev/null | awk 'NR==1{print $$2}')" != "$(GECKODRIVER_VERSION)" ]; then \
	  echo "installing geckodriver $(GECKODRIVER_VERSION) (takes a few minutes once)"; \
	  cargo install geckodriver --version $(GECKODRIVER_VERSION) --locked --force; \
	fi

# ---------------------------------------------------------------------------- build

cli: $(CLI)
$(CLI): $(RUST_SOURCES)
	cargo build --release --bin candor

wasm: $(PKG)/candor_bg.wasm
$(PKG)/candor_bg.wasm: $(RUST_SOURCES) | setup
	cargo build --release --lib --target $(WASM_TARGET) --no-default-features
	rm -rf $(PKG) && mkdir -p $(PKG)
	wasm-bindgen --target web --out-dir $(PKG) --out-name candor $(WASM_RAW)
	# npm binaryen, not Debian's (its wasm-opt 108 breaks wasm-bindgen output: tech-anchors §0.7).
	# -Oz, not -Os: 12 KB smaller, no measurable speed difference (docs/performance.md, "Wasm size").
	wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
	  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
	  $(PKG)/candor_bg.wasm -o $(PKG)/candor_bg.wasm
	@echo "wasm: $$(stat -c %s $(PKG)/candor_bg.wasm) bytes, $$(gzip -9c $(PKG)/candor_bg.wasm | wc -c) gzipped"

extension: dist/chrome/manifest.json
dist/chrome/manifest.json: $(PKG)/candor_bg.wasm $(EXT_SOURCES) | setup-node
	node tools/build-extension.mjs

demo: $(CLI)
	$(CLI) scan examples/*

# ---------------------------------------------------------------------------- test

test: setup setup-browser setup-firefox extension
	$(MAKE) --no-print-directory test-rust test-wasm test-e2e test-firefox lint-firefox
	@echo "make test: all suites passed"

test-rust:
	cargo test --workspace

test-wasm: $(PKG)/candor_bg.wasm
	node --test tests/wasm/

test-e2e: extension setup-browser
	node --test --test-concurrency=1 tests/e2e/

# The Firefox tests talk WebDriver BiDi over Node's WebSocket: global from Node 22, behind a flag in 20.
NODE_WEBSOCKET_FLAG = $(shell node -e 'process.exit(typeof WebSocket === "function" ? 1 : 0)' && echo --experimental-websocket)
test-firefox: extension setup-firefox
	node $(NODE_WEBSOCKET_FLAG) --test --test-concurrency=1 tests/firefox/

lint-firefox: extension
	web-ext lint --source-dir dist/firefox --self-hosted --warnings-as-errors

# Regenerates the rule catalogue in docs/signals.md from the compiled-in packs.
docs: $(CLI)
	node tools/update-catalogue.mjs $(CLI)

# ---------------------------------------------------------------------------- bench

# Performance measurements and budgets (issue #7; docs/performance.md): one table on stdout, raw
# results in build/bench/. Not part of `make test`. Builds the native bench example, the same
# example as a wasm module (parse/extract/rules split inside wasm), the shipped wasm and the
# extension. BENCH_ARGS=--quick for fewer runs, --no-browser to skip Chromium.
BENCH_WASM := target/$(WASM_TARGET)/release/examples/bench.wasm
bench: extension setup-browser
	cargo build --release -p candor --example bench
	cargo build --release -p candor --example bench --target $(WASM_TARGET) --no-default-features
	rm -rf build/bench/wasm && mkdir -p build/bench/wasm
	wasm-bindgen --target web --out-dir build/bench/wasm --out-name bench $(BENCH_WASM)
	wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
	  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
	  build/bench/wasm/bench_bg.wasm -o build/bench/wasm/bench_bg.wasm
	node tools/bench/run.mjs $(BENCH_ARGS)
	node tools/bench/redos.mjs $(BENCH_ARGS)

clean:
	rm -rf build dist target/$(WASM_TARGET)
