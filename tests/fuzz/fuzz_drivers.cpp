// libFuzzer target for the drivers table reader (sim/drivers.hpp): any bytes must give a
// table whose every cell is a finite number with whole, consecutive years, or an InputError.
// Bytes after a line "%%" are read as the table's monthly values.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "sim/drivers.hpp"
#include "sim/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find("\n%%\n");
  std::istringstream in(text.substr(0, split));
  try {
    corridor::DriverTable t(in, "fuzz.csv");
    if (split != std::string::npos) {
      std::istringstream months(text.substr(split + 4));
      t.add_monthly(months, "fuzz_monthly.csv");
      t.check_monthly();
    }
    for (const char* column : {"brent_usd_per_bbl", "gdp_growth_cn"}) {
      if (!t.has(column)) continue;
      t.check_range(column, -75, 1000, "");
      // What build_model derives from a table that passed: must be finite.
      for (double v : t.daily_level(column, corridor::Date(2013, 1, 1), 800))
        if (!std::isfinite(v)) std::abort();
      for (double v : t.daily_growth_index(column, corridor::Date(2013, 1, 1), 800))
        if (!std::isfinite(v)) std::abort();
    }
  } catch (const corridor::InputError&) {
  }
  return 0;
}
