#include "core/plan/apply_imatrix.h"

#include "core/error.h"

namespace gs {

size_t apply_imatrix(Plan& p, const Imatrix& im, const std::string& file_arg) {
    size_t n = 0;
    for (auto& t : p.tensors) {
        // Only quantized types use the weights; F32/F16/BF16 outputs ignore them.
        const bool quantized = t.out.type != GgmlType::F32 && t.out.type != GgmlType::F16 && t.out.type != GgmlType::BF16;
        try {
            t.imatrix = quantized ? imatrix_for_tensor(im, t.out) : nullptr;
        } catch (const Error& e) {
            throw Error(file_arg, e.tensor, e.detail);  // the file is the one the user gave
        }
        n += t.imatrix != nullptr;
    }
    for (auto& kv : imatrix_metadata(im, file_arg)) set(p.kv, kv.key, std::move(kv.value));
    return n;
}

}  // namespace gs
