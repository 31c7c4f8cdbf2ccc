// A stand-in for `flowlensd replay`, used by the accuracy test when the build has no flowlensd
// target: exactly the replay subcommand, nothing else.
#include <CLI/CLI.hpp>

#include "replay/replay_command.h"

int main(int argc, char** argv) {
  CLI::App app{"flowlens replay driver"};
  app.require_subcommand(1);
  flowlens::replay::register_replay_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
