/* SPDX-License-Identifier: BSD-2-Clause */
// The query signature table (bpf/flowlens_query.h) as test data: real client payloads of each
// protocol and the near misses that must stay play. The kernel fixtures (query_signatures_test)
// and the replay parser test run the same cases, so both sides classify alike.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "flowlens_query.h"

namespace flowlens::testing {

struct QueryCase {
  const char* proves;
  uint8_t proto;  // IPPROTO_UDP or IPPROTO_TCP, client -> server
  std::vector<uint8_t> payload;
  int kind;  // enum flowlens_query_kind
};

inline std::vector<uint8_t> bytes(std::initializer_list<std::string> parts) {
  std::vector<uint8_t> out;
  for (const auto& s : parts) out.insert(out.end(), s.begin(), s.end());
  return out;
}

inline void put_varint(std::vector<uint8_t>& out, size_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
  out.push_back(static_cast<uint8_t>(v));
}

// Minecraft Java handshake: length, id 0, protocol, address, port 25565, next state.
inline std::vector<uint8_t> mc_handshake(uint8_t next_state, const std::string& address,
                                         std::vector<uint8_t> protocol = {0xff, 0x05}) {
  std::vector<uint8_t> body = {0x00};
  body.insert(body.end(), protocol.begin(), protocol.end());
  put_varint(body, address.size());
  body.insert(body.end(), address.begin(), address.end());
  body.insert(body.end(), {0x63, 0xdd, next_state});
  std::vector<uint8_t> out;
  put_varint(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

inline std::vector<uint8_t> with(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline const std::vector<uint8_t> kRakNetMagic = {0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe,
                                                  0xfd, 0xfd, 0xfd, 0xfd, 0x12, 0x34, 0x56, 0x78};
inline const std::vector<uint8_t> kOob = {0xff, 0xff, 0xff, 0xff};

inline std::vector<QueryCase> query_cases() {
  const uint8_t U = IPPROTO_UDP, T = IPPROTO_TCP;
  const int kNone = FLOWLENS_QUERY_NONE, kPacket = FLOWLENS_QUERY_PACKET,
            kSession = FLOWLENS_QUERY_SESSION;
  const std::vector<uint8_t> time8 = {0, 0, 0, 0, 0, 0x12, 0x34, 0x56};
  const std::vector<uint8_t> guid8 = {1, 2, 3, 4, 5, 6, 7, 8};
  return {
      // Valve A2S and the out-of-band packets of Valve and id-tech engines.
      {"A2S_INFO", U, with(kOob, bytes({"TSource Engine Query", std::string(1, '\0')})), kPacket},
      {"A2S_INFO with its challenge", U,
       with(kOob, bytes({"TSource Engine Query", std::string(1, '\0'), "\x0a\x08\x5e\xea"})),
       kPacket},
      {"A2S_PLAYER", U, with(kOob, {'U', 0xff, 0xff, 0xff, 0xff}), kPacket},
      {"A2S_RULES", U, with(kOob, {'V', 0x4b, 0xa1, 0x25, 0x4d}), kPacket},
      {"A2S_SERVERQUERY_GETCHALLENGE", U, with(kOob, {'W'}), kPacket},
      {"A2A_PING", U, with(kOob, {'i'}), kPacket},
      {"Quake 3 getstatus", U, with(kOob, bytes({"getstatus"})), kPacket},
      {"Quake 3 getinfo with a challenge", U, with(kOob, bytes({"getinfo xxx"})), kPacket},
      {"Quake 2 / QuakeWorld status", U, with(kOob, bytes({"status\n"})), kPacket},
      {"GoldSrc details", U, with(kOob, bytes({"details"})), kPacket},
      {"Quake 3 rcon from a console", U, with(kOob, bytes({"rcon secret status"})), kPacket},
      {"Teeworlds / DDNet server info (ten FF then gie3)", U,
       with(with(kOob, kOob), {0xff, 0xff, 'g', 'i', 'e', '3', 1, 2, 3}), kPacket},
      {"four FF and nothing else", U, kOob, kPacket},
      {"Doom 3 / Quake 4 getInfo (two FF)", U,
       bytes({"\xff\xffgetInfo", std::string(1, '\0'), "abcd"}), kPacket},
      {"Source connect challenge request 'q' is a player joining", U,
       with(kOob, {'q', 0x0a, 0x08, 0x5e, 0xea, '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'}),
       kNone},
      {"Source connect 'k' is a player joining", U, with(kOob, {'k', 0x18, 0, 0, 0}), kNone},
      {"id-tech getchallenge is a player joining", U, with(kOob, bytes({"getchallenge"})), kNone},
      {"id-tech / GoldSrc connect is a player joining", U,
       with(kOob, bytes({"connect \"\\challenge\\-9938\\qport\\2231\""})), kNone},
      {"Source split packet (FF FF FF FE) is play", U, {0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4}, kNone},
      {"three FF bytes are not the out-of-band marker", U, {0xff, 0xff, 0xff}, kNone},
      // GameSpy v1 / Unreal engine 1.
      {"GameSpy v1 \\status\\", U, bytes({"\\status\\"}), kPacket},
      {"GameSpy v1 \\info\\", U, bytes({"\\info\\"}), kPacket},
      {"GameSpy v1 \\basic\\ with more", U, bytes({"\\basic\\\\info\\"}), kPacket},
      {"GameSpy v1 \\players\\", U, bytes({"\\players\\"}), kPacket},
      {"GameSpy v1 \\rules\\", U, bytes({"\\rules\\"}), kPacket},
      {"GameSpy v1 \\echo\\ with its nonce", U, bytes({"\\echo\\nonce42"}), kPacket},
      {"a backslash word not in the table", U, bytes({"\\secure\\abcdef"}), kNone},
      {"\\info without its closing backslash", U, bytes({"\\info"}), kNone},
      // GameSpy v2 / v3 / v4 (Unreal 2 era, Battlefield, Minecraft enable-query).
      {"GameSpy v2 request",
       U,
       {0xfe, 0xfd, 0x00, 0x43, 0x4f, 0x52, 0x59, 0xff, 0xff, 0xff},
       kPacket},
      {"GameSpy v3 challenge request", U, {0xfe, 0xfd, 0x09, 0x00, 0x00, 0x00, 0x01}, kPacket},
      {"GameSpy v4 full stat with challenge",
       U,
       {0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x91, 0x29, 0x5b, 0x00, 0x00, 0x00, 0x00},
       kPacket},
      {"FE FD with another request byte is play", U, {0xfe, 0xfd, 0x42, 0, 0, 0, 1}, kNone},
      {"FE FD 00 shorter than a request", U, {0xfe, 0xfd, 0x00, 0x43}, kNone},
      // Unreal 2 native query.
      {"Unreal 2 server info", U, {0x80, 0x00, 0x00, 0x00, 0x00}, kPacket},
      {"Unreal 2 players", U, {0x80, 0x00, 0x00, 0x00, 0x02}, kPacket},
      {"80 00 00 00 in a longer packet is play", U, {0x80, 0x00, 0x00, 0x00, 0x00, 0x10}, kNone},
      // RakNet / Minecraft Bedrock.
      {"RakNet unconnected ping", U, with(with(with({0x01}, time8), kRakNetMagic), guid8), kPacket},
      {"RakNet unconnected ping, open connections", U,
       with(with(with({0x02}, time8), kRakNetMagic), guid8), kPacket},
      {"RakNet open connection request 1 is a player joining", U,
       with(with({0x05}, kRakNetMagic), {0x0b, 0, 0, 0}), kNone},
      {"RakNet frame set is play", U, {0x84, 0x00, 0x00, 0x01, 0x60, 0x00, 0x10}, kNone},
      {"RakNet ping with a damaged magic", U,
       with(with(with({0x01}, time8), {0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe, 0xfe, 0xfe, 0xfd, 0xfd,
                                       0xfd, 0xfd, 0x12, 0x34, 0x56, 0x79}),
            guid8),
       kNone},
      {"RakNet ping cut inside the magic", U,
       with(with({0x01}, time8), {0x00, 0xff, 0xff, 0x00, 0xfe, 0xfe}), kNone},
      // SA-MP / open.mp.
      {"SA-MP info query", U, with(bytes({"SAMP"}), {0xc0, 0x00, 0x02, 0x01, 0x1e, 0x1e, 'i'}),
       kPacket},
      {"SA-MP ping query", U,
       with(bytes({"SAMP"}), {0xc0, 0x00, 0x02, 0x01, 0x1e, 0x1e, 'p', 1, 2, 3, 4}), kPacket},
      {"SAMP without address, port and opcode", U, bytes({"SAMP"}), kNone},
      // Mumble.
      {"Mumble ping", U, {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, kPacket},
      {"zeros of another length are play", U, {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, kNone},
      // Minecraft Java (TCP).
      {"Minecraft status handshake", T, mc_handshake(1, "mc.example.org"), kSession},
      {"Minecraft status handshake with the status request in the same segment", T,
       with(mc_handshake(1, "localhost"), {0x01, 0x00}), kSession},
      {"Minecraft status handshake, one-byte protocol (1.7.2)", T,
       mc_handshake(1, "127.0.0.1", {0x04}), kSession},
      {"Minecraft status handshake, snapshot protocol (5-byte varint)", T,
       mc_handshake(1, "127.0.0.1", {0x90, 0x80, 0x80, 0x80, 0x04}), kSession},
      {"Minecraft status handshake with a 200-byte address (2-byte length)", T,
       mc_handshake(1, std::string(200, 'a')), kSession},
      {"Minecraft legacy ping (MC|PingHost)",
       T,
       {0xfe, 0x01, 0xfa, 0x00, 0x0b, 0x00, 'M', 0x00, 'C', 0x00, '|', 0x00, 'P'},
       kSession},
      {"Minecraft login handshake (next state 2) is a player joining", T,
       mc_handshake(2, "mc.example.org"), kNone},
      {"Minecraft transfer handshake (next state 3) is a player joining", T,
       mc_handshake(3, "mc.example.org"), kNone},
      {"a handshake whose length disagrees with its fields", T,
       [] {
         auto h = mc_handshake(1, "mc.example.org");
         h[0] += 1;
         h.push_back(0x01);
         return h;
       }(),
       kNone},
      {"a status handshake cut before its next state", T,
       [] {
         auto h = mc_handshake(1, "mc.example.org");
         h.pop_back();
         return h;
       }(),
       kNone},
      {"a status handshake cut inside its address", T,
       [] {
         auto h = mc_handshake(1, std::string(200, 'a'));
         h.resize(40);
         return h;
       }(),
       kNone},
      {"an encrypted play segment",
       T,
       {0x9c, 0x3b, 0x00, 0x71, 0xe2, 0x10, 0x55, 0xa0, 0x07, 0x01, 0x33, 0x1d},
       kNone},
      {"an A2S payload over TCP is not a TCP status query", T,
       with(kOob, bytes({"TSource Engine Query"})), kNone},
      {"an empty payload (a bare ACK)", T, {}, kNone},
      // Ordinary game traffic.
      {"a game datagram", U, std::vector<uint8_t>(32, 0x42), kNone},
      {"an empty datagram", U, {}, kNone},
  };
}

}  // namespace flowlens::testing
