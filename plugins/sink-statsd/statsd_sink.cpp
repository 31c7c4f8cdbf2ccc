// SPDX-License-Identifier: BSD-2-Clause
#include "statsd_sink.h"

#include "packer.h"

#include <sys/socket.h>

namespace flowlens::statsd {

StatsdSink::StatsdSink(Config config, LogFn log, sdk::Host host)
    : config_(std::move(config)),
      log_(std::move(log)),
      renderer_(config_.lines),
      resolver_(config_.address, config_.protocol == Protocol::kTcp ? SOCK_STREAM : SOCK_DGRAM,
                config_.resolve_interval, log_, host),
      tcp_(config_.timeout) {}

StatsdSink::~StatsdSink() {
  stop();
}

void StatsdSink::start() {
  resolver_.start();
  const auto to = resolver_.current();
  log_(LogLevel::kInfo, std::string("pushing to statsd ") +
                            (config_.protocol == Protocol::kTcp ? "tcp " : "udp ") +
                            config_.address.host + ":" + std::to_string(config_.address.port) +
                            (to ? " (" + to->text + ")" : " (resolving)") + " with prefix '" +
                            config_.lines.prefix + "'");
}

void StatsdSink::stop() {
  resolver_.stop();
  udp_.close();
  tcp_.close();
}

PushReport StatsdSink::push(const Samples& servers) {
  RenderedPush rendered = renderer_.render(servers);
  for (const auto& [first, second] : rendered.name_clashes) {
    if (clashes_logged_.insert(first + '\n' + second).second) {
      log_(LogLevel::kWarn, "servers '" + first + "' and '" + second +
                                "' have the same StatsD name; only '" + first + "' is sent");
    }
  }
  PushReport report;
  report.lines = rendered.lines.size();
  const std::optional<SocketAddress> to = resolver_.current();
  if (!to) {
    report.error = "no address yet for " + config_.address.host;
    resolver_.refresh_soon();
    note_failure(report.error);
    return report;
  }
  const SendOutcome sent =
      config_.protocol == Protocol::kTcp
          ? tcp_.send(*to, join_stream(rendered.lines))
          : udp_.send(*to, pack_lines(rendered.lines, config_.max_packet_bytes));
  report.datagrams = sent.datagrams;
  report.bytes = sent.bytes;
  report.error = sent.error;
  if (sent.ok()) {
    note_success(*to);
  } else {
    resolver_.refresh_soon();  // StatsD may have moved: look the name up again
    note_failure(sent.error);
  }
  return report;
}

void StatsdSink::note_failure(const std::string& error) {
  ++failed_pushes_;
  const auto now = std::chrono::steady_clock::now();
  if (error != failing_with_) {
    log_(LogLevel::kWarn, "statsd push failed: " + error + " (metrics of this interval dropped)");
    failing_with_ = error;
    failure_logged_at_ = now;
  } else if (now - failure_logged_at_ >= kFailureReminder) {
    log_(LogLevel::kWarn, "statsd pushes still failing: " + std::to_string(failed_pushes_) +
                              " dropped so far, last: " + error);
    failure_logged_at_ = now;
  }
}

void StatsdSink::note_success(const SocketAddress& to) {
  if (failing_with_.empty()) return;
  log_(LogLevel::kInfo, "statsd pushes to " + to.text + " work again after " +
                            std::to_string(failed_pushes_) + " failed");
  failing_with_.clear();
  failed_pushes_ = 0;
}

}  // namespace flowlens::statsd
