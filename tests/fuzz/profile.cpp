// The quantization profile parser (core/plan/profile.cpp): the JSON text of a user's --profile file.
#include "core/error.h"
#include "core/plan/profile.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(profile) {
    using namespace gs;
    try {
        const Profile p = parse_profile(std::string(reinterpret_cast<const char*>(data), size), "fuzz-profile.json");
        GS_FUZZ_CHECK(!p.name.empty());
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
