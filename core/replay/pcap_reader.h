/* SPDX-License-Identifier: BSD-2-Clause */
// Reads a capture file with libpcap: classic pcap (micro- or nanosecond) and pcapng, Ethernet
// link type only, timestamps in nanoseconds.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

struct pcap;

namespace flowlens::replay {

// A capture that cannot be read at all; the message names the file and the cause.
class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CapturedFrame {
  uint64_t ts_ns = 0;
  uint32_t wire_len = 0;          // length on the wire (what the kernel's skb->len counts)
  uint32_t cap_len = 0;           // bytes captured (may be less under a snap length)
  const uint8_t* data = nullptr;  // valid until the next call to next()
};

class PcapReader {
 public:
  // Throws CaptureError for a missing file, a file that is not pcap/pcapng, or a link type other
  // than Ethernet.
  explicit PcapReader(const std::string& path);
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame, or false at the end. A damaged or truncated tail also ends the capture: then
  // warning() says what happened, and the frames read so far stand.
  bool next(CapturedFrame& out);

  const std::string& warning() const { return warning_; }

 private:
  std::string path_;
  pcap* handle_ = nullptr;
  std::string warning_;
};

}  // namespace flowlens::replay
