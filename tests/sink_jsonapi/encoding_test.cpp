// SPDX-License-Identifier: BSD-2-Clause
// Accept-Encoding negotiation and the gzip body a client inflates back to the JSON.
#include "encoding.h"
#include "render.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace flowlens::jsonapi {
namespace {

std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 22, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Encoding, AcceptsGzip) {
  struct Case {
    const char* header;
    bool accepted;
  };
  for (const Case& c :
       {Case{"gzip", true}, Case{"GZip", true}, Case{"deflate, gzip", true},
        Case{"br;q=1.0, gzip;q=0.5", true}, Case{"*", true}, Case{"x-gzip", true},
        Case{"gzip;q=0", false}, Case{"gzip; q=0.000", false}, Case{"deflate, br", false},
        Case{"", false}, Case{"gzipx", false}, Case{"identity", false}}) {
    EXPECT_EQ(accepts_gzip(c.header), c.accepted) << "'" << c.header << "'";
  }
}

TEST(Encoding, GzipRoundTripsTheList) {
  Snapshot snap;
  for (int i = 0; i < 300; ++i) {
    snap.servers.emplace_back();
    snap.servers.back().server_id = "srv-" + std::to_string(i);
    snap.servers.back().unique_ips = {"192.0.2." + std::to_string(i % 250)};
  }
  const RenderedSnapshot r(snap, true, true);
  ASSERT_TRUE(r.list_gzip());
  const std::string gz(r.list_gzip()->text);
  EXPECT_LT(gz.size() * 4, r.list_body().text.size());
  EXPECT_EQ(gunzip(gz), r.list_body().text);
  EXPECT_FALSE(RenderedSnapshot(snap, true, false).list_gzip());
}

}  // namespace
}  // namespace flowlens::jsonapi
