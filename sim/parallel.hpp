#pragma once
// Parallel loops and reductions whose results do not depend on the number of threads:
// parallel_deterministic_reduce with a simple_partitioner splits the range the same way
// whatever the thread count, so floating-point sums are bit-identical.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstddef>

#if defined(__SANITIZE_THREAD__)
#define CORRIDOR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CORRIDOR_TSAN 1
#endif
#endif

#ifdef CORRIDOR_TSAN
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>
#endif

namespace corridor {

inline constexpr std::size_t kGrain = 2048;

// The threads a parallel loop here can use: the arena's (a run's --threads), or fewer under
// a global_control limit (corridor bench). For splitting work that every thread must scan
// in full; results never depend on it.
inline int worker_threads() {
  return std::min(tbb::this_task_arena::max_concurrency(),
                  static_cast<int>(tbb::global_control::active_value(
                      tbb::global_control::max_allowed_parallelism)));
}

#ifdef CORRIDOR_TSAN
// ThreadSanitizer cannot see the happens-before edges of TBB's scheduler, whose queues live
// in Debian's uninstrumented libtbb: every loop would report the serial code before it as
// racing with its tasks (hundreds of reports in a tiny run). Built with TSan, the loops below
// run the same chunks (and the reduction the same tree) on plain threads, whose start and
// join it does see, so what it checks is the loops' bodies: two chunks touching one element.
namespace detail {
template <class F>
void run_chunks(std::size_t n, F&& body) {
  // The arena's limit (a run's --threads) or a global_control's, as TBB would use.
  const std::size_t threads =
      std::min<std::size_t>(n, static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t c; (c = next.fetch_add(1)) < n;) body(c);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// The leaves of blocked_range's halving down to the grain, as the simple_partitioner cuts.
inline void leaves(std::size_t b, std::size_t e,
                   std::vector<std::pair<std::size_t, std::size_t>>& out) {
  if (e - b > kGrain) {
    const std::size_t m = b + (e - b) / 2;
    leaves(b, m, out);
    leaves(m, e, out);
  } else {
    out.emplace_back(b, e);
  }
}

template <class T>
T join_tree(std::size_t b, std::size_t e, const std::vector<T>& part, std::size_t& k) {
  if (e - b > kGrain) {
    const std::size_t m = b + (e - b) / 2;
    T a = join_tree(b, m, part, k);
    a += join_tree(m, e, part, k);
    return a;
  }
  return part[k++];
}
}  // namespace detail
#endif

template <class F>
void parallel_for_index(std::size_t n, F&& body) {
#ifdef CORRIDOR_TSAN
  detail::run_chunks((n + kGrain - 1) / kGrain, [&](std::size_t c) {
    for (std::size_t i = c * kGrain; i < std::min(n, (c + 1) * kGrain); ++i) body(i);
  });
#else
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kGrain),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) body(i);
                    });
#endif
}

// body(c) for each chunk c in [0, n_chunks), chunks in parallel.
template <class F>
void parallel_for_chunks(std::size_t n_chunks, F&& body) {
#ifdef CORRIDOR_TSAN
  detail::run_chunks(n_chunks, body);
#else
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n_chunks, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t c = r.begin(); c != r.end(); ++c) body(c);
                    });
#endif
}

// add(i, acc) adds firm i's part to acc, for every i in [0, n), with a fixed reduction
// tree: the same tree, so the same bits, for any thread count. T must be a value type with
// += (a double, or a struct of sums); adding in place spares a large T (arrays per
// country-sector) being built and summed whole for every i.
template <class T, class F>
T deterministic_fold(std::size_t n, F&& add) {
#ifdef CORRIDOR_TSAN
  std::vector<std::pair<std::size_t, std::size_t>> cut;
  detail::leaves(0, n, cut);
  std::vector<T> part(cut.size());
  detail::run_chunks(cut.size(), [&](std::size_t c) {
    T acc{};
    for (std::size_t i = cut[c].first; i != cut[c].second; ++i) add(i, acc);
    part[c] = acc;
  });
  std::size_t k = 0;
  return detail::join_tree(0, n, part, k);
#else
  return tbb::parallel_deterministic_reduce(
      tbb::blocked_range<std::size_t>(0, n, kGrain), T{},
      [&](const tbb::blocked_range<std::size_t>& r, T acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) add(i, acc);
        return acc;
      },
      [](T a, const T& b) {
        a += b;
        return a;
      },
      tbb::simple_partitioner());
#endif
}

// Sum of value(i) over [0, n) with the fixed reduction tree of deterministic_fold.
template <class T, class F>
T deterministic_sum(std::size_t n, F&& value) {
  return deterministic_fold<T>(n, [&](std::size_t i, T& acc) { acc += value(i); });
}

}  // namespace corridor
