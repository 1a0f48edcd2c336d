#pragma once
// Commands whose work is the Python analysis package's (tables, figures) hand their
// arguments to one of its modules, so that figures are made in one place.
#include <sys/wait.h>

#include <cstdlib>
#include <string>

namespace corridor::cli {

// Runs `/usr/bin/python3 -m MODULE ARGS...` with the package on PYTHONPATH and returns its
// exit status (1 when it did not exit normally).
inline int run_python_module(const char* module, int argc, char** argv) {
  std::string cmd = "PYTHONPATH=\"" CORRIDOR_ANALYSIS_DIR "${PYTHONPATH:+:$PYTHONPATH}\" "
                    "/usr/bin/python3 -m ";
  cmd += module;
  for (int i = 1; i < argc; ++i) {
    std::string quoted = "'";
    for (char c : std::string(argv[i])) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " " + quoted + "'";
  }
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

}  // namespace corridor::cli
