#include "core/util/json_parse.h"

#include "core/error.h"

namespace gs {

nlohmann::json parse_json(std::string_view text, const std::string& file) {
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
            if (++depth > kMaxJsonDepth)
                throw Error(file, "", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (byte " +
                                          std::to_string(i + 1) + ")");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return nlohmann::json::parse(text);
}

}  // namespace gs
