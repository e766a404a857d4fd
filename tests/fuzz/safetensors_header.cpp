// The safetensors header parser (core/safetensors/header.cpp): the input is the start of a .safetensors file (length
// prefix + JSON header), followed by an implicit zero data section.
#include "core/error.h"
#include "core/safetensors/header.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_target.h"

GS_FUZZ_TARGET(safetensors_header) {
    using namespace gs;
    fuzz::ZeroTailReader r("fuzz.safetensors", std::string(reinterpret_cast<const char*>(data), size), fuzz::kZeroTail);
    try {
        const StFile f = parse_safetensors(r);
        // What the pipeline relies on: every accepted tensor lies inside the data section, sorted, not overlapping.
        GS_FUZZ_CHECK(f.data_start >= 8 && f.data_start <= f.size);
        uint64_t prev_end = f.data_start;
        for (const StTensor& t : f.tensors) {
            GS_FUZZ_CHECK(t.offset >= f.data_start && t.offset <= f.size && t.nbytes <= f.size - t.offset);
            GS_FUZZ_CHECK(t.nbytes == 0 || t.offset >= prev_end);
            GS_FUZZ_CHECK(t.nbytes == 0 || t.numel() * dtype_size(t.dtype) == t.nbytes);
            if (t.nbytes) prev_end = t.offset + t.nbytes;
        }
    } catch (const Error& e) {
        fuzz::rejected(e.what());
    }
    return 0;
}
