// SPDX-License-Identifier: BSD-2-Clause
// Slack incoming-webhook messages: `text` always set (the notification fallback), and the
// alerts as mrkdwn section blocks, packed up to Slack's per-block and per-message limits.
#include "formats.h"
#include "text.h"

#include <boost/json.hpp>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

std::string slack_line(const Notification& n) {
  std::string s = n.state == AlertState::kFiring ? ":red_circle: " : ":large_green_circle: ";
  // Appended piece by piece: a literal + temporary string trips GCC 12's false -Wrestrict at -O3.
  s += '*';
  s += escape_slack(n.rule) + "* " +
       (n.state == AlertState::kFiring ? (n.repeat ? "still firing" : "firing") : "resolved") +
       " · " + escape_slack(n.server_name);
  if (n.server_name != n.server_id) {
    s += " (`";
    s += escape_slack(n.server_id) + "`)";
  }
  s += ": ";
  s += n.players ? std::to_string(*n.players) + " players"
                 : "players unknown (" + escape_slack(n.unknown_reason) + ")";
  s += " · " + escape_slack(n.condition);
  if (n.state == AlertState::kResolved) {
    s += " · lasted " + short_duration(n.at_wall_ms - n.since_wall_ms);
  }
  return truncate_utf16(s, kChatLineMax);
}

struct Message {
  std::vector<std::string> sections;
  std::string fallback;
  size_t firing = 0;
  size_t resolved = 0;
};

json::object section(const std::string& text) {
  return json::object{{"type", "section"},
                      {"text", json::object{{"type", "mrkdwn"}, {"text", text}}}};
}

}  // namespace

std::vector<std::string> render_slack(const std::vector<Notification>& notes,
                                      const MessageContext& ctx) {
  // One block is the header line; the rest carry alerts.
  constexpr size_t kAlertBlocksMax = kSlackBlocksMax - 1;
  std::vector<Message> messages(1);
  for (AlertState state : {AlertState::kFiring, AlertState::kResolved}) {
    for (const Notification& n : notes) {
      if (n.state != state) continue;
      const std::string line = slack_line(n);
      const size_t units = utf16_length(line) + 1;
      Message* m = &messages.back();
      if (m->sections.empty() || utf16_length(m->sections.back()) + units > kSlackSectionTextMax) {
        if (m->sections.size() == kAlertBlocksMax) {
          messages.emplace_back();
          m = &messages.back();
        }
        m->sections.emplace_back();
      }
      if (!m->sections.back().empty()) m->sections.back() += '\n';
      m->sections.back() += line;
      if (!m->fallback.empty()) m->fallback += "; ";
      m->fallback += plain_summary(n);
      (state == AlertState::kFiring ? m->firing : m->resolved) += 1;
    }
  }
  if (messages.back().sections.empty()) messages.pop_back();

  std::vector<std::string> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    std::string head = "FlowLens on " + ctx.daemon_host + ": ";
    if (m.firing) head += std::to_string(m.firing) + " firing";
    if (m.firing && m.resolved) head += ", ";
    if (m.resolved) head += std::to_string(m.resolved) + " resolved";
    if (messages.size() > 1) {
      head += " (";
      head += std::to_string(i + 1) + "/" + std::to_string(messages.size()) + ")";
    }
    json::array blocks;
    std::string bold = "*";  // appended, as in slack_line()
    bold += escape_slack(head) + "*";
    blocks.push_back(section(bold));
    for (const std::string& s : m.sections) blocks.push_back(section(s));
    json::object body{{"text", truncate_utf16(head + " — " + m.fallback, kSlackFallbackMax)},
                      {"blocks", std::move(blocks)}};
    out.push_back(json::serialize(body));
  }
  return out;
}

}  // namespace flowlens::webhook
