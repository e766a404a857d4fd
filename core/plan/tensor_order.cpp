#include "core/plan/tensor_order.h"

#include <algorithm>

namespace gs {
namespace {
// The block number of "blk.N.…", or -1 (the loader's sscanf("blk.%d.") leaves -1 when it does not match).
long long block_of(const std::string& s) {
    if (s.compare(0, 4, "blk.") != 0 || s.size() < 5 || s[4] < '0' || s[4] > '9') return -1;
    long long n = 0;
    for (size_t i = 4; i < s.size() && s[i] >= '0' && s[i] <= '9' && n < (1LL << 40); ++i) n = n * 10 + (s[i] - '0');
    return n;
}
}  // namespace

bool llama_quantize_less(const std::string& a, const std::string& b) {
    const long long la = block_of(a), lb = block_of(b);
    if (la != lb) return la < lb;
    return a < b;
}

void sort_like_llama_quantize(std::vector<TensorPlan>& tensors) {
    std::stable_sort(tensors.begin(), tensors.end(),
                     [](const TensorPlan& x, const TensorPlan& y) { return llama_quantize_less(x.out.name, y.out.name); });
}

}  // namespace gs
