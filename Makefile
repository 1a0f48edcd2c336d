# Two commands do everything on a fresh Debian 12 machine:
#   make run    install missing packages, build Release, run the baseline, print a summary
#   make test   the same set-up, then every test (C++ unit and system tests, Python tests)
BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3

.PHONY: deps build run test sanitize fuzz-ci fuzz bench clean

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=$(PYTHON)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	mkdir -p results
	$(BUILD)/corridor run configs/baseline.yaml -o results/baseline.h5

test: build
	cd $(BUILD) && ctest --output-on-failure -j 2

# AddressSanitizer + UndefinedBehaviorSanitizer and ThreadSanitizer builds (build-asan,
# build-tsan): unit tests, a short whole run and the bad configs; CI runs it (.ci/run).
sanitize: deps
	JOBS=$(JOBS) bash scripts/sanitize.sh all

# libFuzzer (clang-14) on the config loader, scenario overlays, --set and the drivers table:
# fuzz-ci runs 100,000 inputs of each (CI), fuzz 10 minutes each (FUZZ_SECONDS=...).
FUZZ_SECONDS ?= 600
fuzz-ci: deps
	JOBS=$(JOBS) bash scripts/fuzz.sh ci
fuzz: deps
	JOBS=$(JOBS) bash scripts/fuzz.sh long $(FUZZ_SECONDS)

# Throughput figures for docs/BENCHMARKS.md (not part of the tests).
bench: build
	cmake -S . -B $(BUILD) -DCORRIDOR_BUILD_BENCH=ON
	cmake --build $(BUILD) -j $(JOBS) --target corridor_gbench
	bash scripts/bench.sh $(BUILD)/corridor
	$(BUILD)/tests/corridor_gbench --benchmark_repetitions=5 --benchmark_min_time=2 \
	    --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
