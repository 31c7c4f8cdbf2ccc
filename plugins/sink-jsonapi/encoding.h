/* SPDX-License-Identifier: BSD-2-Clause */
// Content-Encoding for the one large response: the whole server list. 1,000 servers render to
// ~200 KB of JSON that gzip shrinks about tenfold; it is compressed once per snapshot.
#pragma once

#include <string>
#include <string_view>

namespace flowlens::jsonapi {

// True when an Accept-Encoding value admits gzip ("gzip", "x-gzip" or "*", without q=0).
bool accepts_gzip(std::string_view accept_encoding);

// The gzip member (RFC 1952) for `data`. Throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);

}  // namespace flowlens::jsonapi
