# The two README commands: `make demo` (install, build, evaluate a seed policy with its
# explanation) and `make test` (install, build, run the whole test suite through ctest).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps configure build demo test goldens bench clean

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

# Rewrites every golden file from the current output; review the diff before committing.
goldens: build
	PROVISO_UPDATE_GOLDENS=1 $(BUILD)/bin/proviso-golden tests/golden

bench: build
	$(BUILD)/bin/proviso-bench-runtime

clean:
	rm -rf $(BUILD)
