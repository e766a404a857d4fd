#include "core/plan/tensor_order.h"

#include "core/plan/plan.h"

#include <algorithm>
#include <numeric>

namespace gs {

int block_index(const std::string& name) {
    // the reading of sscanf(name, "blk.%d."): digits right after "blk."
    if (name.compare(0, 4, "blk.") != 0) return -1;
    size_t i = 4;
    long v = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9' && v < 1000000000) v = v * 10 + (name[i++] - '0');
    // sscanf counts the number as read even when the dot after it is missing
    return i == 4 ? -1 : static_cast<int>(v);
}

bool quantize_order_less(const std::string& a, const std::string& b) {
    const int la = block_index(a), lb = block_index(b);
    if (la != lb) return la < lb;
    return a < b;  // std::string compares as unsigned bytes, like strcmp
}

std::vector<size_t> quantize_order(const std::vector<std::string>& names) {
    std::vector<size_t> idx(names.size());
    std::iota(idx.begin(), idx.end(), size_t{0});
    std::stable_sort(idx.begin(), idx.end(),
                     [&](size_t x, size_t y) { return quantize_order_less(names[x], names[y]); });
    return idx;
}

void sort_like_llama_quantize(std::vector<TensorPlan>& tensors) {
    std::stable_sort(tensors.begin(), tensors.end(),
                     [](const TensorPlan& x, const TensorPlan& y) { return quantize_order_less(x.out.name, y.out.name); });
}

}  // namespace gs
