// SPDX-License-Identifier: BSD-2-Clause
// A capture file as `flowlensd replay --pcap FILE` opens it (classic pcap or pcapng through
// libpcap): the reader either refuses it with a CaptureError naming the file, or yields frames
// whose bytes are all readable (ASan checks every one) and go through the replay frame parser,
// ending early on a damaged tail with a warning naming the file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_check.h"
#include "replay/packet_parser.h"
#include "replay/pcap_reader.h"

namespace {

using flowlens::fuzz::fail;

// The capture as a file with a path, without touching the disk.
class MemoryFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : fd_(memfd_create("capture", 0)) {
    if (fd_ < 0) fail("memfd_create");
    for (size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) fail("write to memfd");
      done += static_cast<size_t>(n);
    }
  }
  ~MemoryFile() { close(fd_); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flowlens::replay;
  const MemoryFile file(data, size);
  const std::string path = file.path();
  try {
    PcapReader reader(path);
    CapturedFrame frame;
    uint64_t checksum = 0;
    while (reader.next(frame)) {
      if (frame.cap_len > 0 && frame.data == nullptr) fail("a frame with bytes but no data");
      for (uint32_t i = 0; i < frame.cap_len; ++i) checksum += frame.data[i];
      ParsedPacket p;
      (void)parse_frame(frame.data, frame.cap_len, p);
    }
    if (!reader.warning().empty() && reader.warning().rfind(path, 0) != 0)
      fail("a warning that does not name the file: " + reader.warning());
    (void)checksum;
  } catch (const CaptureError& e) {
    if (std::string(e.what()).rfind(path, 0) != 0)
      fail(std::string("an error that does not name the file: ") + e.what());
  }
  return 0;
}
