// "25565/tcp", "27015-27016/udp" -> endpoints. The plugin carries its own small parser because a
// plugin links the SDK only, never core libraries.
#pragma once

#include <flowlens/sdk/host.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flowlens::discovery_static {

// A typo such as 1-65535 must not make the kernel watch every port; the core uses the same bound.
inline constexpr unsigned kMaxRangeSize = 1024;

// Thrown with "expected ..., got '...'" (no field name: the caller knows which field it parsed).
class EndpointError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Appends the endpoints `text` names to `out`. Protocol names are case-insensitive.
void parse_endpoint(std::string_view text, std::vector<sdk::Endpoint>& out);

std::string to_string(const sdk::Endpoint& ep);  // "27015/udp"

}  // namespace flowlens::discovery_static
