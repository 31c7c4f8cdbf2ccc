/* SPDX-License-Identifier: BSD-2-Clause */
// Prometheus label names are [a-zA-Z_][a-zA-Z0-9_]* and may not start with "__" (reserved);
// discovery labels are Docker-style ("com.example.tier", "pterodactyl-egg"). prometheus-cpp
// throws on an invalid name, so every exported name goes through here first.
#pragma once

#include <string>
#include <string_view>

namespace flowlens::prometheus_sink {

// Each invalid character becomes '_'; a leading digit gets a '_' in front; a result starting
// with "__" (reserved for Prometheus itself) gets "label" in front. Never empty.
std::string sanitize_label_name(std::string_view key);

}  // namespace flowlens::prometheus_sink
