#include "core/error.h"

#include <cstdint>

namespace gs {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when the bytes there are not one (overlong forms,
// surrogates and code points past U+10FFFF included).
size_t utf8_sequence(const std::string& s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t c = b(i);
    if (c < 0x80) return 1;
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
    else return 0;
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (b(i + k) & 0x3F);
    }
    const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

// Input bytes end up in messages (tensor names, tokenizer pieces, JSON excerpts). The message must stay one line of
// valid UTF-8 whatever they hold (the page sends it through JSON, the CLI prints one line), and a name that is
// megabytes long must not become a megabyte message: control characters and invalid bytes are escaped as \xNN and
// the text is cut after max_bytes.
std::string printable(const std::string& s, size_t max_bytes) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
        if (out.size() >= max_bytes) {
            out += "... (" + std::to_string(s.size()) + " bytes)";
            break;
        }
        const size_t n = utf8_sequence(s, i);
        const auto c = static_cast<uint8_t>(s[i]);
        if (n == 0 || c < 0x20 || c == 0x7F) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}
}  // namespace

std::string format_error(const std::string& file, const std::string& tensor, const std::string& detail) {
    std::string s;
    if (!file.empty()) s += printable(file, 512) + ": ";
    if (!tensor.empty()) s += "tensor '" + printable(tensor, 120) + "': ";
    return s + printable(detail, 2048);
}

Error::Error(std::string f, std::string t, std::string d)
    : std::runtime_error(format_error(f, t, d)), file(std::move(f)), tensor(std::move(t)), detail(std::move(d)) {}

}  // namespace gs
