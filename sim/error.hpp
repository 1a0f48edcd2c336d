#pragma once
// One exception type for bad input: it carries the file, line and key so the CLI can
// print one clear message and exit with code 2.
#include <stdexcept>
#include <string>

namespace corridor {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, std::string key, const std::string& what)
      : std::runtime_error(format(file, line, key, what)),
        file_(std::move(file)),
        line_(line),
        key_(std::move(key)) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& key,
                            const std::string& what) {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    if (!key.empty()) s += ": key '" + key + "'";
    return s + ": " + what;
  }
  std::string file_;
  int line_;
  std::string key_;
};

}  // namespace corridor
