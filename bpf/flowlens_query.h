/* SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only) */
/*
 * The query signature table: which client payloads are server-status queries (server lists,
 * monitors, crawlers) rather than play. The kernel program classifies ingress payloads of watched
 * flows with it and `flowlensd replay` classifies capture payloads with the very same functions,
 * so both give the estimator the same `query_packets`. bpf/README.md lists the table and why each
 * entry is there.
 *
 * Every function reads only between `p` and `end` (the end of what is readable: the linear skb
 * head in the kernel, the captured bytes in replay) and checks each read against `end` first, in
 * the form the verifier can follow. A signature that runs past `end` does not match. The work is
 * a dispatch on the first payload byte and then at most a few fixed-length compares, with one
 * bounded walk for the Minecraft handshake: a game packet costs a handful of instructions.
 */
#ifndef FLOWLENS_BPF_FLOWLENS_QUERY_H
#define FLOWLENS_BPF_FLOWLENS_QUERY_H

#include <linux/types.h>

#ifndef FLOWLENS_INLINE
#ifdef __bpf__
#define FLOWLENS_INLINE static __always_inline
#else
#define FLOWLENS_INLINE static inline
#endif
#endif

/* Small fixed loops are unrolled for the verifier; the host compiler decides for itself. */
#ifdef __bpf__
#define FLOWLENS_UNROLL _Pragma("unroll")
#else
#define FLOWLENS_UNROLL
#endif

/* Payloads starting past this offset in the frame are not classified: no real header stack is
 * that deep, and the bound lets the verifier follow the offset back to a packet pointer. Replay
 * applies the same bound. */
#define FLOWLENS_MAX_PAYLOAD_OFF 511

/* What a client payload is. */
enum flowlens_query_kind {
  FLOWLENS_QUERY_NONE = 0,    /* play, or anything not in the table */
  FLOWLENS_QUERY_PACKET = 1,  /* this packet is a query */
  FLOWLENS_QUERY_SESSION = 2, /* this packet opens a TCP status connection: it and every later
                                 client packet of the connection are queries */
};

/* Minecraft Java: a handshake is at most 1 + 5 + 2 + 255 + 2 + 1 bytes after its length (id,
 * protocol varint, address length varint, address, port, next state); proxies that forward the
 * player's address in it (BungeeCord) make it longer, but never for a status ping. */
#define FLOWLENS_MC_MAX_HANDSHAKE 266
/* Handshake `next state` asking for the server status (2 is login, 3 a transfer). */
#define FLOWLENS_MC_STATE_STATUS 1

/* Non-zero when the `n` bytes at `p` are `s`; `n` is a constant after inlining. */
FLOWLENS_INLINE int flowlens_bytes_are(const __u8* p, const __u8* end, const char* s, int n) {
  if (p + n > end) return 0;
  FLOWLENS_UNROLL
  for (int i = 0; i < n; i++)
    if (p[i] != (__u8)s[i]) return 0;
  return 1;
}

/*
 * Out-of-band packets of the Valve (GoldSrc, Source) and id-tech (Quake 1-3 and their heirs)
 * engines start with four FF bytes; in-game packets start with a sequence number instead. A
 * client sends them to ask for status (A2S_INFO 'T', A2S_PLAYER 'U', A2S_RULES 'V', 'W', 'i',
 * getstatus, getinfo, status, details, rcon...) and, once, to join. Every such packet is a query
 * except the join handshake, which a player sends: Source's 'q' (connect challenge) and 'k'
 * (connect), and the id-tech and GoldSrc `getchallenge` and `connect`. id Tech 4 (Doom 3, Quake 4,
 * Enemy Territory: Quake Wars) marks them with two FF bytes and asks `getInfo`.
 */
FLOWLENS_INLINE int flowlens_out_of_band_query(const __u8* p, const __u8* end) {
  if (!flowlens_bytes_are(p, end, "\xff\xff\xff\xff", 4))
    return flowlens_bytes_are(p, end, "\xff\xffgetInfo", 9);
  if (p + 5 > end) return 1;
  if (p[4] == 'q' || p[4] == 'k') return 0;
  if (flowlens_bytes_are(p + 4, end, "connect", 7)) return 0;
  if (flowlens_bytes_are(p + 4, end, "getchallenge", 12)) return 0;
  return 1;
}

/* GameSpy v1 and the Unreal engine 1 games that speak it: a backslash-delimited word. */
FLOWLENS_INLINE int flowlens_gamespy1_query(const __u8* p, const __u8* end) {
  return flowlens_bytes_are(p, end, "\\status\\", 8) || flowlens_bytes_are(p, end, "\\info\\", 6) ||
         flowlens_bytes_are(p, end, "\\basic\\", 7) ||
         flowlens_bytes_are(p, end, "\\players\\", 9) ||
         flowlens_bytes_are(p, end, "\\rules\\", 7) || flowlens_bytes_are(p, end, "\\echo\\", 6);
}

/* GameSpy v2 (FE FD 00 + id + what to send) and v3/v4 (FE FD 09 challenge request, then FE FD 00
 * with the challenge): Halo, Battlefield 2, Unreal 2 era games, Minecraft's `enable-query`. */
FLOWLENS_INLINE int flowlens_gamespy2_query(const __u8* p, const __u8* end) {
  if (p + 7 > end || p[1] != 0xfd) return 0;
  return p[2] == 0x00 || p[2] == 0x09;
}

/* RakNet unconnected ping (0x01, or 0x02 "open connections"): 8-byte time, then the 16-byte
 * offline magic. Minecraft Bedrock's server list and every RakNet game. The join requests (0x05,
 * 0x07) carry the magic too but have other ids. */
FLOWLENS_INLINE int flowlens_raknet_ping(const __u8* p, const __u8* end) {
  return flowlens_bytes_are(p + 9, end,
                            "\x00\xff\xff\x00\xfe\xfe\xfe\xfe\xfd\xfd\xfd\xfd\x12\x34\x56\x78", 16);
}

/* SA-MP and open.mp: "SAMP", the server address and port (6 bytes), an opcode (i info, r rules,
 * c clients, d details, p ping, x rcon); play goes over RakNet and never starts with "SAMP". */
FLOWLENS_INLINE int flowlens_samp_query(const __u8* p, const __u8* end) {
  return p + 11 <= end && flowlens_bytes_are(p, end, "SAMP", 4);
}

/* Unreal engine 2 native query (UT2004, Killing Floor): exactly 80 00 00 00 and a type 0-3. */
FLOWLENS_INLINE int flowlens_unreal2_query(const __u8* p, const __u8* end, __u32 len) {
  return len == 5 && p + 5 <= end && flowlens_bytes_are(p, end, "\x80\x00\x00\x00", 4) && p[4] <= 3;
}

/* Mumble ping, as server lists send it: exactly 12 bytes, a zero request type and an 8-byte
 * identifier; voice packets are encrypted and never zero in their first four bytes and that size
 * together by design. */
FLOWLENS_INLINE int flowlens_mumble_ping(const __u8* p, const __u8* end, __u32 len) {
  return len == 12 && flowlens_bytes_are(p, end, "\x00\x00\x00\x00", 4);
}

/* Classifies a client's UDP payload: `p` its first byte, `len` its length from the UDP header. */
FLOWLENS_INLINE int flowlens_udp_query(const __u8* p, const __u8* end, __u32 len) {
  if (p + 1 > end) return FLOWLENS_QUERY_NONE;
  int hit;
  switch (p[0]) {
    case 0xff:
      hit = flowlens_out_of_band_query(p, end);
      break;
    case 0xfe:
      hit = flowlens_gamespy2_query(p, end);
      break;
    case '\\':
      hit = flowlens_gamespy1_query(p, end);
      break;
    case 0x01:
    case 0x02:
      hit = flowlens_raknet_ping(p, end);
      break;
    case 'S':
      hit = flowlens_samp_query(p, end);
      break;
    case 0x80:
      hit = flowlens_unreal2_query(p, end, len);
      break;
    case 0x00:
      hit = flowlens_mumble_ping(p, end, len);
      break;
    default:
      hit = 0;
  }
  return hit ? FLOWLENS_QUERY_PACKET : FLOWLENS_QUERY_NONE;
}

/* Reads a varint of at most `max` bytes at p[*pos] and moves *pos past it; -1 when it is longer
 * or runs past `end`. */
FLOWLENS_INLINE long long flowlens_mc_varint(const __u8* p, const __u8* end, __u32* pos, int max) {
  __u64 value = 0;
  FLOWLENS_UNROLL
  for (int i = 0; i < max; i++) {
    const __u8* q = p + *pos;
    if (q + 1 > end) return -1;
    *pos += 1;
    value |= (__u64)(*q & 0x7f) << (7 * i);
    if (!(*q & 0x80)) return (long long)value;
  }
  return -1;
}

/*
 * Minecraft Java status ping: the connection's first packet is a handshake (length varint, id 0,
 * protocol varint, address string, port, next state) whose next state is 1; the server sends its
 * status and closes. Every field must line up with the length, so a play packet (compressed or
 * encrypted after login) does not pass by chance.
 */
FLOWLENS_INLINE int flowlens_mc_status_handshake(const __u8* p, const __u8* end) {
  __u32 pos = 0;
  long long length = flowlens_mc_varint(p, end, &pos, 2);
  if (length < 7 || length > FLOWLENS_MC_MAX_HANDSHAKE) return 0;
  __u32 start = pos;
  if (p + pos + 1 > end || p[pos] != 0x00) return 0; /* packet id 0: handshake */
  pos += 1;
  /* Protocol versions are varints of up to 5 bytes (snapshots set bit 30). */
  if (flowlens_mc_varint(p, end, &pos, 5) < 0) return 0;
  long long address = flowlens_mc_varint(p, end, &pos, 2);
  if (address < 0 || address > 255) return 0;
  pos += (__u32)address;
  if (pos + 3 - start != (__u64)length) return 0; /* port (2) and next state (1) end the packet */
  const __u8* tail = p + pos;
  if (tail + 3 > end) return 0;
  return tail[2] == FLOWLENS_MC_STATE_STATUS;
}

/* Minecraft's legacy server list ping (clients 1.6 and later fall back to it, and monitors use
 * it): FE 01 FA, then the UTF-16 string "MC|PingHost" with its length 11. */
FLOWLENS_INLINE int flowlens_mc_legacy_ping(const __u8* p, const __u8* end) {
  return flowlens_bytes_are(p, end,
                            "\xfe\x01\xfa\x00\x0b\x00"
                            "M\x00"
                            "C\x00"
                            "|",
                            11);
}

/* Classifies a client's TCP payload (`p` past the TCP options); only a status connection's
 * opening packet is recognised, and flowlens_account() counts the rest of the connection. */
FLOWLENS_INLINE int flowlens_tcp_query(const __u8* p, const __u8* end) {
  if (flowlens_mc_legacy_ping(p, end) || flowlens_mc_status_handshake(p, end))
    return FLOWLENS_QUERY_SESSION;
  return FLOWLENS_QUERY_NONE;
}

#endif /* FLOWLENS_BPF_FLOWLENS_QUERY_H */
