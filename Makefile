# ParkReview: `make run` and `make test` work on a fresh Debian 12 machine as root or with sudo.
# They install what is missing (Debian packages, npm packages), build, and run.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Builds live outside the clone so that reruns (and other clones) reuse them; nothing relies on
# them being there.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/park-review-target
export CARGO_TERM_COLOR ?= never
CARGO_FEATURES := --features park-review-app/custom-protocol
APP := $(CARGO_TARGET_DIR)/debug/park-review-app
CLI := $(CARGO_TARGET_DIR)/debug/park-review

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The app needs WebKitGTK; the tests add a virtual display, the WebDriver, PDF and image tools,
# and a CJK font so that WebKit renders Chinese.
APT_BUILD := build-essential pkg-config libwebkit2gtk-4.1-dev librsvg2-dev fonts-noto-cjk
APT_TEST := xvfb xauth webkit2gtk-driver poppler-utils imagemagick python3-venv sqlite3
# pyHanko (a PDF signature validator nobody here wrote) lives in a virtualenv beside the builds.
export PYHANKO_VENV ?= $(HOME)/.cache/park-review-venv
export PYHANKO := $(PYHANKO_VENV)/bin/pyhanko

.PHONY: help run test deps deps-apt-build deps-apt-test deps-npm ui build lint test-rust bench-autosave bench-sheets \
        check-bindings bindings test-ui e2e package test-package bench-startup soak clean

help:
	@echo "make run      install what is missing, build, open the app"
	@echo "make test     install what is missing, run every check and test (incl. end-to-end)"
	@echo "make package  build a .deb with the Tauri bundler (the app and the command line)"
	@echo "make soak     the long harnesses: 200 random kills, 10 minutes of fuzzing per target"

# --- dependencies ----------------------------------------------------------------------------

define apt_install
	missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps-apt-build:
	@$(call apt_install,$(APT_BUILD))

deps-apt-test: deps-apt-build
	@$(call apt_install,$(APT_TEST))
	@if [ ! -x "$(PYHANKO)" ]; then \
	  echo "Installing pyHanko into $(PYHANKO_VENV)"; \
	  python3 -m venv "$(PYHANKO_VENV)"; \
	  "$(PYHANKO_VENV)/bin/pip" install -q --disable-pip-version-check "pyhanko==0.38.*" "pyhanko-cli==0.6.*"; \
	fi

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

deps-npm: ui/node_modules/.package-lock.json

deps: deps-apt-build deps-npm

# --- build -----------------------------------------------------------------------------------

ui: deps-npm
	cd ui && npm run build

build: deps ui
	cargo build --workspace $(CARGO_FEATURES)

run: build
	@echo "Database: $${PARK_REVIEW_DB:-$$HOME/.local/share/park-review/park-review.sqlite3}"
	$(APP)

# The .deb holds the app and the command line (/usr/bin/park-review, put beside the app by
# `bundle.linux.deb.files`), and depends on a CJK font so that the Chinese UI never shows boxes.
package: deps ui
	cargo build --release -p park-review-cli
	mkdir -p src-tauri/bundle-bin && cp $(CARGO_TARGET_DIR)/release/park-review src-tauri/bundle-bin/park-review
	ui/node_modules/.bin/tauri build --bundles deb
	@ls -l $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb

# Installed as a user installs it (issue 17): a .deb bundled from the debug build the end-to-end
# tests use (`tauri bundle`: the same packaging, without a second compilation), installed with dpkg as
# root, its command line run on a scratch database and the installed app started under Xvfb to
# its first screen; then removed again.
test-package: deps-apt-test ui
	cargo build -p park-review-app -p park-review-cli $(CARGO_FEATURES)
	mkdir -p src-tauri/bundle-bin && cp $(CLI) src-tauri/bundle-bin/park-review
	rm -f $(CARGO_TARGET_DIR)/debug/bundle/deb/*.deb
	ui/node_modules/.bin/tauri bundle --debug --bundles deb
	tests/package/install.sh $(CARGO_TARGET_DIR)/debug/bundle/deb/*.deb

# --- tests -----------------------------------------------------------------------------------

test: deps-apt-test deps-npm check-bindings lint test-ui ui test-rust e2e test-package
	@echo "make test: all checks passed"

lint: deps-apt-build
	cargo fmt --all --check
	cd ui && npm run typecheck

# The tests write ts-rs's bindings into a scratch folder, never over the committed ones: the UI
# was type-checked against the committed files, and check-bindings compares those.
test-rust: ui deps-apt-test
	cargo clippy --workspace --all-targets $(CARGO_FEATURES) -- -D warnings
	@scratch=$$(mktemp -d); \
	TS_RS_EXPORT_DIR=$$scratch cargo test --workspace $(CARGO_FEATURES); status=$$?; \
	rm -rf $$scratch; exit $$status

# Runs first in `make test`, before anything could regenerate the committed bindings: generate
# them into a scratch folder and fail if they differ from the committed ones (a stale file
# counts too).
check-bindings: ui deps-apt-test
	@scratch=$$(mktemp -d); \
	TS_RS_EXPORT_DIR=$$scratch cargo test --workspace $(CARGO_FEATURES) --quiet export_bindings >/dev/null; \
	if ! diff -ru ui/src/ipc/bindings $$scratch; then \
	  echo "The committed TypeScript bindings are stale: run 'make bindings' and commit ui/src/ipc/bindings."; \
	  rm -rf $$scratch; exit 1; \
	fi; rm -rf $$scratch; echo "bindings: up to date"

bindings:
	rm -rf ui/src/ipc/bindings
	cargo test --workspace $(CARGO_FEATURES) --quiet export_bindings >/dev/null

test-ui: deps-npm
	cd ui && npm test

# The end-to-end tests drive the real app binary under Xvfb; screenshots land in
# target/e2e-shots/.
e2e: deps-apt-test ui
	cargo build -p park-review-app -p park-review-cli $(CARGO_FEATURES)
	rm -rf target/e2e-shots
	PARK_REVIEW_APP=$(APP) xvfb-run -a -s "-screen 0 1920x1080x24" \
	  node --test --test-concurrency=1 tests/e2e/

clean:
	rm -rf ui/dist target/e2e-shots

# Autosave latency: the store alone (CLI) and the whole path from the workspace (release app).
bench-autosave: deps-apt-test ui
	cargo build --release -p park-review-app -p park-review-cli $(CARGO_FEATURES)
	$(CARGO_TARGET_DIR)/release/park-review bench autosave --n 1000
	PARK_REVIEW_APP=$(CARGO_TARGET_DIR)/release/park-review-app xvfb-run -a -s "-screen 0 1920x1080x24" \
	  node tests/e2e/bench-autosave.mjs

# Signed sheets: ParkReview against headless Chromium + pyHanko, in the same run.
bench-sheets: deps-apt-test
	@$(call apt_install,chromium)
	cargo build --release -p park-review-cli
	tests/bench/sheets-vs-chromium.sh 5

# The long forms of the harnesses (issue 15; not part of `make test`): 200 random SIGKILLs, and
# each fuzz target for 10 minutes from the bad-input catalogue (needs a nightly toolchain and
# cargo-fuzz; skipped with a note when they are missing).
soak: deps-apt-test ui
	PARK_REVIEW_KILLS=200 cargo test -p park-review-cli --test cli crash -- --nocapture
	@if cargo +nightly fuzz --version >/dev/null 2>&1; then \
	  cd fuzz && mkdir -p seeds/json seeds/xlsx && cp ../tests/bad-inputs/files/*.json ../assets/rubrics/*.json ../assets/checklists/*.json seeds/json/ && \
	  cp ../tests/bad-inputs/files/*.xlsx seeds/xlsx/ && \
	  for t in import_json:seeds/json import_xlsx:seeds/xlsx open_container:../tests/bad-inputs/files verify_pdf:../tests/hostile; do \
	    mkdir -p corpus/$${t%%:*} && \
	    cargo +nightly fuzz run $${t%%:*} corpus/$${t%%:*} $${t#*:} -- -max_total_time=600 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 || exit 1; \
	  done; \
	else echo "soak: no nightly cargo-fuzz here; fuzzing skipped (fuzz/README.md)"; fi

# Start-up and memory (PSS) of the release app, against a bare Tauri 2 window built the same way
# (tests/bench/bare-window) and the fixed UI stack's floor shown in it (ui/bench-floor), in the
# same run.
bench-startup: deps-apt-test ui
	cd ui && npx vite build --config bench-floor/vite.config.ts
	cargo build --release -p park-review-app -p park-review-cli -p bare-window $(CARGO_FEATURES) --features bare-window/custom-protocol
	PARK_REVIEW_APP=$(CARGO_TARGET_DIR)/release/park-review-app BARE_WINDOW_APP=$(CARGO_TARGET_DIR)/release/bare-window \
	  xvfb-run -a -s "-screen 0 1920x1080x24" node tests/e2e/bench-startup.mjs
