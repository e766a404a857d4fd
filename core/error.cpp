#include "core/error.h"

namespace gs {

std::string format_error(const std::string& file, const std::string& tensor, const std::string& detail) {
    std::string s;
    if (!file.empty()) s += file + ": ";
    if (!tensor.empty()) s += "tensor '" + tensor + "': ";
    return s + detail;
}

Error::Error(std::string f, std::string t, std::string d)
    : std::runtime_error(format_error(f, t, d)), file(std::move(f)), tensor(std::move(t)), detail(std::move(d)) {}

}  // namespace gs
