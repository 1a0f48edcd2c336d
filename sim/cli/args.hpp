#pragma once
// Strict parsing of command-line numbers: the whole text must be a number in range.
// (Boost's lexical_cast reads "-1" as 18446744073709551615 for an unsigned seed.)
#include <boost/program_options/parsers.hpp>
#include <charconv>
#include <cstdint>
#include <iostream>
#include <string>

#include "sim/error.hpp"

namespace corridor::cli {

template <class T>
T parse_number(const std::string& option, const std::string& text, T lo, T hi) {
  T v{};
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end)
    throw InputError("command line", 0, option, "expected a whole number, got '" + text + "'");
  if (v < lo || v > hi)
    throw InputError(
        "command line", 0, option,
        "value " + text + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

// Boost's default lets "--thread" stand for "--threads"; an option must be spelt out.
inline constexpr int kOptionStyle = boost::program_options::command_line_style::default_style &
                                    ~boost::program_options::command_line_style::allow_guessing;

// "i/n" with 0 <= i < n.
struct Shard {
  int index = 0, count = 1;
};
inline Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos)
    throw InputError("command line", 0, "--shard", "expected i/n, got '" + text + "'");
  Shard s;
  s.count = parse_number<int>("--shard", text.substr(slash + 1), 1, 1 << 30);
  s.index = parse_number<int>("--shard", text.substr(0, slash), 0, s.count - 1);
  return s;
}

// Parses `opts` plus one positional argument into `positional`; false when --help was
// asked (the options are then printed).
inline bool parse_command(int argc, char** argv,
                          const boost::program_options::options_description& opts, const char* name,
                          std::string& positional, boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  po::options_description hidden;
  hidden.add_options()(name, po::value(&positional));
  po::positional_options_description pos;
  pos.add(name, 1);
  po::options_description all;
  all.add(opts).add(hidden);
  po::store(
      po::command_line_parser(argc, argv).options(all).positional(pos).style(kOptionStyle).run(),
      vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return false;
  }
  return true;
}

}  // namespace corridor::cli
