// The importance-matrix readers (core/imatrix/): the legacy .dat format and the GGUF one, chosen by the magic as
// `--imatrix` does. The input is an imatrix file.
#include <cmath>

#include "core/error.h"
#include "core/imatrix/imatrix.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(imatrix) {
    using namespace gs;
    auto r = memory_reader("fuzz.imatrix", std::string(reinterpret_cast<const char*>(data), size));
    try {
        const Imatrix im = read_imatrix(*r);
        // What the quantizers rely on: per entry, n_mat equal rows of finite weights.
        GS_FUZZ_CHECK(!im.entries.empty());
        for (const auto& [name, e] : im.entries) {
            GS_FUZZ_CHECK(e.weights && e.n_mat > 0 && !e.weights->empty());
            GS_FUZZ_CHECK(e.weights->size() % e.n_mat == 0);
            for (float w : *e.weights) GS_FUZZ_CHECK(std::isfinite(w));
            GgufTensorInfo t;
            t.name = name;
            t.ne = {e.row_len(), 4, e.n_mat};
            GS_FUZZ_CHECK(imatrix_for_tensor(im, t) == e.weights);
        }
        imatrix_metadata(im, "fuzz.imatrix");
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
