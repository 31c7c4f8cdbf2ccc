// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/jsonl_output.h"

#include "model/tick_line.h"

namespace flowlens::daemon {

void write_jsonl_tick(std::ostream& out, const model::Snapshot& snapshot) {
  std::string line;
  model::append_tick_line(line, snapshot);
  // One flush per line: a pipe reader (jq, a test) sees each tick as it happens.
  out << line << std::flush;
}

}  // namespace flowlens::daemon
