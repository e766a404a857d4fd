#include "core/util/json_parse.h"

#include <set>
#include <vector>

#include "core/error.h"
#include "core/io/reader.h"

namespace gs {

namespace {
using nlohmann::json;

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
// value - invalid literal; last read: '<input>'": keep the reason, drop the echo of the input (it can be long).
std::string parse_reason(const json::parse_error& e) {
    std::string s = e.what();
    if (size_t p = s.find(" - "); p != std::string::npos) s = s.substr(p + 3);
    else if (size_t q = s.find(": "); q != std::string::npos) s = s.substr(q + 2);
    if (size_t p = s.find("; last read: "); p != std::string::npos) {
        const size_t end = s.find("; expected ", p);
        s.erase(p, end == std::string::npos ? std::string::npos : end - p);
    }
    return s;
}

// The byte (1-based) where nesting first goes deeper than kMaxJsonDepth, or 0. Brackets inside strings do not count.
size_t too_deep_at(const std::string& text) {
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // the escaped character cannot end the string
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) return i + 1;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return 0;
}

struct ObjectFrame {
    std::string name;  // the key this object is the value of ("" at the top)
    std::set<std::string> keys;
    std::string last_key;
};
}  // namespace

json parse_json_text(const std::string& text, const std::string& file, const JsonParseOptions& opt) {
    const std::string subject = opt.what.empty() ? "" : opt.what + " ";
    if (text.empty()) throw Error(file, "", subject + (opt.what.empty() ? "is empty (0 bytes): incomplete download?" : "is empty"));
    if (is_lfs_pointer(text)) throw Error(file, "", lfs_pointer_message());
    if (const size_t at = too_deep_at(text))
        throw Error(file, "", subject + "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at byte " +
                                  std::to_string(at));
    std::vector<ObjectFrame> stack;
    json::parser_callback_t dups = [&](int, json::parse_event_t ev, json& parsed) {
        switch (ev) {
            case json::parse_event_t::object_start:
                stack.push_back({stack.empty() ? "" : stack.back().last_key, {}, {}});
                break;
            case json::parse_event_t::object_end: stack.pop_back(); break;
            case json::parse_event_t::key: {
                ObjectFrame& f = stack.back();
                f.last_key = parsed.get<std::string>();
                if (!f.keys.insert(f.last_key).second)
                    throw Error(file, "", (opt.what.empty() ? "" : opt.what + ": ") + "key \"" + f.last_key +
                                              "\" appears twice" + (f.name.empty() ? "" : " in \"" + f.name + "\"") +
                                              " (which one is meant?)");
                break;
            }
            default: break;
        }
        return true;
    };
    try {
        return opt.reject_duplicate_keys ? json::parse(text, dups) : json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(file, "", subject + (opt.what.empty() ? "not valid JSON" : "is not valid JSON") + " at byte " +
                                  std::to_string(e.byte) + ": " + parse_reason(e));
    } catch (const json::out_of_range& e) {
        // Valid syntax the parser still refuses: a number beyond double's range such as 1e309 (out_of_range.406).
        std::string reason = e.what();
        if (size_t p = reason.find("] "); p != std::string::npos) reason = reason.substr(p + 2);
        throw Error(file, "", subject + (opt.what.empty() ? "not valid JSON" : "is not valid JSON") + ": " + reason);
    }
}

}  // namespace gs
