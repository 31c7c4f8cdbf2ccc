/* SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only) */
/*
 * The one definition of what the kernel program and userspace exchange: map keys, map values and
 * the per-packet accounting both sides apply. The kernel program (flowlens.bpf.c) updates flow
 * values with flowlens_account(); `flowlensd replay` applies the very same function to packets read
 * from a capture, so the estimator sees identical records from either source.
 *
 * Only UAPI types are used: the header must compile for the BPF target (clang -target bpf) and for
 * the host (g++), with no vmlinux.h.
 */
#ifndef FLOWLENS_BPF_FLOWLENS_H
#define FLOWLENS_BPF_FLOWLENS_H

#include <linux/types.h>

#include "flowlens_query.h"

/* Pin directory for the maps, so a daemon restart keeps what the kernel counted. */
#define FLOWLENS_PIN_DIR "/sys/fs/bpf/flowlens"

/* TC priority of the daemon's filters unless `core.tc_priority` says otherwise (lower runs first;
 * bpf/tc_attachment.h says why not 1). The kernel keeps priorities in 16 bits. */
#define FLOWLENS_DEFAULT_TC_PRIORITY 2
#define FLOWLENS_MAX_TC_PRIORITY 0xffff

/* Width of the per-second activity windows in struct flowlens_dir_counters. */
#define FLOWLENS_ACTIVITY_SECONDS 64

#define FLOWLENS_NS_PER_SEC 1000000000ULL

/* Index into flowlens_flow_value.dir[]: ingress is client -> server, egress server -> client. */
enum flowlens_direction {
  FLOWLENS_DIR_IN = 0,
  FLOWLENS_DIR_OUT = 1,
};

/* TCP flag bits as they appear in byte 13 of the TCP header. */
enum flowlens_tcp_flag {
  FLOWLENS_TCP_FIN = 0x01,
  FLOWLENS_TCP_SYN = 0x02,
  FLOWLENS_TCP_RST = 0x04,
  FLOWLENS_TCP_PSH = 0x08,
  FLOWLENS_TCP_ACK = 0x10,
};

/* Key of the watched-ports map: a (port, protocol) pair that belongs to a game server. */
struct flowlens_port_key {
  __be16 port; /* server port, network byte order */
  __u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
  __u8 pad;    /* always zero */
};

/* Value of the watched-ports map. */
struct flowlens_port_value {
  __u32 server_index; /* userspace's index of the server owning the port; informational */
};

/* Key of the flow map: one client endpoint talking to one server port. */
struct flowlens_flow_key {
  __u8 client_addr[16]; /* IPv6 address, or IPv4 as v4-mapped ::ffff:a.b.c.d */
  __be16 client_port;   /* network byte order; tells players behind one NAT address apart */
  __be16 server_port;   /* network byte order */
  __u8 proto;           /* IPPROTO_TCP or IPPROTO_UDP */
  __u8 pad[3];          /* always zero: the key is hashed as raw bytes */
};

/* What one direction of a flow did. */
struct flowlens_dir_counters {
  __u64 packets;     /* lifetime packet count */
  __u64 bytes;       /* lifetime bytes, L2 frame length as on the wire */
  __u64 last_ns;     /* CLOCK_MONOTONIC (kernel) or capture time (replay) of the last packet */
  __u64 active_bits; /* bit i set: at least one packet in second active_sec - i */
  __u64 active_sec;  /* the second (timestamp / 1e9) that bit 0 of active_bits stands for */
};

/* Value of the flow map. Counters are updated atomically; the activity window and flag bytes are
 * best effort under concurrent updates of the same flow (a flow is normally steered to one CPU). */
struct flowlens_flow_value {
  struct flowlens_dir_counters dir[2]; /* indexed by enum flowlens_direction */
  __u64 first_ns;                      /* first packet of the flow, either direction */
  __u64 end_ns;                        /* first TCP FIN or RST, either direction; 0 if none */
  __u32 query_packets;                 /* client packets that are status queries: see
                                          flowlens_account() and flowlens_query.h */
  __u8 tcp_flags[2];                   /* OR of TCP flags seen, per direction */
  __u8 query_session;                  /* 1: the client opened a TCP status connection */
  __u8 pad;                            /* always zero */
  /* Time (the clock of last_ns) of the last refusal the server sent this client: a TCP RST from
   * the server port, or an ICMP port unreachable (v4 type 3 code 3, v6 type 1 code 4) quoting the
   * client's UDP datagram to the server port. A stopped server refuses; a loading one does not.
   * 0 if never. An ICMP refusal only marks a flow already in the flow map: it is not a packet of
   * the flow and is not counted in dir[]. */
  __u64 refused_ns;
};

#ifdef __cplusplus
static_assert(sizeof(struct flowlens_port_key) == 4, "port key layout is ABI with the kernel");
static_assert(sizeof(struct flowlens_flow_key) == 24, "flow key layout is ABI with the kernel");
static_assert(sizeof(struct flowlens_dir_counters) == 40, "counter layout is ABI with the kernel");
static_assert(sizeof(struct flowlens_flow_value) == 112,
              "flow value layout is ABI with the kernel");
#endif

/* FLOWLENS_INLINE comes from flowlens_query.h: inlined in BPF, plain inline on the host. */

/* Shifts a direction's activity window forward to `sec` and marks `sec` active. */
FLOWLENS_INLINE void flowlens_mark_active(struct flowlens_dir_counters* d, __u64 sec) {
  if (sec > d->active_sec) {
    __u64 shift = sec - d->active_sec;
    d->active_bits = shift >= FLOWLENS_ACTIVITY_SECONDS ? 0 : d->active_bits << shift;
    d->active_sec = sec;
  }
  if (sec + FLOWLENS_ACTIVITY_SECONDS > d->active_sec)
    d->active_bits |= 1ULL << (d->active_sec - sec);
}

/* Records a refusal by the server at `now_ns`; refusals seen out of order keep the latest. */
FLOWLENS_INLINE void flowlens_refused(struct flowlens_flow_value* v, __u64 now_ns) {
  if (now_ns > v->refused_ns) v->refused_ns = now_ns;
}

/*
 * Accounts one packet to a flow value. `v` must be zeroed (or hold earlier packets of the same
 * flow); `now_ns` is the packet's time, `frame_len` its L2 length, `tcp_flags` zero for UDP,
 * `query` the enum flowlens_query_kind of an ingress payload (flowlens_query.h), 0 on egress.
 * query_packets counts the client packets that are queries and, once a packet opened a TCP status
 * connection, every later client packet of it: such a connection carries nothing but the status
 * exchange, so its flow is as much a query as a UDP poller's.
 */
FLOWLENS_INLINE void flowlens_account(struct flowlens_flow_value* v, int dir, __u64 frame_len,
                                      __u64 now_ns, __u8 tcp_flags, int query) {
  struct flowlens_dir_counters* d = &v->dir[dir & 1];

  __sync_fetch_and_add(&d->packets, 1);
  __sync_fetch_and_add(&d->bytes, frame_len);
  if (now_ns > d->last_ns) d->last_ns = now_ns;
  if (v->first_ns == 0 || now_ns < v->first_ns) v->first_ns = now_ns;
  flowlens_mark_active(d, now_ns / FLOWLENS_NS_PER_SEC);
  if (tcp_flags) {
    v->tcp_flags[dir & 1] |= tcp_flags;
    if ((tcp_flags & (FLOWLENS_TCP_FIN | FLOWLENS_TCP_RST)) && v->end_ns == 0) v->end_ns = now_ns;
    if ((dir & 1) == FLOWLENS_DIR_OUT && (tcp_flags & FLOWLENS_TCP_RST))
      flowlens_refused(v, now_ns);
  }
  if (query == FLOWLENS_QUERY_SESSION) v->query_session = 1;
  if (query || ((dir & 1) == FLOWLENS_DIR_IN && v->query_session))
    __sync_fetch_and_add(&v->query_packets, 1);
}

/*
 * Flood resistance: a flow's first packet is held in a separate probation map and the flow enters
 * the flow map only with its second packet, either direction, carrying the first packet's counters
 * along. A spoofed-source flood (one packet per source) therefore churns only the probation map
 * and never evicts established players from the flow map.
 *
 * The probation map is an array of slots indexed by a seeded hash of the flow key, not an LRU
 * hash: a new flow overwrites whatever its slot held, so a first packet costs an array write
 * instead of an LRU insert with eviction (several hundred ns). The cost is that two new flows
 * meeting in one slot between their first and second packets lose the earlier one's first packet;
 * under a flood an LRU loses it too, just more expensively.
 */

/* Default size of the flow map; the daemon overrides it from `ebpf_map_size`. */
#define FLOWLENS_DEFAULT_FLOW_ENTRIES 65536
/* Largest `ebpf_map_size` accepted: about 200 MB of kernel memory, more than any game host needs,
 * so a larger value is a typo rather than a configuration. */
#define FLOWLENS_MAX_FLOW_ENTRIES (1u << 20)
/* Default slot count of the probation map (a power of two): new flows awaiting a second packet. */
#define FLOWLENS_DEFAULT_PROBATION_ENTRIES 16384
/* Capacity of the watched-ports map: (port, protocol) pairs of every server on one host. */
#define FLOWLENS_MAX_WATCHED_PORTS 4096

/*
 * The kernel's per-packet watched test. A hash lookup in the watched-ports map costs about as much
 * as the whole parse, so userspace (WatchedPorts) mirrors that map into this bitmap, which the
 * program reads as a global without any helper call: bit (port % 8) of bits[slot][port / 8], slot
 * FLOWLENS_PORT_SLOT_UDP or FLOWLENS_PORT_SLOT_TCP, port in host byte order. The hash map stays the
 * record of what is watched (with each port's server index) for userspace and bpftool.
 */
enum flowlens_port_slot {
  FLOWLENS_PORT_SLOT_UDP = 0,
  FLOWLENS_PORT_SLOT_TCP = 1,
};
struct flowlens_port_bitmap {
  __u8 bits[2][65536 / 8]; /* indexed by enum flowlens_port_slot, then port / 8 */
};

#include <linux/bpf.h> /* struct bpf_spin_lock */

/* Value of the probation map: the first packet of one new flow, or empty. */
struct flowlens_probation_slot {
  struct bpf_spin_lock lock;        /* orders a slot's claim against its admission across CPUs */
  __u32 admitted;                   /* 1: `key` moved to the flow map; a CPU that missed it there
                                       a moment ago must count there, not start a new claim */
  struct flowlens_flow_key key;     /* the waiting (or just admitted) flow */
  struct flowlens_flow_value first; /* its first packet; no packets in either direction = unused */
};

#ifdef __cplusplus
static_assert(sizeof(struct flowlens_probation_slot) == 144, "slot layout is ABI with the kernel");
#endif

#endif /* FLOWLENS_BPF_FLOWLENS_H */
