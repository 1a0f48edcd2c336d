# Two commands do everything on a fresh Debian 12 machine:
#   make run    install missing packages, build Release, run the baseline, print a summary
#   make test   the same set-up, then every test (C++ unit and system tests, Python tests)
BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3

.PHONY: deps build run test bench clean

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

# Throughput figures for docs/BENCHMARKS.md (not part of the tests).
bench: build
	cmake -S . -B $(BUILD) -DCORRIDOR_BUILD_BENCH=ON
	cmake --build $(BUILD) -j $(JOBS) --target corridor_gbench
	bash scripts/bench.sh $(BUILD)/corridor
	$(BUILD)/tests/corridor_gbench --benchmark_repetitions=5 --benchmark_min_time=2 \
	    --benchmark_report_aggregates_only=true

clean:
	rm -rf $(BUILD)
