// The order llama-quantize writes tensors in (and walks them in while choosing types, which matters because some
// rules count attn_v / ffn_down tensors as they go): its loader keeps tensors in a map sorted by block number
// (tensors outside "blk.N." first) and then by name. So "output.weight" < "output_norm.weight" < "token_embd.weight",
// then blk.0.* alphabetically, blk.1.*, ... blk.10.* (numerically, not as text).
#pragma once
#include <string>
#include <vector>

namespace gs {

struct TensorPlan;

// The N of a "blk.N." prefix, or -1 when the name has none.
int block_index(const std::string& name);

// true when a sorts before b in llama-quantize's order.
bool quantize_order_less(const std::string& a, const std::string& b);

// Indices into names, in llama-quantize's order.
std::vector<size_t> quantize_order(const std::vector<std::string>& names);

// Sorts plan tensors into that order (stable).
void sort_like_llama_quantize(std::vector<TensorPlan>& tensors);

}  // namespace gs
