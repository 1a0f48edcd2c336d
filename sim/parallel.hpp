#pragma once
// Parallel loops and reductions whose results do not depend on the number of threads:
// parallel_deterministic_reduce with a simple_partitioner splits the range the same way
// whatever the thread count, so floating-point sums are bit-identical.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>

#include <cstddef>

namespace corridor {

inline constexpr std::size_t kGrain = 2048;

template <class F>
void parallel_for_index(std::size_t n, F&& body) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kGrain),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
                    });
}

// Sum of value(i) over [0, n) with a fixed reduction tree. T must be a value type with
// += (a double, or a struct of sums).
template <class T, class F>
T deterministic_sum(std::size_t n, F&& value) {
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, kGrain), T{},
      [&](const tbb::blocked_range<std::size_t>& r, T acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += value(i);
        return acc;
      },
      [](T a, const T& b) {
        a += b;
        return a;
      },
      tbb::simple_partitioner());
}

}  // namespace corridor
