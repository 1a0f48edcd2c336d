#pragma once
// The subcommands of the `corridor` tool, one file each in sim/cli/. Each takes the
// arguments after the command name (argv[0] is the command) and returns the exit code;
// bad input is thrown as InputError and becomes exit code 2 in main.
namespace corridor::cli {

int run(int argc, char** argv);
int resume(int argc, char** argv);
int summary(int argc, char** argv);
int compare(int argc, char** argv);
int validate(int argc, char** argv);
int bench(int argc, char** argv);
int sweep(int argc, char** argv);
int calibrate(int argc, char** argv);

// True when a progress display belongs on stderr: a terminal, not CI, not --quiet.
bool show_progress(bool quiet);

}  // namespace corridor::cli
