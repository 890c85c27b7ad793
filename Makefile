# The two README commands: `make demo` (install, build, evaluate a seed policy with its
# explanation) and `make test` (install, build, run the whole test suite through ctest).
# Reliability: `make sanitize`, `make fuzz-smoke`, `make fuzz`, `make lint`, `make format`,
# `make nojit` (scripts/ci-*.sh and scripts/lint.sh; each uses its own build directory).
# Editors: `make vscode-test` (the grammar tests) and `make vscode` (the .vsix), editors/vscode;
# `make screenshot` (not in CI) the VS Code screenshot of docs/EDITORS.md.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps configure build demo test goldens bench bench-e2e bench-lsp load clean sanitize fuzz fuzz-smoke lint format format-check soak nojit \
  vscode-deps vscode-test vscode screenshot

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/proviso eval policies/qlik/oem_maintenance.policy \
	  --input policies/qlik/examples/basic_london_christmas_eve.json --explain

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Rewrites every golden file, and the printed diagnostics of docs/DIAGNOSTICS.md, from the
# current output; review the diff before committing.
goldens: build
	PROVISO_UPDATE_GOLDENS=1 $(BUILD)/bin/proviso-golden tests/golden
	PROVISO=$(BUILD)/bin/proviso python3 scripts/diagnostics-docs.py

# Speed figures (bench/README.md): the JIT against a hand-written baseline and the interpreter,
# `proviso bench` on the two workloads of bench/README.md with both engines, the runtime's calendars,
# the embedding API and `proviso eval` end to end (bench/e2e.py).
bench: build
	$(BUILD)/bin/proviso-bench-jit
	for engine in jit interp; do \
	  $(BUILD)/bin/proviso bench policies/bench/triage.policy --input policies/bench/triage.ndjson --engine $$engine --json; \
	  $(BUILD)/bin/proviso bench policies/qlik/oem_maintenance.policy --input policies/qlik/deadlines.ndjson --engine $$engine --json; \
	done
	$(BUILD)/bin/proviso-bench-runtime
	$(BUILD)/bin/proviso-bench-api
	/usr/bin/python3 bench/e2e.py --build $(BUILD)

# `proviso eval` end to end on generated records (bench/README.md): against a hand-written
# triage program and a simdjson parse floor, with --jobs 1, 2 and the default, and the interpreter.
bench-e2e: build
	/usr/bin/python3 bench/e2e.py --build $(BUILD)

# How long `proviso lsp` takes to re-check each shipped policy after an edit (docs/EDITORS.md).
bench-lsp: build
	/usr/bin/python3 bench/lsp_bench.py --build $(BUILD)

# Load test of `proviso serve` (not in CI): wrk on the triage and Qlik OEM policies with 10%
# malformed requests, LOAD_SECONDS (default 600) of single requests, then NDJSON batches checked
# line by line against `proviso eval`; writes bench/load-report.md (bench/README.md).
LOAD_SECONDS ?= 600
load: build
	/usr/bin/python3 bench/load/load.py --build $(BUILD) --duration $(LOAD_SECONDS)

# Soak (not in CI): SOAK_RECORDS (default 10,000,000) distinct records streamed through
# `proviso eval` from a pipe, resident memory sampled every second; fails if memory grows by
# more than 1 MiB per million records after warm-up (docs/LIMITS.md has the figures).
SOAK_RECORDS ?= 10000000
soak: build
	python3 scripts/soak.py $(BUILD)/bin/proviso $(BUILD)/soak --records $(SOAK_RECORDS)

# The whole ctest suite built with ASan + UBSan (clang-19, build-san); any report fails. Then
# the C API's 8-thread test under ThreadSanitizer (build-tsan).
sanitize: deps
	JOBS=$(JOBS) ./scripts/ci-sanitize.sh
	JOBS=$(JOBS) ./scripts/ci-tsan.sh

# The build without the JIT (PROVISO_ENABLE_JIT=OFF, Release, build-nojit): with BUILD_TESTING=OFF
# it builds the library, the CLI (with its diff module) and the Python module and nothing else, none of them needing
# libLLVM; then the tests that apply run on the interpreter (scripts/ci-nojit.sh).
nojit: deps
	JOBS=$(JOBS) ./scripts/ci-nojit.sh

# libFuzzer targets (tests/fuzz). CI (`fuzz-smoke`): every target for 3000 inputs with a fixed
# seed, so a result is reproducible.
# `fuzz`: every target for FUZZ_SECONDS (default 5 min) each. Crashes are left in
# build-san/fuzz/artifacts/<target>/.
FUZZ_SECONDS ?= 300
fuzz-smoke: deps
	JOBS=$(JOBS) ./scripts/ci-fuzz.sh --runs 3000

fuzz: deps
	JOBS=$(JOBS) ./scripts/ci-fuzz.sh --seconds $(FUZZ_SECONDS) compile format decode interp_vs_jit

# clang-tidy (.clang-tidy) over the project's sources, and clang-format (.clang-format) on
# every C/C++ file in git (`make format FILES="a.cpp b.h"` formats only those files).
lint: deps
	JOBS=$(JOBS) ./scripts/lint.sh tidy
	./scripts/lint.sh format-check

format: deps
	./scripts/lint.sh format $(FILES)

format-check: deps
	./scripts/lint.sh format-check

# The VS Code extension (editors/vscode/README.md): `vscode-test` installs its pinned npm packages
# (npm ci with the committed lockfile) and runs the grammar's scope tests; `vscode` also packages
# the extension as $(BUILD)/proviso-policy-VERSION.vsix. Neither needs the C++ build. Node.js and
# npm come from scripts/install-node.sh (Debian's packages, only when they are missing).
VSCODE_DIR := editors/vscode

vscode-deps:
	@./scripts/install-node.sh
	cd $(VSCODE_DIR) && npm ci --ignore-scripts --no-audit --no-fund

vscode-test: vscode-deps
	cd $(VSCODE_DIR) && npm test

vscode: vscode-test
	mkdir -p $(BUILD)
	cd $(VSCODE_DIR) && npm run package -- --out $(abspath $(BUILD))/

# docs/images/vscode-diagnostics-hover.png (not in CI; scripts/screenshot-vscode.sh): the .vsix
# installed in code-server (npm, pinned, under $(BUILD)/screenshot with playwright-core), headless
# Chromium showing a diagnostic and a hover of `proviso lsp` on a scratch copy of a policy. Uses
# the $(BUILD)/bin/proviso of `make build` as it is; installs chromium, ripgrep and libkrb5-dev
# (for code-server's native modules) with apt-get when they are missing.
screenshot: vscode
	BUILD=$(BUILD) ./scripts/screenshot-vscode.sh

clean:
	rm -rf $(BUILD)
