// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only)
/*
 * FlowLens kernel program: counts packets of game flows on TC clsact ingress and egress.
 *
 * It never drops or edits a packet. Every path returns TC_ACT_UNSPEC rather than TC_ACT_OK: in
 * direct-action mode UNSPEC lets the classifier chain go on to the next filter (another tool's
 * program on the same hook still runs and decides), and with no further filter the packet passes.
 * TC_ACT_OK would end the chain and silently bypass filters with a later priority.
 *
 * Only UAPI headers: the object loads on kernels without /sys/kernel/btf/vmlinux.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "flowlens.h"
#include "flowlens_parse.bpf.h"

/* Bytes made linear when headers sit outside the skb head: Ethernet, two tags, IPv6 with
 * extension headers and a TCP header with options fit. */
#define FLOWLENS_PULL_LEN 256

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Packet time, CLOCK_MONOTONIC at tick resolution (far finer than the one-second activity
 * window). The loader fits jiffies to the monotonic clock before load (bpf/jiffies_clock.h) and
 * sets flowlens_jiffy_ns: the verifier turns bpf_jiffies64() into a plain load, where a clock
 * helper call costs about 20 ns, a quarter of a watched packet's cost. Without a fit it sets
 * flowlens_coarse_clock when the kernel has bpf_ktime_get_coarse_ns (5.11+), the same clock as
 * a helper. The verifier prunes the branches not taken, so older kernels load. */
const volatile __u64 flowlens_jiffy_ns = 0;
const volatile __u64 flowlens_jiffies_base = 0;
const volatile __u64 flowlens_mono_base_ns = 0;
const volatile __u8 flowlens_coarse_clock = 0;

static __always_inline __u64 flowlens_now_ns(void) {
  if (flowlens_jiffy_ns)
    return flowlens_mono_base_ns + (bpf_jiffies64() - flowlens_jiffies_base) * flowlens_jiffy_ns;
  return flowlens_coarse_clock ? bpf_ktime_get_coarse_ns() : bpf_ktime_get_ns();
}

// Watched ports as a bitmap (see flowlens.h), in .bss; WatchedPorts writes it with one update.
struct flowlens_port_bitmap flowlens_watched_bits;

// Watched (server port, protocol) pairs with their server; WatchedPorts writes it and mirrors it
// into flowlens_watched_bits, which is what packets read.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, FLOWLENS_MAX_WATCHED_PORTS);
  __type(key, struct flowlens_port_key);
  __type(value, struct flowlens_port_value);
} flowlens_ports SEC(".maps");

// Admitted flows (two packets or more); packets update, the estimator reads and erases.
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, FLOWLENS_DEFAULT_FLOW_ENTRIES); /* set from ebpf_map_size before load */
  __type(key, struct flowlens_flow_key);
  __type(value, struct flowlens_flow_value);
} flowlens_flows SEC(".maps");

/* Set by the loader: probation slots - 1 (slots are a power of two), and a seed drawn at each
 * start so nobody outside can aim a flood at the slot a given client will use. */
const volatile __u32 flowlens_probation_mask = FLOWLENS_DEFAULT_PROBATION_ENTRIES - 1;
const volatile __u32 flowlens_hash_seed = 0;

// Probation slots: first packet of new flows; packets claim and admit, nothing else writes.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, FLOWLENS_DEFAULT_PROBATION_ENTRIES);
  __type(key, __u32);
  __type(value, struct flowlens_probation_slot);
} flowlens_admit SEC(".maps");

/* A seeded multiplicative hash of the flow key; only needs to spread keys over the slots. */
static __always_inline __u32 flowlens_slot_of(const struct flowlens_flow_key* key) {
  const __u32* w = (const __u32*)key;
  __u32 h = flowlens_hash_seed;
#pragma unroll
  for (int i = 0; i < (int)(sizeof(*key) / sizeof(__u32)); i++) {
    h = (h ^ w[i]) * 0x9e3779b1U;
    h ^= h >> 16;
  }
  return h & flowlens_probation_mask;
}

static __always_inline int flowlens_same_key(const struct flowlens_flow_key* a,
                                             const struct flowlens_flow_key* b) {
  const __u64* x = (const __u64*)a;
  const __u64* y = (const __u64*)b;
  return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
}

static __always_inline int flowlens_slot_used(const struct flowlens_probation_slot* slot) {
  return (slot->first.dir[0].packets | slot->first.dir[1].packets) != 0;
}

enum flowlens_slot_state {
  FLOWLENS_SLOT_CLAIMED = 0,  /* this packet now waits in the slot as its flow's first */
  FLOWLENS_SLOT_SECOND = 1,   /* the slot held this flow's first packet: admit it */
  FLOWLENS_SLOT_ADMITTED = 2, /* the slot says the flow was just admitted */
};

/* Under the slot lock: claims the slot for this packet, or reports what it holds for this flow. */
static __always_inline int flowlens_slot_visit(struct flowlens_probation_slot* slot,
                                               const struct flowlens_flow_key* key,
                                               const struct flowlens_flow_value* first,
                                               struct flowlens_flow_value* held, int reclaim) {
  int state = FLOWLENS_SLOT_CLAIMED;
  bpf_spin_lock(&slot->lock);
  if (flowlens_same_key(&slot->key, key) && flowlens_slot_used(slot)) {
    *held = slot->first;
    state = FLOWLENS_SLOT_SECOND;
  } else if (flowlens_same_key(&slot->key, key) && slot->admitted && !reclaim) {
    state = FLOWLENS_SLOT_ADMITTED;
  } else {
    slot->key = *key;
    slot->first = *first;
    slot->admitted = 0;
  }
  bpf_spin_unlock(&slot->lock);
  return state;
}

/*
 * A packet of a flow the flow map does not hold yet. If the flow's slot holds its first packet,
 * this is the second: the held counters go into the flow map (insert-if-absent, so of two CPUs
 * doing this at once exactly one carries them) and this packet is added there; the slot then
 * records the admission. A CPU that missed the flow map just before the insert finds either the
 * held packet (and loses the insert race) or that record (and counts in the flow map), so no
 * packet is lost or counted twice between CPUs. Otherwise this packet claims the slot.
 */
static __always_inline void flowlens_admit_packet(struct flowlens_pkt* pkt, int dir, __u64 len,
                                                  __u64 now) {
  __u32 index = flowlens_slot_of(&pkt->key);
  struct flowlens_probation_slot* slot = bpf_map_lookup_elem(&flowlens_admit, &index);
  if (!slot) return;

  struct flowlens_flow_value first = {};
  struct flowlens_flow_value held = {};
  struct flowlens_flow_value* v;
  flowlens_account(&first, dir, len, now, pkt->tcp_flags, pkt->query);

  int state = flowlens_slot_visit(slot, &pkt->key, &first, &held, 0);
  if (state == FLOWLENS_SLOT_CLAIMED) return;
  if (state == FLOWLENS_SLOT_ADMITTED) {
    v = bpf_map_lookup_elem(&flowlens_flows, &pkt->key);
    if (v) {
      flowlens_account(v, dir, len, now, pkt->tcp_flags, pkt->query);
      return;
    }
    /* Admitted once, since erased by the estimator or evicted: the flow starts over. */
    state = flowlens_slot_visit(slot, &pkt->key, &first, &held, 1);
    if (state == FLOWLENS_SLOT_CLAIMED) return;
  }

  if (bpf_map_update_elem(&flowlens_flows, &pkt->key, &held, BPF_NOEXIST) == 0) {
    bpf_spin_lock(&slot->lock);
    if (flowlens_same_key(&slot->key, &pkt->key)) {
      slot->first.dir[0].packets = 0;
      slot->first.dir[1].packets = 0;
      slot->admitted = 1;
    }
    bpf_spin_unlock(&slot->lock);
  }
  v = bpf_map_lookup_elem(&flowlens_flows, &pkt->key);
  if (v) flowlens_account(v, dir, len, now, pkt->tcp_flags, pkt->query);
}

static __always_inline int flowlens_handle(struct __sk_buff* skb, const int dir) {
  struct flowlens_pkt pkt = {};
  int res = flowlens_parse(skb, dir, &pkt);

  if (res == FLOWLENS_PARSE_SHORT) {
    /* Headers in paged data (e.g. after GRO): make them linear once and parse again. This
     * reshapes the skb's memory, not its bytes. */
    __u32 linear = skb->data_end - skb->data;
    if (skb->len <= linear) return TC_ACT_UNSPEC; /* truly truncated */
    __u32 want = skb->len < FLOWLENS_PULL_LEN ? skb->len : FLOWLENS_PULL_LEN;
    if (bpf_skb_pull_data(skb, want)) return TC_ACT_UNSPEC;
    res = flowlens_parse(skb, dir, &pkt);
  }
  if (res != FLOWLENS_PARSE_OK) return TC_ACT_UNSPEC;

  __u16 port = bpf_ntohs(pkt.key.server_port);
  __u8 slot = pkt.key.proto == IPPROTO_TCP ? FLOWLENS_PORT_SLOT_TCP : FLOWLENS_PORT_SLOT_UDP;
  if (!(flowlens_watched_bits.bits[slot][port >> 3] & (1 << (port & 7)))) return TC_ACT_UNSPEC;

  if (dir == FLOWLENS_DIR_IN) pkt.query = flowlens_classify(skb, &pkt);
  __u64 now = flowlens_now_ns();
  __u64 len = skb->len;
  struct flowlens_flow_value* v = bpf_map_lookup_elem(&flowlens_flows, &pkt.key);
  if (pkt.refused) {
    /* Not a packet of the flow: it only marks one the estimator may be counting. A flow still in
     * probation has no player to lose, and a refusal must not admit one. */
    if (v) flowlens_refused(v, now);
    return TC_ACT_UNSPEC;
  }
  if (v)
    flowlens_account(v, dir, len, now, pkt.tcp_flags, pkt.query);
  else
    flowlens_admit_packet(&pkt, dir, len, now);
  return TC_ACT_UNSPEC;
}

SEC("tc")
int flowlens_tc_in(struct __sk_buff* skb) {
  return flowlens_handle(skb, FLOWLENS_DIR_IN);
}

SEC("tc")
int flowlens_tc_out(struct __sk_buff* skb) {
  return flowlens_handle(skb, FLOWLENS_DIR_OUT);
}
