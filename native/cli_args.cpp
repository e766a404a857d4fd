#include "native/cli.h"

namespace gs::cli {

bool is_flag(const std::string& a, const char* name) { return a == name; }

const std::string& next_value(const std::vector<std::string>& args, size_t& i) {
    if (i + 1 >= args.size()) throw UsageError{"option " + args[i] + " needs a value"};
    return args[++i];
}

}  // namespace gs::cli
