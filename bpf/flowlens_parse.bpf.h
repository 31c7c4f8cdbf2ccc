/* SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only) */
/*
 * Packet parsing for flowlens.bpf.c: one small parser per header, each returning at its first
 * failed bounds check. Fills struct flowlens_pkt with the flow key as seen from the client.
 */
#ifndef FLOWLENS_BPF_PARSE_H
#define FLOWLENS_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "flowlens.h"

/* 802.1Q and 802.1ad (QinQ): a double-tagged frame is the deepest nesting seen on hosts. */
#define FLOWLENS_MAX_VLAN_TAGS 2
/* IPv6 extension headers skipped before giving up; real traffic rarely carries more than two. */
#define FLOWLENS_MAX_IPV6_EXT 4
/* IPv4 fragment offset bits of frag_off (the kernel's IP_OFFSET is not UAPI). */
#define FLOWLENS_IP_OFFSET 0x1fff
/* IPv6 fragment header: offset bits of frag_off (the low three bits are flags). */
#define FLOWLENS_IP6_OFFSET 0xfff8

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
  __u8 query;   /* enum flowlens_query_kind, set by flowlens_classify() for watched ingress */
  __u8 refused; /* an egress ICMP port unreachable; `key` is the quoted client datagram's flow */
  __u16 payload_off; /* ingress: offset of the L4 payload from skb->data; 0 = none to classify */
  __u16 payload_len; /* UDP: payload length from the UDP header */
} __attribute__((aligned(8)));

enum flowlens_parse_result {
  FLOWLENS_PARSE_OK = 0,
  FLOWLENS_PARSE_SKIP = 1,  /* not ours: other protocol, non-first fragment, malformed */
  FLOWLENS_PARSE_SHORT = 2, /* a header ends past the linear data */
};

/* ICMP and ICMPv6 header: type, code, checksum and four unused bytes, then the quoted datagram.
 * (linux/icmp.h pulls in libc headers, which the BPF target does not have.) */
#define FLOWLENS_ICMP_HDR_LEN 8
/* Port unreachable: ICMPv4 destination unreachable (3) code 3, ICMPv6 (1) code 4. */
#define FLOWLENS_ICMP_DEST_UNREACH 3
#define FLOWLENS_ICMP_PORT_UNREACH 3
#define FLOWLENS_ICMPV6_DEST_UNREACH 1
#define FLOWLENS_ICMPV6_PORT_UNREACH 4

/* The datagram an ICMP port unreachable quotes is the client's packet to the server port: its
 * source is the client, its destination port the server's. Only UDP is quoted for a closed port
 * (TCP answers with RST), and the quote must reach the two ports. */
static __always_inline int flowlens_quoted_ports(void* l4, void* end, struct flowlens_pkt* pkt) {
  __be16* ports = l4;
  if ((void*)(ports + 2) > end) return FLOWLENS_PARSE_SHORT;
  pkt->key.client_port = ports[0];
  pkt->key.server_port = ports[1];
  pkt->key.proto = IPPROTO_UDP;
  pkt->refused = 1;
  return FLOWLENS_PARSE_OK;
}

/* An ICMPv4 port unreachable the host sends; the flow key becomes the quoted datagram's. */
static __always_inline int flowlens_parse_icmp4(void* l4, void* end, struct flowlens_pkt* pkt) {
  __u8* icmp = l4;
  if ((void*)(icmp + FLOWLENS_ICMP_HDR_LEN) > end) return FLOWLENS_PARSE_SHORT;
  if (icmp[0] != FLOWLENS_ICMP_DEST_UNREACH || icmp[1] != FLOWLENS_ICMP_PORT_UNREACH)
    return FLOWLENS_PARSE_SKIP;
  struct iphdr* ip = (void*)(icmp + FLOWLENS_ICMP_HDR_LEN);
  if ((void*)(ip + 1) > end) return FLOWLENS_PARSE_SHORT;
  if (ip->version != 4 || ip->ihl < 5 || ip->protocol != IPPROTO_UDP) return FLOWLENS_PARSE_SKIP;
  if (ip->frag_off & bpf_htons(FLOWLENS_IP_OFFSET)) return FLOWLENS_PARSE_SKIP;
  ((__u32*)pkt->key.client_addr)[3] = ip->saddr;
  return flowlens_quoted_ports((void*)ip + ip->ihl * 4, end, pkt);
}

/* An ICMPv6 port unreachable the host sends. The quote is read only when UDP follows the IPv6
 * header directly: the kernel quotes the client's datagram as received, and game clients send no
 * extension headers. */
static __always_inline int flowlens_parse_icmp6(void* l4, void* end, struct flowlens_pkt* pkt) {
  __u8* icmp = l4;
  if ((void*)(icmp + FLOWLENS_ICMP_HDR_LEN) > end) return FLOWLENS_PARSE_SHORT;
  if (icmp[0] != FLOWLENS_ICMPV6_DEST_UNREACH || icmp[1] != FLOWLENS_ICMPV6_PORT_UNREACH)
    return FLOWLENS_PARSE_SKIP;
  struct ipv6hdr* ip6 = (void*)(icmp + FLOWLENS_ICMP_HDR_LEN);
  if ((void*)(ip6 + 1) > end) return FLOWLENS_PARSE_SHORT;
  if (ip6->nexthdr != IPPROTO_UDP) return FLOWLENS_PARSE_SKIP;
  __builtin_memcpy(pkt->key.client_addr, &ip6->saddr, 16);
  return flowlens_quoted_ports(ip6 + 1, end, pkt);
}

/* Remembers where a client's payload starts, for flowlens_classify() once the port is known to be
 * watched (classifying every packet would tax unwatched traffic). The offset is counted, not
 * taken as a pointer difference, which a loader with CAP_BPF alone may not compute. */
static __always_inline void flowlens_note_payload(__u32 off, struct flowlens_pkt* pkt) {
  if (off <= FLOWLENS_MAX_PAYLOAD_OFF) pkt->payload_off = off;
}

/* Client-side L4 ports and flags; `l4` has been checked against nothing yet. */
static __always_inline int flowlens_parse_l4(void* l4, __u32 l4_off, void* end, __u8 proto, int dir,
                                             struct flowlens_pkt* pkt) {
  __be16 sport, dport;

  if (proto == IPPROTO_UDP) {
    struct udphdr* udp = l4;
    if ((void*)(udp + 1) > end) return FLOWLENS_PARSE_SHORT;
    sport = udp->source;
    dport = udp->dest;
    if (dir == FLOWLENS_DIR_IN) {
      flowlens_note_payload(l4_off + sizeof(*udp), pkt);
      __u16 len = bpf_ntohs(udp->len);
      pkt->payload_len = len > sizeof(*udp) ? len - sizeof(*udp) : 0;
    }
  } else if (proto == IPPROTO_TCP) {
    struct tcphdr* tcp = l4;
    if ((void*)(tcp + 1) > end) return FLOWLENS_PARSE_SHORT;
    sport = tcp->source;
    dport = tcp->dest;
    pkt->tcp_flags = ((__u8*)tcp)[13];
    if (dir == FLOWLENS_DIR_IN && tcp->doff >= 5)
      flowlens_note_payload(l4_off + tcp->doff * 4, pkt);
  } else if (proto == IPPROTO_ICMP && dir == FLOWLENS_DIR_OUT) {
    return flowlens_parse_icmp4(l4, end, pkt);
  } else if (proto == IPPROTO_ICMPV6 && dir == FLOWLENS_DIR_OUT) {
    return flowlens_parse_icmp6(l4, end, pkt);
  } else {
    return FLOWLENS_PARSE_SKIP;
  }
  pkt->key.proto = proto;
  pkt->key.client_port = dir == FLOWLENS_DIR_IN ? sport : dport;
  pkt->key.server_port = dir == FLOWLENS_DIR_IN ? dport : sport;
  return FLOWLENS_PARSE_OK;
}

static __always_inline int flowlens_parse_ipv4(void* l3, __u32 l3_off, void* end, int dir,
                                               struct flowlens_pkt* pkt) {
  struct iphdr* ip = l3;
  if ((void*)(ip + 1) > end) return FLOWLENS_PARSE_SHORT;
  if (ip->version != 4 || ip->ihl < 5) return FLOWLENS_PARSE_SKIP;
  /* Later fragments carry no L4 header; the first fragment is counted like a whole packet. */
  if (ip->frag_off & bpf_htons(FLOWLENS_IP_OFFSET)) return FLOWLENS_PARSE_SKIP;

  __u32* addr = (__u32*)pkt->key.client_addr;
  addr[2] = bpf_htonl(0x0000ffff); /* v4-mapped ::ffff:a.b.c.d */
  addr[3] = dir == FLOWLENS_DIR_IN ? ip->saddr : ip->daddr;
  return flowlens_parse_l4(l3 + ip->ihl * 4, l3_off + ip->ihl * 4, end, ip->protocol, dir, pkt);
}

static __always_inline int flowlens_parse_ipv6(void* l3, __u32 l3_off, void* end, int dir,
                                               struct flowlens_pkt* pkt) {
  struct ipv6hdr* ip6 = l3;
  if ((void*)(ip6 + 1) > end) return FLOWLENS_PARSE_SHORT;
  __u8 next = ip6->nexthdr;
  void* cur = ip6 + 1;
  __u32 cur_off = l3_off + sizeof(*ip6);

#pragma unroll
  for (int i = 0; i < FLOWLENS_MAX_IPV6_EXT; i++) {
    if (next == IPPROTO_UDP || next == IPPROTO_TCP || next == IPPROTO_ICMPV6) break;
    if (next == IPPROTO_FRAGMENT) {
      struct flowlens_ip6_frag_hdr* frag = cur;
      if ((void*)(frag + 1) > end) return FLOWLENS_PARSE_SHORT;
      if (frag->frag_off & bpf_htons(FLOWLENS_IP6_OFFSET)) return FLOWLENS_PARSE_SKIP;
      next = frag->nexthdr;
      cur = frag + 1;
      cur_off += sizeof(*frag);
    } else if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
               next == IPPROTO_AH) {
      struct ipv6_opt_hdr* opt = cur;
      if ((void*)(opt + 1) > end) return FLOWLENS_PARSE_SHORT;
      /* AH counts its length in 4-byte units minus 2, the others in 8-byte units minus 1. */
      __u32 len = next == IPPROTO_AH ? ((__u32)opt->hdrlen + 2) * 4 : ((__u32)opt->hdrlen + 1) * 8;
      next = opt->nexthdr;
      cur += len;
      cur_off += len;
    } else {
      return FLOWLENS_PARSE_SKIP;
    }
  }
  __builtin_memcpy(pkt->key.client_addr, dir == FLOWLENS_DIR_IN ? &ip6->saddr : &ip6->daddr, 16);
  return flowlens_parse_l4(cur, cur_off, end, next, dir, pkt);
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
  __u32 l3_off = sizeof(*eth);

#pragma unroll
  for (int i = 0; i < FLOWLENS_MAX_VLAN_TAGS; i++) {
    if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
    struct flowlens_vlan_hdr* vlan = l3;
    if ((void*)(vlan + 1) > end) return FLOWLENS_PARSE_SHORT;
    proto = vlan->encapsulated_proto;
    l3 = vlan + 1;
    l3_off += sizeof(*vlan);
  }
  if (proto == bpf_htons(ETH_P_IP)) return flowlens_parse_ipv4(l3, l3_off, end, dir, pkt);
  if (proto == bpf_htons(ETH_P_IPV6)) return flowlens_parse_ipv6(l3, l3_off, end, dir, pkt);
  return FLOWLENS_PARSE_SKIP;
}

/* The query signature table (flowlens_query.h) on a watched client packet's payload. Only the
 * linear head is read: a payload past it is not classified (UDP queries and a TCP connection's
 * first segment are small and linear in practice). */
static __always_inline int flowlens_classify(struct __sk_buff* skb,
                                             const struct flowlens_pkt* pkt) {
  const __u8* data = (const __u8*)(long)skb->data;
  const __u8* end = (const __u8*)(long)skb->data_end;
  __u32 off = pkt->payload_off;
  if (off == 0 || off > FLOWLENS_MAX_PAYLOAD_OFF) return FLOWLENS_QUERY_NONE;
  const __u8* payload = data + off;
  if (pkt->key.proto == IPPROTO_UDP) return flowlens_udp_query(payload, end, pkt->payload_len);
  return flowlens_tcp_query(payload, end);
}

#endif /* FLOWLENS_BPF_PARSE_H */
