// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/host_api.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

#include "plugin_host/snapshot_view.h"

namespace fph = flowlens::plugin_host;

// One instance's state behind its flowlens_host_api. Declared (opaque) by the C header.
struct flowlens_host_context {
  std::string instance;
  fph::HostServices* services = nullptr;
  std::mutex mutex;  // guards the two members below
  // Snapshots the plugin acquired and has not released, with how many times each.
  std::map<const flowlens_snapshot*, std::pair<std::shared_ptr<fph::SnapshotView>, size_t>> held;
  std::shared_ptr<fph::SnapshotView> last_view;  // reused while the snapshot does not change
  std::mutex refusal_mutex;                      // guards last_refusal
  // Why the plugin's last server list was refused; a plugin retrying the same list is told each
  // time, the operator once.
  std::string last_refusal;
};

namespace flowlens::plugin_host {
namespace {

void write_error(char* buffer, size_t size, const char* message) noexcept {
  if (buffer == nullptr || size == 0) return;
  size_t n = std::min(std::strlen(message), size - 1);
  std::memcpy(buffer, message, n);
  buffer[n] = '\0';
}

// Runs `fn` and turns any exception (from validation or from HostServices) into a status: the
// plugin is C, nothing may unwind into it.
template <class Fn>
flowlens_status guarded(char* error, size_t error_size, Fn&& fn) noexcept {
  try {
    fn();
    return FLOWLENS_OK;
  } catch (const std::invalid_argument& e) {
    write_error(error, error_size, e.what());
    return FLOWLENS_ERR_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    write_error(error, error_size, "out of memory");
    return FLOWLENS_ERR_NO_MEMORY;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return FLOWLENS_ERR_FAILED;
  } catch (...) {
    write_error(error, error_size, "unknown error");
    return FLOWLENS_ERR_FAILED;
  }
}

// A struct written by the plugin must at least hold every v1.0 field we read.
template <class T>
void require_size(const T* p, size_t v1_end, const char* what) {
  if (p->struct_size < v1_end) {
    throw std::invalid_argument(std::string(what) + ".struct_size " +
                                std::to_string(p->struct_size) + " is smaller than ABI 1.0's " +
                                std::to_string(v1_end));
  }
}

model::Server to_server(const flowlens_server* s) {
  require_size(s, offsetof(flowlens_server, label_count) + sizeof(size_t), "flowlens_server");
  if (s->id == nullptr || s->id[0] == '\0') throw std::invalid_argument("server with empty id");
  model::Server out;
  out.id = s->id;
  out.name = s->name ? s->name : s->id;
  if (s->endpoint_count > 0) {
    if (s->endpoints == nullptr) throw std::invalid_argument(out.id + ": endpoints is NULL");
    require_size(s->endpoints, offsetof(flowlens_endpoint, proto) + 1, "flowlens_endpoint");
  }
  for (size_t i = 0; i < s->endpoint_count; ++i) {
    const auto* ep = FLOWLENS_ARRAY_AT(flowlens_endpoint, s->endpoints, i);
    if (ep->port == 0) throw std::invalid_argument(out.id + ": endpoint with port 0");
    if (ep->proto != FLOWLENS_PROTO_TCP && ep->proto != FLOWLENS_PROTO_UDP) {
      throw std::invalid_argument(out.id + ": endpoint protocol " + std::to_string(ep->proto) +
                                  " is neither tcp (6) nor udp (17)");
    }
    out.endpoints.push_back({ep->port, ep->proto});
  }
  if (s->label_count > 0) {
    if (s->labels == nullptr) throw std::invalid_argument(out.id + ": labels is NULL");
    require_size(s->labels, offsetof(flowlens_label, value) + sizeof(char*), "flowlens_label");
  }
  for (size_t i = 0; i < s->label_count; ++i) {
    const auto* label = FLOWLENS_ARRAY_AT(flowlens_label, s->labels, i);
    if (label->key == nullptr || label->key[0] == '\0') {
      throw std::invalid_argument(out.id + ": label with empty key");
    }
    out.labels[label->key] = label->value ? label->value : "";
  }
  return out;
}

std::vector<model::Server> to_servers(const flowlens_server* servers, size_t count) {
  std::vector<model::Server> out;
  if (count == 0) return out;
  if (servers == nullptr) throw std::invalid_argument("servers is NULL");
  require_size(servers, offsetof(flowlens_server, id) + sizeof(char*), "flowlens_server");
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(to_server(FLOWLENS_ARRAY_AT(flowlens_server, servers, i)));
  }
  return out;
}

LogLevel to_level(int32_t level) {
  switch (level) {
    case FLOWLENS_LOG_TRACE:
      return LogLevel::kTrace;
    case FLOWLENS_LOG_DEBUG:
      return LogLevel::kDebug;
    case FLOWLENS_LOG_WARN:
      return LogLevel::kWarn;
    case FLOWLENS_LOG_ERROR:
      return LogLevel::kError;
    default:
      return LogLevel::kInfo;  // the header says unknown levels log at INFO
  }
}

void c_log(flowlens_host_context* ctx, int32_t level, const char* message) noexcept {
  char ignored[1];
  guarded(ignored, 0, [&] {
    ctx->services->log(ctx->instance, to_level(level), message ? message : "(null)");
  });
}

// The plugin gets the error as a status either way; the log says it once per distinct reason, as
// a plugin that ignores the status and publishes again every interval would otherwise go unseen.
void report_refusal(flowlens_host_context* ctx, const char* call, flowlens_status status,
                    const char* error) noexcept {
  char ignored[1];
  guarded(ignored, 0, [&] {
    std::string reason = status == FLOWLENS_OK ? "" : std::string(call) + " refused: " + error;
    std::lock_guard lock(ctx->refusal_mutex);
    if (reason == ctx->last_refusal) return;
    ctx->last_refusal = reason;
    if (!reason.empty()) {
      ctx->services->log(ctx->instance, LogLevel::kWarn,
                         reason + "; the servers it published before are kept");
    }
  });
}

template <class Fn>
flowlens_status publish(flowlens_host_context* ctx, const char* call, char* error,
                        size_t error_size, Fn&& fn) noexcept {
  char reason[1024] = "";
  const flowlens_status status = guarded(reason, sizeof reason, fn);
  report_refusal(ctx, call, status, reason);
  if (status != FLOWLENS_OK) write_error(error, error_size, reason);
  return status;
}

flowlens_status c_servers_add(flowlens_host_context* ctx, const flowlens_server* servers,
                              size_t count, char* error, size_t error_size) noexcept {
  return publish(ctx, "servers_add", error, error_size,
                 [&] { ctx->services->add_servers(ctx->instance, to_servers(servers, count)); });
}

flowlens_status c_servers_replace_all(flowlens_host_context* ctx, const flowlens_server* servers,
                                      size_t count, char* error, size_t error_size) noexcept {
  return publish(ctx, "servers_replace_all", error, error_size, [&] {
    ctx->services->replace_servers(ctx->instance, to_servers(servers, count));
  });
}

flowlens_status c_servers_remove(flowlens_host_context* ctx, const char* const* ids, size_t count,
                                 char* error, size_t error_size) noexcept {
  return guarded(error, error_size, [&] {
    if (count > 0 && ids == nullptr) throw std::invalid_argument("ids is NULL");
    std::vector<std::string> out;
    for (size_t i = 0; i < count; ++i) {
      if (ids[i] == nullptr) throw std::invalid_argument("id " + std::to_string(i) + " is NULL");
      out.emplace_back(ids[i]);
    }
    ctx->services->remove_servers(ctx->instance, std::move(out));
  });
}

flowlens_status c_emit_event(flowlens_host_context* ctx, const flowlens_event* event, char* error,
                             size_t error_size) noexcept {
  return guarded(error, error_size, [&] {
    if (event == nullptr) throw std::invalid_argument("event is NULL");
    require_size(event, offsetof(flowlens_event, message) + sizeof(char*), "flowlens_event");
    if (event->message == nullptr) throw std::invalid_argument("event message is NULL");
    Event out;
    out.kind = event->kind;
    out.message = event->message;
    if (FLOWLENS_HAS_FIELD(flowlens_event, event, server_id) && event->server_id) {
      out.server_id = event->server_id;
    }
    if (FLOWLENS_HAS_FIELD(flowlens_event, event, value)) out.value = event->value;
    if (FLOWLENS_HAS_FIELD(flowlens_event, event, timestamp_unix_ms)) {
      out.timestamp_unix_ms = event->timestamp_unix_ms;
    }
    if (out.timestamp_unix_ms == 0) {
      out.timestamp_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    }
    out.source = ctx->instance;
    ctx->services->emit_event(ctx->instance, std::move(out));
  });
}

const flowlens_snapshot* c_snapshot_acquire(flowlens_host_context* ctx) noexcept {
  const flowlens_snapshot* result = nullptr;
  char error[FLOWLENS_ERROR_BUFFER_MIN];
  flowlens_status st = guarded(error, sizeof error, [&] {
    model::SnapshotPtr snapshot = ctx->services->latest_snapshot();
    if (!snapshot) return;
    std::lock_guard lock(ctx->mutex);
    if (!ctx->last_view || ctx->last_view->snapshot() != snapshot) {
      ctx->last_view = std::make_shared<SnapshotView>(snapshot);
    }
    auto& entry = ctx->held[ctx->last_view->get()];
    entry.first = ctx->last_view;
    ++entry.second;
    result = ctx->last_view->get();
  });
  if (st != FLOWLENS_OK) c_log(ctx, FLOWLENS_LOG_ERROR, error);
  return result;
}

void c_snapshot_release(flowlens_host_context* ctx, const flowlens_snapshot* snapshot) noexcept {
  if (snapshot == nullptr) return;
  std::lock_guard lock(ctx->mutex);
  auto it = ctx->held.find(snapshot);
  if (it == ctx->held.end()) return;  // not ours or released twice: nothing safe to do
  if (--it->second.second == 0) ctx->held.erase(it);
}

size_t c_health_json(flowlens_host_context* ctx, char* buf, size_t size) noexcept {
  std::string text;
  char error[FLOWLENS_ERROR_BUFFER_MIN];
  flowlens_status st = guarded(error, sizeof error, [&] { text = ctx->services->health_json(); });
  if (st != FLOWLENS_OK) {
    char line[FLOWLENS_ERROR_BUFFER_MIN + 32];
    std::snprintf(line, sizeof line, "health_json failed: %s", error);
    c_log(ctx, FLOWLENS_LOG_ERROR, line);
    text.clear();  // the header promises 0 and "" when the host cannot produce it
  }
  // snprintf's contract: copy what fits, always terminate, return the whole length.
  if (buf != nullptr && size > 0) {
    size_t n = std::min(text.size(), size - 1);
    std::memcpy(buf, text.data(), n);
    buf[n] = '\0';
  }
  return text.size();
}

void c_set_status(flowlens_host_context* ctx, const char* status, const char* detail) noexcept {
  char ignored[1];
  guarded(ignored, 0, [&] {
    ctx->services->set_status(ctx->instance, status ? status : "", detail ? detail : "");
  });
}

void c_report_failure(flowlens_host_context* ctx, const char* message) noexcept {
  char ignored[1];
  guarded(ignored, 0, [&] {
    ctx->services->report_failure(ctx->instance, message ? message : "(no message)");
  });
}

}  // namespace

HostApi::HostApi(std::string instance_name, HostServices& services)
    : context_(std::make_unique<flowlens_host_context>()) {
  context_->instance = std::move(instance_name);
  context_->services = &services;
  api_.struct_size = sizeof api_;
  api_.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
  api_.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
  api_.context = context_.get();
  api_.instance_name = context_->instance.c_str();
  api_.log = &c_log;
  api_.servers_add = &c_servers_add;
  api_.servers_remove = &c_servers_remove;
  api_.servers_replace_all = &c_servers_replace_all;
  api_.emit_event = &c_emit_event;
  api_.snapshot_acquire = &c_snapshot_acquire;
  api_.snapshot_release = &c_snapshot_release;
  api_.health_json = &c_health_json;
  api_.discovery_interval_ms = static_cast<uint64_t>(services.discovery_interval().count());
  api_.set_status = &c_set_status;
  api_.report_failure = &c_report_failure;
}

HostApi::~HostApi() = default;

}  // namespace flowlens::plugin_host
