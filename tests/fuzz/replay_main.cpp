// fuzz_replay [-v] TARGET DIR...: runs every file under the DIRs (the committed seed corpus, the saved reproducers of
// past findings) through the fuzz target TARGET once, in the normal build. A file that crashes, trips a sanitizer
// (in a sanitized build), breaks an invariant or throws anything but gs::Error fails the run; so does a missing or
// empty directory set, so a renamed target cannot silently replay nothing. -v prints each input's outcome: "accepted"
// or the gs::Error that refused it (a seed should get past the first checks).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.h"

namespace gs::fuzz {
namespace {
bool verbose = false;
std::string last_error;

std::map<std::string, TargetFn>& targets() {
    static std::map<std::string, TargetFn> t;
    return t;
}
}  // namespace

void rejected(const char* what) { last_error = what; }

bool register_target(const char* name, TargetFn fn) {
    targets()[name] = fn;
    return true;
}
}  // namespace gs::fuzz

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    const auto& all = gs::fuzz::targets();
    if (argc > 1 && std::string(argv[1]) == "-v") {
        gs::fuzz::verbose = true;
        --argc;
        ++argv;
    }
    if (argc < 3 || !all.count(argv[1])) {
        std::fprintf(stderr, "usage: fuzz_replay [-v] TARGET DIR...\ntargets:");
        for (const auto& [name, fn] : all) std::fprintf(stderr, " %s", name.c_str());
        std::fprintf(stderr, "\n");
        return 2;
    }
    const gs::fuzz::TargetFn fn = all.at(argv[1]);
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        if (!fs::is_directory(argv[i])) continue;  // no reproducers yet is fine; the total is checked below
        for (const auto& e : fs::recursive_directory_iterator(argv[i]))
            if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        std::fprintf(stderr, "fuzz_replay %s: no input files found\n", argv[1]);
        return 1;
    }
    for (const fs::path& p : files) {
        std::ifstream in(p, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::fprintf(stderr, "%s\n", p.string().c_str());
        gs::fuzz::last_error = "accepted";
        fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        if (gs::fuzz::verbose) std::fprintf(stderr, "  -> %s\n", gs::fuzz::last_error.c_str());
    }
    std::printf("fuzz_replay %s: %zu inputs, no finding\n", argv[1], files.size());
    return 0;
}
