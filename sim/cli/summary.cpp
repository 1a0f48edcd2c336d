// corridor summary FILE: headline outcomes by year, read back from a run file.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "output/reader.hpp"
#include "sim/cli/commands.hpp"
#include "sim/error.hpp"

namespace corridor::cli {

int summary(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    std::cout << "corridor summary FILE: headline outcomes by year\n";
    return argc < 2 ? 2 : 0;
  }
  if (!std::filesystem::exists(argv[1])) throw InputError(argv[1], 0, "FILE", "no such file");
  std::printf("%s", summary_table(argv[1]).c_str());
  return 0;
}

}  // namespace corridor::cli
