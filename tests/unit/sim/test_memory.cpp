#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>

#include "sim/error.hpp"
#include "sim/memory.hpp"
#include "test_support.hpp"

using namespace corridor;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // the sanitizers' allocators do not report to mallinfo2
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

namespace {
double heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd);  // small blocks plus mmapped ones
}
}  // namespace

TEST(Memory, EstimateMatchesWhatTheSimulationAllocates) {
  if (kSanitized) GTEST_SKIP() << "mallinfo2 does not see a sanitizer's heap";
  for (int firms : {20000, 200000}) {
    const auto model = test::small_model({}, "configs/baseline.yaml", firms);
    const MemoryEstimate e = estimate_memory(model->params);
    const double before = heap_in_use();
    {
      Simulation sim(model, 1);
      const double allocated = heap_in_use() - before;
      // The agents' arrays and the shipment pool are what grows with the run; the estimate
      // counts them element by element, the rest of the state is small tables.
      const double predicted = e.firms + e.shipments;
      RecordProperty("allocated_over_predicted_" + std::to_string(firms),
                     std::to_string(allocated / predicted));
      EXPECT_GT(allocated, 0.95 * predicted) << firms;
      EXPECT_LT(allocated, 1.10 * predicted) << firms;
    }
  }
}

TEST(Memory, RunsThatDoNotFitAreRefusedBeforeTheModelIsBuilt) {
  auto cfg = load_config(test::source("configs/baseline.yaml"), {"firms.count=50000"});
  const MemoryEstimate e = estimate_memory(cfg.params);
  EXPECT_GT(e.firms, 50000 * 100.0);
  EXPECT_GT(e.total(), e.firms + e.shipments);
  ::setenv("CORRIDOR_MEMORY_LIMIT_MIB", "10", 1);
  std::string source;
  EXPECT_EQ(memory_available(&source), 10.0 * (1 << 20));
  EXPECT_EQ(source, "CORRIDOR_MEMORY_LIMIT_MIB");
  try {
    build_model(cfg);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.detail().find("this run needs about"), std::string::npos) << e.what();
  }
  ::unsetenv("CORRIDOR_MEMORY_LIMIT_MIB");
  EXPECT_GT(memory_available(), 10.0 * (1 << 20));
  // Beyond 32-bit indices whatever the memory.
  cfg.params.run.scale = 1e5;
  try {
    check_memory(cfg.params);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "run.scale");
    EXPECT_NE(e.detail().find("the engine indexes at most 2147483647"), std::string::npos);
  }
}
