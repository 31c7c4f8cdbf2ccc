// SPDX-License-Identifier: BSD-2-Clause
#include "replay/pcap_reader.h"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace flowlens::replay {

namespace {

// libpcap reports an unrecognised header with this text; we add what the file should have been.
bool looks_like_bad_magic(const char* err) {
  return std::strstr(err, "unknown file format") || std::strstr(err, "bad dump file format");
}

}  // namespace

PcapReader::PcapReader(const std::string& path) : path_(path) {
  char err[PCAP_ERRBUF_SIZE] = {0};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw CaptureError(path + ": cannot open: " + std::strerror(errno));
  // Ask for nanoseconds so microsecond and nanosecond files both come out in one unit.
  handle_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
  if (!handle_) {
    std::fclose(f);
    if (looks_like_bad_magic(err))
      throw CaptureError(path + ": not a pcap or pcapng capture (" + err + ")");
    throw CaptureError(path + ": cannot read capture: " + err);
  }
  int link = pcap_datalink(handle_);
  if (link != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(link);
    pcap_close(handle_);
    handle_ = nullptr;
    throw CaptureError(path + ": unsupported link type " + std::to_string(link) + " (" +
                       (name ? name : "unknown") +
                       "); capture on an Ethernet interface, e.g. tcpdump -i eth0 -w FILE");
  }
}

PcapReader::~PcapReader() {
  if (handle_) pcap_close(handle_);
}

bool PcapReader::next(CapturedFrame& out) {
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_, &hdr, &data);
  if (rc == 1) {
    out.ts_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ULL +
                static_cast<uint64_t>(hdr->ts.tv_usec);  // nanoseconds, as requested at open
    out.wire_len = hdr->len;
    out.cap_len = hdr->caplen;
    out.data = data;
    return true;
  }
  if (rc == PCAP_ERROR) warning_ = path_ + ": capture ends early: " + pcap_geterr(handle_);
  return false;
}

}  // namespace flowlens::replay
