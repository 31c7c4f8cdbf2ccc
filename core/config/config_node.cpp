// SPDX-License-Identifier: BSD-2-Clause
#include "config/config_node.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "plugin_host/plugin_error.h"
#include "plugin_host/trusted_path.h"

namespace flowlens::config {

namespace {

SourcePos make_pos(const std::shared_ptr<const std::string>& file, const YAML::Mark& m) {
  return SourcePos{file, m.line + 1, m.column + 1};
}

bool is_string_tag(const std::string& tag) {
  return tag == "!" || tag == "tag:yaml.org,2002:str";
}

// YAML aliases share nodes, so a small file can name a huge tree (ten aliases of ten aliases...)
// or a cycle (`&e [*e]`). Converting copies, so both are bounded here: no real config nests 64
// deep or holds a million values.
constexpr int kMaxDepth = 64;
constexpr size_t kMaxNodes = 1'000'000;

// Where flow collections ([ and {) first nest deeper than kMaxDepth, or nullopt. Brackets inside
// strings count too: only an absurd file comes near the limit either way.
std::optional<SourcePos> too_deep_brackets(std::string_view text,
                                           const std::shared_ptr<const std::string>& file) {
  int depth = 0;
  int line = 1;
  int column = 0;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if ((c == '[' || c == '{') && ++depth > kMaxDepth) return SourcePos{file, line, column};
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return std::nullopt;
}

// Where the first three documents of `text` start. yaml-cpp 0.7's LoadAll never returns on a
// stray top-level ',' (",", "&a ,"): each call yields another empty document without consuming the
// token, growing memory until the process dies. Stopping at three documents bounds it; two
// documents starting at the same place are that stuck token.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::vector<YAML::Mark> document_starts(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  while (handler.starts.size() < 3 && parser.HandleNextDocument(handler)) {
  }
  return handler.starts;
}

struct Budget {
  std::shared_ptr<const std::string> file;
  size_t nodes = 0;
};

ConfigNode convert(const YAML::Node& n, Budget& budget, int depth, const SourcePos& fallback) {
  const auto& file = budget.file;
  if (depth > kMaxDepth)
    throw ConfigError(make_pos(file, n.Mark()).to_string() + ": nested more than " +
                      std::to_string(kMaxDepth) +
                      " levels deep (an alias that contains itself?); a config is never that deep");
  if (++budget.nodes > kMaxNodes)
    throw ConfigError(make_pos(file, n.Mark()).to_string() + ": more than " +
                      std::to_string(kMaxNodes) +
                      " values once aliases are expanded; refusing to expand further");
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return ConfigNode::scalar(n.Scalar(), is_string_tag(n.Tag()), make_pos(file, n.Mark()));
    case YAML::NodeType::Sequence: {
      ConfigNode out(ConfigNode::Kind::kSequence, make_pos(file, n.Mark()));
      for (const auto& item : n)
        out.push_back(convert(item, budget, depth + 1, make_pos(file, item.Mark())));
      return out;
    }
    case YAML::NodeType::Map: {
      ConfigNode out(ConfigNode::Kind::kMap, make_pos(file, n.Mark()));
      for (const auto& kv : n) {
        SourcePos key_pos = make_pos(file, kv.first.Mark());
        if (!kv.first.IsScalar())
          throw ConfigError(key_pos.to_string() + ": expected a plain key, got a map or list");
        const std::string& key = kv.first.Scalar();
        if (out.find(key))
          throw ConfigError(key_pos.to_string() + ": " + key + ": duplicate key in the same map");
        // yaml-cpp marks an empty value at the start of the next line; the key is the better place.
        out.set(key, key_pos, convert(kv.second, budget, depth + 1, key_pos));
      }
      return out;
    }
    default:
      return ConfigNode(ConfigNode::Kind::kNull, fallback);
  }
}

bool is_null_text(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

template <typename T>
bool parse_whole(std::string_view s, T& out, int base = 10) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if constexpr (std::is_integral_v<T>) {
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, out, base);
    return ec == std::errc() && p == e;
  } else {
    auto [p, ec] = std::from_chars(b, e, out);
    return ec == std::errc() && p == e;
  }
}

boost::json::value plain_scalar_to_json(const std::string& s) {
  if (is_null_text(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  int64_t i = 0;
  uint64_t u = 0;
  if (parse_whole(s, i)) return i;
  if (parse_whole(s, u)) return u;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    if (parse_whole(std::string_view(s).substr(2), u, s[1] == 'x' ? 16 : 8)) return u;
  }
  if (s == ".inf" || s == "+.inf" || s == "-.inf" || s == ".nan")
    return boost::json::string(s);  // JSON has neither
  // Only things that look like YAML floats: digits, one dot or exponent. "1.2.3" stays a string.
  if (s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
    double d = 0;
    if (parse_whole(s, d)) return d;
  }
  return boost::json::string(s);
}

}  // namespace

ConfigNode ConfigNode::scalar(std::string text, bool quoted, SourcePos pos) {
  ConfigNode n(Kind::kScalar, std::move(pos));
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  // A plain `~` or `null` is YAML's null even though yaml-cpp reports it as Null already; an
  // unquoted empty scalar can only come from there too.
  if (!quoted && is_null_text(n.text_)) n.kind_ = Kind::kNull;
  return n;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

void ConfigNode::set(std::string key, SourcePos key_pos, ConfigNode value) {
  for (auto& e : entries_) {
    if (e.key == key) {
      e.key_pos = std::move(key_pos);
      e.value = std::move(value);
      return;
    }
  }
  entries_.push_back(Entry{std::move(key), std::move(key_pos), std::move(value)});
}

std::string_view ConfigNode::kind_name() const {
  switch (kind_) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kMap:
      return "a map";
    case Kind::kSequence:
      return "a list";
  }
  return "?";
}

ConfigNode parse_yaml(std::string_view text, const std::string& file_name) {
  auto file = std::make_shared<const std::string>(file_name);
  if (text.size() > kMaxConfigFileBytes)
    throw ConfigError(file_name + ": " + std::to_string(text.size()) +
                      " bytes; a config file is at most " + std::to_string(kMaxConfigFileBytes) +
                      " (is this the right file?)");
  // yaml-cpp's parser recurses once per flow-collection level before we see any node; a line of
  // ten thousand '[' would exhaust the stack there.
  if (auto at = too_deep_brackets(text, file))
    throw ConfigError(at->to_string() + ": brackets nested more than " + std::to_string(kMaxDepth) +
                      " deep; a config is never that deep");
  const std::string input(text);
  YAML::Node doc;
  try {
    std::vector<YAML::Mark> starts = document_starts(input);
    if (starts.empty()) return ConfigNode(ConfigNode::Kind::kNull, SourcePos{file, 1, 1});
    for (size_t i = 1; i < starts.size(); ++i) {
      if (starts[i].pos != starts[i - 1].pos) continue;
      throw ConfigError(make_pos(file, starts[i]).to_string() + ": invalid YAML: unexpected '" +
                        std::string(1, input[static_cast<size_t>(starts[i].pos)]) + "'");
    }
    // A second document ("---") would otherwise be dropped without a word.
    if (starts.size() > 1)
      throw ConfigError(make_pos(file, starts[1]).to_string() +
                        ": expected one YAML document per file, found another here (split them "
                        "into separate files)");
    doc = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    throw ConfigError(make_pos(file, e.mark).to_string() + ": invalid YAML: " + e.msg);
  }
  Budget budget{file};
  return convert(doc, budget, 0, SourcePos{file, 1, 1});
}

ConfigNode load_yaml_file(const std::filesystem::path& path) {
  // A config names the libraries flowlensd loads and where its secrets are: one another user
  // may write is refused as a plugin would be.
  try {
    plugin_host::check_trusted_file(path, "config");
  } catch (const plugin_host::PluginError& e) {
    throw ConfigError(e.what());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string() + ": cannot open the file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path.string() + ": cannot read the file");
  return parse_yaml(text.str(), path.string());
}

void merge_into(ConfigNode& base, ConfigNode overlay) {
  if (base.is_map() && overlay.is_null()) return;
  if (!base.is_map() || !overlay.is_map()) {
    base = std::move(overlay);
    return;
  }
  for (const auto& e : overlay.entries()) {
    if (const ConfigNode* existing = base.find(e.key)) {
      ConfigNode merged = *existing;
      merge_into(merged, e.value);
      base.set(e.key, e.key_pos, std::move(merged));
    } else {
      base.set(e.key, e.key_pos, e.value);
    }
  }
}

boost::json::value to_json(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull:
      return nullptr;
    case ConfigNode::Kind::kScalar:
      if (node.quoted()) return boost::json::string(node.text());
      return plain_scalar_to_json(node.text());
    case ConfigNode::Kind::kSequence: {
      boost::json::array a;
      for (const auto& item : node.items()) a.push_back(to_json(item));
      return a;
    }
    case ConfigNode::Kind::kMap: {
      boost::json::object o;
      for (const auto& e : node.entries()) o[e.key] = to_json(e.value);
      return o;
    }
  }
  return nullptr;
}

const ConfigNode* find_path(const ConfigNode& root, std::string_view path) {
  if (path.empty()) return nullptr;
  const ConfigNode* cur = &root;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.' && i > 0) {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      size_t close = path.find(']', i);
      size_t index = 0;
      if (close == std::string_view::npos || !cur->is_sequence() ||
          !parse_whole(path.substr(i + 1, close - i - 1), index) || index >= cur->items().size())
        return nullptr;
      cur = &cur->items()[index];
      i = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", i);
    std::string_view key = path.substr(i, end == std::string_view::npos ? path.npos : end - i);
    cur = cur->is_map() ? cur->find(key) : nullptr;
    if (!cur) return nullptr;
    i += key.size();
  }
  return cur;
}

const ConfigNode* find_error_path(const ConfigNode& root, std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return nullptr;
  std::string_view path = message.substr(0, colon);
  if (path.find(' ') != std::string_view::npos) return nullptr;  // prose, not a path
  // A missing key has no node of its own: point at the nearest part of the path that exists.
  while (!path.empty()) {
    if (const ConfigNode* n = find_path(root, path)) return n;
    const size_t cut = path.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    path = path.substr(0, cut);
  }
  return nullptr;
}

}  // namespace flowlens::config
