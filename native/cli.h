// The ggufsmith command line: `convert` and `inspect`. Exit codes: 0 ok, 1 bad input, 2 usage.
#pragma once
#include <string>
#include <vector>

namespace gs::cli {

constexpr int kOk = 0, kBadInput = 1, kUsage = 2;

struct UsageError {
    std::string message;
};

int run_convert(const std::vector<std::string>& args);
int run_inspect(const std::vector<std::string>& args);

// Small argument helpers shared by the commands.
bool is_flag(const std::string& a, const char* name);
const std::string& next_value(const std::vector<std::string>& args, size_t& i);

}  // namespace gs::cli
