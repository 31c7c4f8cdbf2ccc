/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FlowLens plugin ABI, version 1. This header is the specification: a plugin that follows it
 * loads into any flowlensd speaking the same major version, whatever compiler built either side.
 * C99 and C++ compatible; nothing here needs a C++ runtime.
 *
 * ===== Shape ====================================================================================
 * A plugin is a shared object exporting exactly ONE symbol, FLOWLENS_PLUGIN_ENTRY (a function
 * returning a pointer to a constant flowlens_plugin_descriptor). Everything else is reached
 * through function pointers: the plugin's in the descriptor, the host's in flowlens_host_api.
 *
 * Lifecycle of one instance (several instances of one plugin may exist at once):
 *   create(host, config JSON) -> start -> [on_snapshot / on_event / reopen ...] -> stop -> destroy
 * create only parses and validates: it opens no socket and starts no thread, so
 * `flowlensd check-config` can run create + destroy without touching the network. start acquires
 * resources; stop releases them and joins every thread the instance started. destroy frees.
 *
 * ===== Versioning and struct growth ============================================================
 * Every struct starts with `uint32_t struct_size` = sizeof(struct) as the WRITER compiled it, and
 * only ever grows at the end. A reader touches a field only when
 *   struct_size >= offsetof(struct, field) + sizeof(field)      (FLOWLENS_HAS_FIELD below),
 * and ignores bytes past the fields it knows. Fields are never removed, retyped or reordered.
 * Arrays of structs are walked with a stride of the first element's struct_size (all elements
 * of one array have the same size), never with the reader's sizeof: see FLOWLENS_ARRAY_AT.
 *
 * ===== Memory rules (apply everywhere unless a field says otherwise) ===========================
 * 1. The caller owns every pointer it passes. The callee may read it only during the call and
 *    copies whatever it keeps. The host API copies everything a plugin gives it.
 * 2. Strings are NUL-terminated UTF-8. NULL is allowed only where a field says "may be NULL".
 * 3. The descriptor and every string in it are static: valid for as long as the library is
 *    loaded, which is until the process exits (the host never unloads plugins).
 * 4. The flowlens_host_api pointer given to create, and everything it points to, stays valid
 *    until that instance's destroy returns.
 * 5. Error buffers are owned by the caller: (char* error, size_t error_size), size including the
 *    terminating NUL, at least FLOWLENS_ERROR_BUFFER_MIN bytes, never NULL when passed by the
 *    host. On failure the callee writes a NUL-terminated message (truncated to fit) saying what
 *    failed and why; the host adds the file and instance name itself.
 * 6. Nothing unwinds across this boundary: no C++ exception, no longjmp. A callee catches all.
 * 7. No host function calls back into the plugin, so a plugin may call the host API while holding
 *    its own locks and from inside any of its callbacks.
 */
#ifndef FLOWLENS_PLUGIN_H
#define FLOWLENS_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===== Versions ============================================================================== */

/* Bump MAJOR only when an old plugin can no longer work with a new host or the reverse: a field
 * removed, retyped or moved, a meaning changed. A bump renames the entry symbol (_v2) and resets
 * MINOR to 0. The host refuses a plugin of another major. */
#define FLOWLENS_PLUGIN_ABI_MAJOR 1
/* Bump MINOR when something is appended: a field at the end of a struct, a host function, a
 * status, an event kind, a capability bit. Minors are compatible both ways: readers check
 * struct_size before a newer field, and unknown enum values are treated as the generic case. */
#define FLOWLENS_PLUGIN_ABI_MINOR 5

/* The one exported symbol; its name carries the major so a v2 plugin is told apart by name. */
#define FLOWLENS_PLUGIN_ENTRY flowlens_plugin_entry_v1
#define FLOWLENS_PLUGIN_ENTRY_NAME "flowlens_plugin_entry_v1"
#define FLOWLENS_PLUGIN_ENTRY_PREFIX "flowlens_plugin_entry_v"

/* Smallest error buffer the host passes; messages longer than this may be truncated. */
#define FLOWLENS_ERROR_BUFFER_MIN 256

#if defined(_WIN32)
#define FLOWLENS_PLUGIN_EXPORT __declspec(dllexport)
#else
#define FLOWLENS_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* True when `ptr` (a size-prefixed struct written by someone else) contains `field`. */
#define FLOWLENS_HAS_FIELD(type, ptr, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* Element `i` of an array of size-prefixed structs, stepping by the writer's struct_size. */
#define FLOWLENS_ARRAY_AT(type, base, i) \
  ((const type*)((const char*)(base) + (size_t)(i) * (size_t)(base)->struct_size))

/* ===== Status codes ========================================================================== */

/* Returned by every fallible call. int32_t rather than the enum type so its size is fixed. */
typedef int32_t flowlens_status;
enum {
  FLOWLENS_OK = 0,
  FLOWLENS_ERR_INVALID_ARGUMENT = 1, /* a NULL, empty id, bad port or protocol */
  FLOWLENS_ERR_CONFIG = 2,           /* the instance's config is wrong: message "PATH: why" */
  FLOWLENS_ERR_FAILED = 3,           /* anything else: message says what */
  FLOWLENS_ERR_UNSUPPORTED = 4,      /* the callee does not offer this (e.g. older minor) */
  FLOWLENS_ERR_STATE = 5,            /* called in the wrong lifecycle state */
  FLOWLENS_ERR_NO_MEMORY = 6
};

/* Log levels, lowest first. Unknown values are logged at INFO. */
enum {
  FLOWLENS_LOG_TRACE = 0,
  FLOWLENS_LOG_DEBUG = 1,
  FLOWLENS_LOG_INFO = 2,
  FLOWLENS_LOG_WARN = 3,
  FLOWLENS_LOG_ERROR = 4
};

/* Capability bits in flowlens_plugin_descriptor.capabilities. */
enum {
  FLOWLENS_CAP_DISCOVERY = 1u << 0, /* publishes servers through the host API */
  FLOWLENS_CAP_SINK = 1u << 1,      /* receives snapshots and events: on_snapshot required */
  /* v1.3, with FLOWLENS_CAP_DISCOVERY: start publishes only what the config lists, opens nothing
   * and starts no thread. check-config then starts and stops the instance to check its servers
   * against every other instance's (a port claimed twice), which it cannot do for discovery
   * that asks a service. A host that predates the bit ignores it. */
  FLOWLENS_CAP_PUBLISHES_CONFIG = 1u << 2
};

/* Transport protocols, IANA numbers (IPPROTO_TCP, IPPROTO_UDP). */
enum { FLOWLENS_PROTO_TCP = 6, FLOWLENS_PROTO_UDP = 17 };

/* Event kinds. Unknown kinds from a newer minor are treated as FLOWLENS_EVENT_CUSTOM. */
enum {
  FLOWLENS_EVENT_CUSTOM = 0,            /* free-form: message says what happened */
  FLOWLENS_EVENT_THRESHOLD_CROSSED = 1, /* value = player count that crossed a threshold */
  FLOWLENS_EVENT_SERVER_EMPTY = 2,      /* value = 0; the server had players and has none */
  FLOWLENS_EVENT_SERVER_UNKNOWN = 3,    /* estimate became unknown; message = reason */
  FLOWLENS_EVENT_SERVER_ADDED = 4,      /* discovery published a new server */
  FLOWLENS_EVENT_SERVER_REMOVED = 5     /* discovery withdrew a server */
};

/* ===== Data views ============================================================================
 * Plain views passed by pointer. Ownership follows the memory rules above: whoever passes one
 * owns it and everything it points to; the receiver copies what it keeps. */

/* One (port, protocol) pair on which a game server receives its players' traffic. */
typedef struct flowlens_endpoint {
  /* sizeof(flowlens_endpoint) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, required ---- */
  /* Port in host byte order, 1..65535. */
  uint16_t port;
  /* FLOWLENS_PROTO_TCP or FLOWLENS_PROTO_UDP. */
  uint8_t proto;
} flowlens_endpoint;

/* One label, e.g. {"game", "minecraft"}. Keys are unique within one server. */
typedef struct flowlens_label {
  /* sizeof(flowlens_label) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, required ---- */
  /* Label key, non-empty. */
  const char* key;
  /* Label value, may be empty, never NULL. */
  const char* value;
} flowlens_label;

/* A game server as discovery publishes it. */
typedef struct flowlens_server {
  /* sizeof(flowlens_server) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, required ---- */
  /* Stable identifier, non-empty; what sinks report and what remove takes. */
  const char* id;
  /* ---- v1.0, optional (NULL / 0 allowed) ---- */
  /* Human-readable name; NULL means "same as id". */
  const char* name;
  /* endpoint_count endpoints, walked with FLOWLENS_ARRAY_AT. NULL when endpoint_count is 0. */
  const flowlens_endpoint* endpoints;
  size_t endpoint_count;
  /* label_count labels, walked with FLOWLENS_ARRAY_AT. NULL when label_count is 0. */
  const flowlens_label* labels;
  size_t label_count;
} flowlens_server;

/* The estimate for one server in one snapshot. */
typedef struct flowlens_server_estimate {
  /* sizeof(flowlens_server_estimate) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, always set by the host ---- */
  /* Server id as discovery published it. */
  const char* server_id;
  /* 1 when the estimate is meaningful; 0 when the daemon cannot currently estimate this server
   * (BPF not attached, just discovered, map overflowing). Sinks report "unknown" then, never 0:
   * an operator's script may act on a 0. */
  uint8_t known;
  /* Why known is 0, e.g. "bpf not attached"; "" when known is 1. */
  const char* unknown_reason;
  /* Estimated players active in the sample window. 0 when known is 0. */
  uint32_t active_players;
  /* unique_ip_count distinct client addresses (text, IPv4 dotted or IPv6) in the window. Personal
   * data: sinks should let the operator leave them out. */
  const char* const* unique_ips;
  size_t unique_ip_count;
  /* Length of the window the estimate covers, in seconds. */
  double sample_window_seconds;
  /* Bytes both directions over the flows still held for this server. */
  uint64_t total_bytes;

  /* ---- v1.2, set by a 1.2 host: check FLOWLENS_HAS_FIELD ---- */
  /* The server's display name as discovery published it (its id when discovery gave none). Never
   * NULL from a 1.2 host. */
  const char* name;
  /* label_count labels as discovery published them, walked with FLOWLENS_ARRAY_AT, sorted by key.
   * NULL when label_count is 0. Same lifetime as the snapshot. */
  const flowlens_label* labels;
  size_t label_count;
} flowlens_server_estimate;

/* One tick's estimate for every known server. Immutable while a plugin holds it. */
typedef struct flowlens_snapshot {
  /* sizeof(flowlens_snapshot) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, always set by the host ---- */
  /* Wall clock of the tick, milliseconds since the Unix epoch (for display). */
  int64_t timestamp_unix_ms;
  /* Monotonic clock of the flow records at the tick, nanoseconds (for rates between ticks). */
  uint64_t monotonic_ns;
  /* server_count estimates, walked with FLOWLENS_ARRAY_AT, sorted by server_id. */
  const flowlens_server_estimate* servers;
  size_t server_count;
} flowlens_snapshot;

/* Something that happened: a threshold crossed, a server emptied. Emitted by the core or by a
 * plugin through emit_event; delivered to every sink's on_event. */
typedef struct flowlens_event {
  /* sizeof(flowlens_event) as the writer compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, required ---- */
  /* A FLOWLENS_EVENT_* kind. */
  uint32_t kind;
  /* Human-readable sentence, never NULL (may be ""). */
  const char* message;
  /* ---- v1.0, optional (NULL / 0 allowed) ---- */
  /* Server the event is about; NULL when it is about no server. */
  const char* server_id;
  /* Kind-specific number (player count for THRESHOLD_CROSSED); 0 when meaningless. */
  double value;
  /* When it happened, ms since the Unix epoch; 0 on emit means "now" (the host fills it in). */
  int64_t timestamp_unix_ms;
  /* Instance that emitted it, or "core". Set by the host on delivery; ignored on emit. */
  const char* source;
} flowlens_event;

/* ===== Host API ==============================================================================
 * What the host offers one plugin instance. Given to create; valid until that instance's destroy
 * returns. Every function is thread-safe: callable from any thread of the plugin, concurrently,
 * from the moment create is entered until destroy returns, including from inside callbacks.
 * Functions copy their arguments before returning. Check struct_size before calling a function
 * added after v1.0 (FLOWLENS_HAS_FIELD). */

/* Opaque to plugins: the host's per-instance state, passed back as the first argument. */
typedef struct flowlens_host_context flowlens_host_context;

typedef struct flowlens_host_api {
  /* sizeof(flowlens_host_api) as the host compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, always set by the host ---- */
  /* ABI version the host speaks; a plugin may refuse in create if it needs a newer minor. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Pass as the first argument of every function below. Owned by the host. */
  flowlens_host_context* context;
  /* The instance's name from the config, e.g. "jsonapi". Owned by the host. */
  const char* instance_name;

  /* Writes `message` to the daemon's log at `level` (FLOWLENS_LOG_*), tagged with the instance
   * name. Args: message, NUL-terminated, not owned. Returns nothing; never fails visibly. */
  void (*log)(flowlens_host_context* context, int32_t level, const char* message);

  /* Adds or updates (same id) `count` servers published by this instance; the registry merges
   * what several discovery instances publish. Args: servers, an array walked with
   * FLOWLENS_ARRAY_AT; error buffer (may be NULL when error_size is 0). Returns FLOWLENS_OK, or
   * FLOWLENS_ERR_INVALID_ARGUMENT (empty id, port 0, unknown proto) having applied none. */
  flowlens_status (*servers_add)(flowlens_host_context* context, const flowlens_server* servers,
                                 size_t count, char* error, size_t error_size);

  /* Withdraws servers this instance published, by id; unknown ids are ignored. Args: ids, an
   * array of `count` NUL-terminated strings. Returns FLOWLENS_OK or an error as above. */
  flowlens_status (*servers_remove)(flowlens_host_context* context, const char* const* ids,
                                    size_t count, char* error, size_t error_size);

  /* Replaces everything this instance published with exactly `servers` (count 0 withdraws all),
   * atomically: readers see the old set or the new one. For discovery that rescans. Args and
   * return as servers_add. */
  flowlens_status (*servers_replace_all)(flowlens_host_context* context,
                                         const flowlens_server* servers, size_t count, char* error,
                                         size_t error_size);

  /* Queues `event` for every sink (including this instance if it is a sink); never blocks. The
   * host sets source and, when 0, timestamp_unix_ms. Returns FLOWLENS_OK or
   * FLOWLENS_ERR_INVALID_ARGUMENT (NULL event or message). */
  flowlens_status (*emit_event)(flowlens_host_context* context, const flowlens_event* event,
                                char* error, size_t error_size);

  /* Acquires the latest published snapshot. Returns NULL when none has been published yet.
   * Ownership: the host keeps the snapshot and everything it points to alive and unchanged until
   * the plugin passes it to snapshot_release; the plugin must release every non-NULL snapshot
   * exactly once, before its destroy returns. Holding one does not block the estimator: newer
   * snapshots are published beside it. */
  const flowlens_snapshot* (*snapshot_acquire)(flowlens_host_context* context);

  /* Releases a snapshot from snapshot_acquire. NULL is ignored. */
  void (*snapshot_release)(flowlens_host_context* context, const flowlens_snapshot* snapshot);

  /* ---- v1.1, optional: check FLOWLENS_HAS_FIELD ---- */

  /* Writes the daemon's health, as one JSON object text, for a plugin that reports it (an HTTP
   * /health route, a status metric). Required: no; a v1.0 host's struct_size ends before this
   * field, so check FLOWLENS_HAS_FIELD(flowlens_host_api, host, health_json) and that it is not
   * NULL before calling.
   * Args: buf, where the text goes, owned by the caller; may be NULL when size is 0 (to ask for
   * the length only). size, the bytes available at buf including the terminating NUL. When the
   * text does not fit it is truncated to size - 1 bytes and NUL-terminated (a truncated text is
   * not valid JSON: retry with a bigger buffer).
   * Returns the full length of the text, excluding the NUL, like snprintf: a return >= size means
   * truncated, and a buffer of return + 1 bytes would have held it. The health may grow between
   * two calls (a plugin starts), so a retry may need another, bounded, attempt. Returns 0 with
   * buf set to "" (when size > 0) if the host could not produce it.
   * Ownership: nothing is retained; the text is a copy, valid as long as the caller keeps buf.
   * Threads: any, as every host function. It reads counters under short locks: cheap, but a
   * plugin serving unauthenticated requests should cache the text (about a second) rather than
   * call it per request.
   *
   * The object's fields (more may be added; readers ignore unknown ones):
   *   "version"               string  flowlensd's version, e.g. "0.1.0"
   *   "uptime_seconds"        number  seconds since the daemon started
   *   "bpf_attached"          bool    the kernel program is attached to the interface
   *   "interface"             string  the interface it watches ("" when not attached)
   *   "last_tick_age_seconds" number  seconds since the last estimator tick; null before it
   *   "tick_duration_seconds" number  how long the last tick took (1.2); null before it
   *   "flows"                 number  entries read from the kernel flow map at the last tick
   *   "map_capacity"          number  the flow map's maximum entries (ebpf_map_size)
   *   "one_packet_flows"      number  new flows seen once in the last tick, not yet counted
   *                                   (spoofed sources and scans never send a second packet)
   *   "probation_capacity"    number  the most one_packet_flows can be; near it: a flood
   *   "plugins"               array   one object per running instance, in start order:
   *       "instance" (its name in the config), "plugin" (descriptor name), "version" (plugin
   *       version), "kind" ("discovery", "sink", or "discovery+sink"), "state" ("started",
   *       "stopped", "failed", ...), and for sinks: "snapshots_delivered", "snapshots_skipped"
   *       (replaced by a newer one before the sink took them), "events_delivered",
   *       "events_dropped" (oldest dropped from the sink's full event queue), "failures"
   *       (callbacks that returned an error); "status" and "detail" when the plugin set them
   *       (set_status, 1.2); "state": "failed" and "error" once one of its threads failed
   *       (report_failure, 1.5). Instances that failed to load, be created or start follow
   *       with "state": "failed" and "error" (1.2). */
  size_t (*health_json)(flowlens_host_context* context, char* buf, size_t size);

  /* ---- v1.2, set by a 1.2 host: check FLOWLENS_HAS_FIELD ---- */

  /* The operator's `core.discovery_interval` in milliseconds (at least 100): how often a polling
   * discovery plugin rescans. A plugin's own interval key, where it has one, overrides it; from an
   * older host (field absent) a plugin uses its own default. */
  uint64_t discovery_interval_ms;

  /* Sets what this instance reports about its own condition in the daemon's health (its entry in
   * health_json's "plugins": "status" and "detail"), for what only the plugin knows: "degraded"
   * with "dockerd unreachable at unix:///var/run/docker.sock: connection refused", then "ok"
   * with "" once it is back. Required: no (check FLOWLENS_HAS_FIELD and NULL). Args: status, a
   * short word ("ok", "degraded", "failing"), not NULL; detail, one sentence, may be NULL or "".
   * Both are copied; the caller keeps ownership. Returns nothing. Threads: any. An instance that
   * never calls it shows no status. */
  void (*set_status)(flowlens_host_context* context, const char* status, const char* detail);

  /* ---- v1.5, set by a 1.5 host: check FLOWLENS_HAS_FIELD ---- */

  /* Says this instance can no longer do its work: one of its own threads ended by an error it
   * could not handle (the C++ helper's sdk::Thread calls it when an exception escapes). The host
   * logs `message` at error once, naming the instance (later reports of the same instance are
   * not logged again), and shows the instance in the health with "state": "failed" and "error":
   * message until it is stopped; the instance keeps running otherwise (its other threads, sink
   * deliveries) and is still stopped and destroyed as usual, so stop must still join the thread
   * that failed. Required: no (check FLOWLENS_HAS_FIELD and NULL; an older host has only log
   * and set_status). Args: message, one sentence, not NULL, copied. Threads: any, including the
   * thread that is ending. */
  void (*report_failure)(flowlens_host_context* context, const char* message);
} flowlens_host_api;

/* ===== Plugin descriptor =====================================================================
 * What the entry point returns: a constant, static struct (memory rule 3). The host reads it
 * once at load, copying min(struct_size, its own sizeof) bytes into a zeroed struct. */

/* Opaque to the host: one instance's state, created by create and freed by destroy. */
typedef struct flowlens_plugin_instance flowlens_plugin_instance;

typedef struct flowlens_plugin_descriptor {
  /* sizeof(flowlens_plugin_descriptor) as the plugin compiled it. Required. */
  uint32_t struct_size;
  /* ---- v1.0, required: identity ---- */
  /* FLOWLENS_PLUGIN_ABI_MAJOR / MINOR the plugin was built against. The host refuses another
   * major before reading anything past these two fields. */
  uint32_t abi_major;
  uint32_t abi_minor;
  /* Plugin name, e.g. "sink-jsonapi": [a-z0-9-], what the config's `plugin:` key names. */
  const char* name;
  /* Plugin version, e.g. "1.2.0", shown by `flowlensd plugins`. */
  const char* version;
  /* One line saying what it does. May be "". */
  const char* description;
  /* FLOWLENS_CAP_* bits; at least one. */
  uint32_t capabilities;

  /* ---- v1.0, required: lifecycle ---- */

  /* Creates an instance from its config section. Parses and validates only: no sockets, no
   * threads (memory rules, lifecycle). Args: host, valid until destroy returns (may be kept);
   * config_json, the instance's section as JSON text (an object, "{}" when empty), valid during
   * the call; error buffer; out_instance, set on success. Returns FLOWLENS_OK, or
   * FLOWLENS_ERR_CONFIG with a message of the form "PATH: what was expected", or another error.
   * PATH is the key path of the offending value inside the instance's section: keys joined by
   * '.', list elements as [i] (`listen[1]`, `limits.max_body_bytes`, `servers[2].endpoints[0]`),
   * "(section)" for the section as a whole. The host maps PATH to the file and line of that value
   * (check-config prints them); a message without a PATH points at the section. On error
   * *out_instance is untouched and nothing leaks. Threads: the host's control thread. */
  flowlens_status (*create)(const flowlens_host_api* host, const char* config_json,
                            flowlens_plugin_instance** out_instance, char* error,
                            size_t error_size);

  /* Frees an instance that is created or stopped. Never fails. Threads: control thread; no
   * other call on this instance runs or follows. */
  void (*destroy)(flowlens_plugin_instance* instance);

  /* ---- v1.0, optional (NULL = nothing to do) ---- */

  /* Starts work: opens sockets, starts threads, may publish servers. Returns FLOWLENS_OK or an
   * error with a message; on error the instance stays created and the host calls destroy.
   * Threads: control thread. */
  flowlens_status (*start)(flowlens_plugin_instance* instance, char* error, size_t error_size);

  /* Stops work and JOINS every thread the instance started; after it returns the instance calls
   * no host function until destroy. Never fails. Threads: control thread, only after a
   * successful start, and never while on_snapshot / on_event runs for this instance. */
  void (*stop)(flowlens_plugin_instance* instance);

  /* ---- v1.0, sinks (required with FLOWLENS_CAP_SINK: on_snapshot) ---- */

  /* Receives a newer snapshot (latest wins: intermediate ones may be skipped). Args: snapshot,
   * valid during the call only; acquire one through the host API to keep it. Returns FLOWLENS_OK
   * or an error (counted and logged; delivery continues). Threads: this instance's own delivery
   * thread, between start and stop, never concurrently with on_event for this instance. May be
   * slow: only this instance waits. */
  flowlens_status (*on_snapshot)(flowlens_plugin_instance* instance,
                                 const flowlens_snapshot* snapshot, char* error, size_t error_size);

  /* Receives an event, in emission order (a full queue drops the oldest). Args: event, valid
   * during the call only. Returns and threads as on_snapshot. Optional even for sinks. */
  flowlens_status (*on_event)(flowlens_plugin_instance* instance, const flowlens_event* event,
                              char* error, size_t error_size);

  /* ---- v1.2, optional (NULL = the plugin has no test message) ---- */

  /* Sends one test message through everything this instance delivers to (each webhook, a StatsD
   * server, ...) and writes a report of what each destination answered, one line per
   * destination, for `flowlensd alert-test`. Required: no. Args: report, owned by the caller,
   * report_size bytes including the terminating NUL (at least FLOWLENS_ERROR_BUFFER_MIN); the
   * text is truncated to fit. Returns FLOWLENS_OK when every destination accepted the message,
   * FLOWLENS_ERR_FAILED when one did not (the report says which and why). Threads: control
   * thread, after a successful start, never while on_snapshot / on_event runs; may block for as
   * long as the plugin's own request timeouts. Never called by a running daemon: only by the
   * command, on an instance it started for the test. */
  flowlens_status (*self_test)(flowlens_plugin_instance* instance, char* report,
                               size_t report_size);

  /* ---- v1.4, optional (NULL = nothing read at start that could change on disk) ---- */

  /* Re-reads the files the instance read when it started: a TLS certificate and its key, a
   * secret given as KEY_file, a CA bundle. The operator has replaced some of them (a renewed
   * certificate) and said so with SIGHUP (`systemctl reload flowlensd`): the daemon calls it then
   * for every started instance that the reload did not start or restart (those read everything
   * afresh anyway). Required: no; a host older than 1.4 never calls it, and a plugin built
   * against 1.3 or older has no such field (the host reads it only when the descriptor's
   * struct_size holds it, FLOWLENS_HAS_FIELD).
   * A new file that does not load (unreadable, malformed, a key that does not match its
   * certificate) changes nothing: the instance keeps working with what it read before, whole
   * (never a new certificate with the old key), and returns FLOWLENS_ERR_FAILED with a message
   * naming the config key, the file and why, e.g. "tls.key_file: /etc/flowlens/api.key: does
   * not match the certificate in tls.cert_file /etc/flowlens/api.pem; still serving the previous
   * certificate". The host logs it once, with the instance name; the daemon and the instance go
   * on. Returns FLOWLENS_OK when everything was read again (or there was nothing to read).
   * Threads: control thread, between a successful start and stop, possibly while on_snapshot /
   * on_event or the plugin's own threads run: the plugin swaps in what it read under its own
   * lock. Reads files, not the network: every other instance waits for it. */
  flowlens_status (*reopen)(flowlens_plugin_instance* instance, char* error, size_t error_size);

  /* ---- end of v1.4; later minors append here ---- */
} flowlens_plugin_descriptor;

/* The entry point every plugin exports (FLOWLENS_PLUGIN_ENTRY_NAME). Returns the plugin's static
 * descriptor; never NULL. Called once, from the control thread, right after loading. */
typedef const flowlens_plugin_descriptor* (*flowlens_plugin_entry_fn)(void);

FLOWLENS_PLUGIN_EXPORT const flowlens_plugin_descriptor* FLOWLENS_PLUGIN_ENTRY(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FLOWLENS_PLUGIN_H */
