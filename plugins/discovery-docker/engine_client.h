/* SPDX-License-Identifier: BSD-2-Clause */
// HTTP/1.1 to the Docker Engine API over a unix or tcp stream socket (Boost.Beast). Every
// request is bounded in time and size; the /events stream is bounded per line only, since it
// stays silent for as long as nothing happens.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "docker_host.h"

namespace flowlens::discovery_docker {

// Connect + request + answer, for one request. dockerd answers a list of hundreds of
// containers well within this; a hung engine must not hold the plugin for longer.
inline constexpr std::chrono::seconds kRequestTimeout{10};
// /containers/json with ~1.5 KiB per container: 10,000 containers fit; a bigger answer is
// something else and is refused rather than buffered.
inline constexpr size_t kMaxAnswerBytes = size_t{32} << 20;
// One event line is well under 4 KiB (labels included); a line past this is garbage.
inline constexpr size_t kMaxEventLineBytes = size_t{1} << 20;
// Connect and response header of the /events stream.
inline constexpr std::chrono::seconds kStreamOpenTimeout{10};

struct EngineAnswer {
  unsigned status = 0;
  std::string api_version;  // the Api-Version header, if any
  std::string body;
};

struct EngineLimits {
  std::chrono::milliseconds request_timeout = kRequestTimeout;
  std::chrono::milliseconds stream_open_timeout = kStreamOpenTimeout;
  size_t max_answer_bytes = kMaxAnswerBytes;
  size_t max_event_line_bytes = kMaxEventLineBytes;
};

class EngineClient {
 public:
  EngineClient(boost::asio::any_io_executor executor, DockerHost host, EngineLimits limits = {});

  // GET `target` ("/_ping", "/v1.41/containers/json"). Throws std::runtime_error with the
  // step that failed (connect, write, read, timeout, answer too big).
  boost::asio::awaitable<EngineAnswer> get(std::string target) const;
  // GET that must answer 200 with a JSON body; throws std::runtime_error naming the target.
  boost::asio::awaitable<boost::json::value> get_json(std::string target) const;

  // Opens GET `target` as a stream; once the 200 header is read calls `on_open`, then
  // `on_line` for every complete line, until the engine closes the stream (returns) or an error
  // (throws). No overall timeout.
  boost::asio::awaitable<void> stream_lines(std::string target, std::function<void()> on_open,
                                            std::function<void(std::string_view)> on_line) const;

  const DockerHost& host() const { return host_; }

 private:
  boost::asio::any_io_executor executor_;
  DockerHost host_;
  EngineLimits limits_;
};

}  // namespace flowlens::discovery_docker
