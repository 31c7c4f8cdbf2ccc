// SPDX-License-Identifier: BSD-2-Clause
// sink-webhook's request bodies for alerts about servers whose ids, names, labels and reasons
// hold any text (quotes, backslashes, control characters, any code point, long enough to be cut):
// every body of every format (JSON, Discord, Slack, Alertmanager, the Discord status) is valid
// JSON, in valid UTF-8, which is what the receivers check first.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "fuzz_check.h"
#include "sink-webhook/config.h"
#include "sink-webhook/formats.h"
#include "sink-webhook/observation.h"
#include "utf8_text.h"

namespace {

using namespace flowlens::webhook;

void check_json(const std::string& body, const char* format) {
  if (!flowlens::fuzz::valid_utf8(body))
    flowlens::fuzz::fail(std::string(format) + " body not UTF-8: " + body);
  boost::system::error_code ec;
  (void)boost::json::parse(body, ec);
  if (ec)
    flowlens::fuzz::fail(std::string(format) + " body not JSON (" + ec.message() + "): " + body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  using flowlens::fuzz::text;
  MessageContext ctx{text(in, 64), text(in, 32), 1'795'000'000'000};
  std::vector<Notification> notes;
  std::vector<ServerObservation> servers;
  const size_t count = in.ConsumeIntegralInRange<size_t>(1, 4);
  for (size_t i = 0; i < count; ++i) {
    Notification& n = notes.emplace_back();
    n.rule = text(in, 32);
    n.condition = text(in, 32);
    n.kind =
        in.PickValueInArray({ConditionKind::kPlayersAtLeast, ConditionKind::kPlayersAtMost,
                             ConditionKind::kEmpty, ConditionKind::kFull, ConditionKind::kUnknown});
    n.state = in.ConsumeBool() ? AlertState::kFiring : AlertState::kResolved;
    n.repeat = in.ConsumeBool();
    n.server_id = text(in, 128);
    n.server_name = text(in, 600);
    n.labels[text(in, 32)] = text(in, 64);
    if (in.ConsumeBool()) n.players = in.ConsumeIntegral<uint32_t>();
    n.unknown_reason = text(in, 64);
    if (in.ConsumeBool()) n.threshold = in.ConsumeIntegral<int64_t>();
    n.since_wall_ms = ctx.now_wall_ms - in.ConsumeIntegralInRange<int64_t>(0, 1'000'000'000);
    n.at_wall_ms = ctx.now_wall_ms;
    servers.push_back({n.server_id, n.server_name, n.labels, n.players.has_value(),
                       n.players.value_or(0), n.unknown_reason});
  }
  WebhookConfig hook;
  hook.username = text(in, 32);
  hook.mention_roles = {text(in, 24)};
  for (Format f : {Format::kJson, Format::kDiscord, Format::kSlack, Format::kAlertmanager}) {
    hook.format = f;
    for (const std::string& body : render_for(hook, notes, ctx)) check_json(body, format_name(f));
  }
  check_json(render_discord_status(discord_status_text(servers), hook, ctx), "discord_status");
  return 0;
}
