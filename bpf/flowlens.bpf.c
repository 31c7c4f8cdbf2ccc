// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
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
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "flowlens.h"

/* 802.1Q and 802.1ad (QinQ): a double-tagged frame is the deepest nesting seen on hosts. */
#define FLOWLENS_MAX_VLAN_TAGS 2
/* IPv6 extension headers skipped before giving up; real traffic rarely carries more than two. */
#define FLOWLENS_MAX_IPV6_EXT 4
/* Bytes made linear when headers sit outside the skb head: Ethernet, two tags, IPv6 with
 * extension headers and a TCP header with options fit. */
#define FLOWLENS_PULL_LEN 256
/* IPv4 fragment offset bits of frag_off (the kernel's IP_OFFSET is not UAPI). */
#define FLOWLENS_IP_OFFSET 0x1fff
/* IPv6 fragment header: offset bits of frag_off (the low three bits are flags). */
#define FLOWLENS_IP6_OFFSET 0xfff8
/* Source-engine (and many other) server-list queries start with four 0xFF bytes. */
#define FLOWLENS_QUERY_PREFIX 0xffffffffU

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader before load when the kernel has bpf_ktime_get_coarse_ns (5.11+): about 20 ns
 * cheaper per packet than bpf_ktime_get_ns, same clock at jiffy resolution, far finer than the
 * one-second activity window. The verifier prunes the branch not taken, so older kernels load. */
const volatile __u8 flowlens_coarse_clock = 0;

// Watched ports as a bitmap (see flowlens.h); WatchedPorts writes it through the mmap'd .bss.
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

struct flowlens_vlan_hdr {
  __be16 tci;
  __be16 encapsulated_proto;
};

struct flowlens_ip6_frag_hdr {
  __u8 nexthdr;
  __u8 reserved;
  __be16 frag_off;
  __be32 identification;
};

/* What one packet contributes; aligned so the key can be written in 32-bit words on the stack. */
struct flowlens_pkt {
  struct flowlens_flow_key key;
  __u8 tcp_flags;
  __u8 is_query;
} __attribute__((aligned(8)));

enum flowlens_parse_result {
  FLOWLENS_PARSE_OK = 0,
  FLOWLENS_PARSE_SKIP = 1,  /* not ours: other protocol, non-first fragment, malformed */
  FLOWLENS_PARSE_SHORT = 2, /* a header ends past the linear data */
};

/* Client-side L4 ports and flags; `l4` has been checked against nothing yet. */
static __always_inline int flowlens_parse_l4(void* l4, void* end, __u8 proto, int dir,
                                             struct flowlens_pkt* pkt) {
  __be16 sport, dport;

  if (proto == IPPROTO_UDP) {
    struct udphdr* udp = l4;
    if ((void*)(udp + 1) > end) return FLOWLENS_PARSE_SHORT;
    sport = udp->source;
    dport = udp->dest;
    /* A query whose payload lies outside the linear head is not recognised; UDP datagrams this
     * small are always linear in practice. */
    __u32* payload = (void*)(udp + 1);
    if (dir == FLOWLENS_DIR_IN && (void*)(payload + 1) <= end)
      pkt->is_query = *payload == FLOWLENS_QUERY_PREFIX;
  } else if (proto == IPPROTO_TCP) {
    struct tcphdr* tcp = l4;
    if ((void*)(tcp + 1) > end) return FLOWLENS_PARSE_SHORT;
    sport = tcp->source;
    dport = tcp->dest;
    pkt->tcp_flags = ((__u8*)tcp)[13];
  } else {
    return FLOWLENS_PARSE_SKIP;
  }
  pkt->key.proto = proto;
  pkt->key.client_port = dir == FLOWLENS_DIR_IN ? sport : dport;
  pkt->key.server_port = dir == FLOWLENS_DIR_IN ? dport : sport;
  return FLOWLENS_PARSE_OK;
}

static __always_inline int flowlens_parse_ipv4(void* l3, void* end, int dir,
                                               struct flowlens_pkt* pkt) {
  struct iphdr* ip = l3;
  if ((void*)(ip + 1) > end) return FLOWLENS_PARSE_SHORT;
  if (ip->version != 4 || ip->ihl < 5) return FLOWLENS_PARSE_SKIP;
  /* Later fragments carry no L4 header; the first fragment is counted like a whole packet. */
  if (ip->frag_off & bpf_htons(FLOWLENS_IP_OFFSET)) return FLOWLENS_PARSE_SKIP;

  __u32* addr = (__u32*)pkt->key.client_addr;
  addr[2] = bpf_htonl(0x0000ffff); /* v4-mapped ::ffff:a.b.c.d */
  addr[3] = dir == FLOWLENS_DIR_IN ? ip->saddr : ip->daddr;
  return flowlens_parse_l4(l3 + ip->ihl * 4, end, ip->protocol, dir, pkt);
}

static __always_inline int flowlens_parse_ipv6(void* l3, void* end, int dir,
                                               struct flowlens_pkt* pkt) {
  struct ipv6hdr* ip6 = l3;
  if ((void*)(ip6 + 1) > end) return FLOWLENS_PARSE_SHORT;
  __u8 next = ip6->nexthdr;
  void* cur = ip6 + 1;

#pragma unroll
  for (int i = 0; i < FLOWLENS_MAX_IPV6_EXT; i++) {
    if (next == IPPROTO_UDP || next == IPPROTO_TCP) break;
    if (next == IPPROTO_FRAGMENT) {
      struct flowlens_ip6_frag_hdr* frag = cur;
      if ((void*)(frag + 1) > end) return FLOWLENS_PARSE_SHORT;
      if (frag->frag_off & bpf_htons(FLOWLENS_IP6_OFFSET)) return FLOWLENS_PARSE_SKIP;
      next = frag->nexthdr;
      cur = frag + 1;
    } else if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
               next == IPPROTO_AH) {
      struct ipv6_opt_hdr* opt = cur;
      if ((void*)(opt + 1) > end) return FLOWLENS_PARSE_SHORT;
      /* AH counts its length in 4-byte units minus 2, the others in 8-byte units minus 1. */
      __u32 len = next == IPPROTO_AH ? ((__u32)opt->hdrlen + 2) * 4 : ((__u32)opt->hdrlen + 1) * 8;
      next = opt->nexthdr;
      cur += len;
    } else {
      return FLOWLENS_PARSE_SKIP;
    }
  }
  __builtin_memcpy(pkt->key.client_addr, dir == FLOWLENS_DIR_IN ? &ip6->saddr : &ip6->daddr, 16);
  return flowlens_parse_l4(cur, end, next, dir, pkt);
}

/* Fills `pkt` from the frame; one parser per header, each returning at its first failed check. */
static __always_inline int flowlens_parse(struct __sk_buff* skb, int dir,
                                          struct flowlens_pkt* pkt) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return FLOWLENS_PARSE_SHORT;
  __be16 proto = eth->h_proto;
  void* l3 = eth + 1;

#pragma unroll
  for (int i = 0; i < FLOWLENS_MAX_VLAN_TAGS; i++) {
    if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
    struct flowlens_vlan_hdr* vlan = l3;
    if ((void*)(vlan + 1) > end) return FLOWLENS_PARSE_SHORT;
    proto = vlan->encapsulated_proto;
    l3 = vlan + 1;
  }
  if (proto == bpf_htons(ETH_P_IP)) return flowlens_parse_ipv4(l3, end, dir, pkt);
  if (proto == bpf_htons(ETH_P_IPV6)) return flowlens_parse_ipv6(l3, end, dir, pkt);
  return FLOWLENS_PARSE_SKIP;
}

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
  flowlens_account(&first, dir, len, now, pkt->tcp_flags, pkt->is_query);

  int state = flowlens_slot_visit(slot, &pkt->key, &first, &held, 0);
  if (state == FLOWLENS_SLOT_CLAIMED) return;
  if (state == FLOWLENS_SLOT_ADMITTED) {
    v = bpf_map_lookup_elem(&flowlens_flows, &pkt->key);
    if (v) {
      flowlens_account(v, dir, len, now, pkt->tcp_flags, pkt->is_query);
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
  if (v) flowlens_account(v, dir, len, now, pkt->tcp_flags, pkt->is_query);
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

  __u64 now = flowlens_coarse_clock ? bpf_ktime_get_coarse_ns() : bpf_ktime_get_ns();
  __u64 len = skb->len;
  struct flowlens_flow_value* v = bpf_map_lookup_elem(&flowlens_flows, &pkt.key);
  if (v)
    flowlens_account(v, dir, len, now, pkt.tcp_flags, pkt.is_query);
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
