// Type selection details the snapshots do not cover: ftype names and ids, llama-quantize's tensor order, the
// override flags, fallbacks and the importance-matrix requirement.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/error.h"
#include "core/plan/ftype.h"
#include "core/plan/tensor_order.h"
#include "core/plan/type_select.h"

using namespace gs;

namespace {
// A 4-layer llama-shaped model (GQA 4) with rows of `row` elements.
std::vector<TensorShape> small_llama(uint64_t row = 256, bool with_output = true) {
    std::vector<TensorShape> v = {{"token_embd.weight", {row, 1000}}, {"output_norm.weight", {row}}};
    if (with_output) v.push_back({"output.weight", {row, 1000}});
    for (int i = 0; i < 4; ++i) {
        const std::string b = "blk." + std::to_string(i) + ".";
        for (const char* n : {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"})
            v.push_back({b + n + ".weight", {row, row}});
        v.push_back({b + "attn_norm.weight", {row}});
        v.push_back({b + "ffn_norm.weight", {row}});
    }
    return v;
}

QuantModel small_model() {
    QuantModel m;
    m.n_layer = 4;
    m.n_head = 8;
    m.n_head_kv = 2;
    return m;
}

const TypeChoice& choice(const TypeSelection& s, const std::vector<TensorShape>& t, const std::string& name) {
    for (size_t i = 0; i < t.size(); ++i)
        if (t[i].name == name) return s.tensors[i];
    FAIL("no tensor " << name);
    return s.tensors[0];
}
}  // namespace

TEST_CASE("ftype names, aliases and llama_ftype ids", "[type-selection]") {
    CHECK(all_ftypes().size() == 33);
    CHECK(ftype_id(*ftype_from_name("q4_k_m")) == 15);
    CHECK(*ftype_from_name("Q4_K") == Ftype::Q4_K_M);
    CHECK(*ftype_from_name("Q3_K") == Ftype::Q3_K_M);
    CHECK(*ftype_from_name("Q5_K") == Ftype::Q5_K_M);
    CHECK(ftype_id(Ftype::MXFP4_MOE) == 38);
    CHECK(ftype_info(Ftype::IQ2_S).default_type == GgmlType::IQ2_XS);
    CHECK(ftype_info(Ftype::IQ3_XS).default_type == GgmlType::IQ3_S);
    CHECK_FALSE(ftype_from_name("Q4_K_X"));
    CHECK_FALSE(ftype_from_name("Q4_K_L"));  // a profile, not an ftype
}

TEST_CASE("llama-quantize's tensor order: non-block tensors, then blocks numerically, names sorted", "[type-selection]") {
    std::vector<std::string> names = {"blk.10.attn_q.weight", "token_embd.weight", "blk.2.ffn_up.weight",
                                      "output_norm.weight", "blk.2.attn_q.weight", "output.weight"};
    std::vector<std::string> got;
    for (size_t i : quantize_order(names)) got.push_back(names[i]);
    CHECK(got == std::vector<std::string>{"output.weight", "output_norm.weight", "token_embd.weight",
                                          "blk.2.attn_q.weight", "blk.2.ffn_up.weight", "blk.10.attn_q.weight"});
    CHECK(block_index("blk.17.attn_q.weight") == 17);
    CHECK(block_index("output.weight") == -1);
}

TEST_CASE("counters follow llama-quantize's order whatever the input order", "[type-selection]") {
    auto t = small_llama();
    auto r = t;
    std::reverse(r.begin(), r.end());
    auto a = select_types(small_model(), Ftype::Q3_K_M, {}, t);
    auto b = select_types(small_model(), Ftype::Q3_K_M, {}, r);
    // Q3_K_M: the first two attn_v in walk order get Q5_K
    CHECK(choice(a, t, "blk.1.attn_v.weight").type == GgmlType::Q5_K);
    CHECK(choice(a, t, "blk.2.attn_v.weight").type == GgmlType::Q4_K);
    for (size_t i = 0; i < t.size(); ++i) CHECK(choice(b, r, t[i].name).type == a.tensors[i].type);
}

TEST_CASE("norms and 1-D tensors are not quantized; tied embeddings take the output rule", "[type-selection]") {
    auto t = small_llama(256, false);
    auto s = select_types(small_model(), Ftype::Q4_0, {}, t);
    CHECK_FALSE(choice(s, t, "blk.0.attn_norm.weight").quantize);
    CHECK(choice(s, t, "token_embd.weight").type == GgmlType::Q6_K);
    auto t2 = small_llama(256, true);
    auto s2 = select_types(small_model(), Ftype::Q4_0, {}, t2);
    CHECK(choice(s2, t2, "token_embd.weight").type == GgmlType::Q4_0);
    CHECK(choice(s2, t2, "output.weight").type == GgmlType::Q6_K);
}

TEST_CASE("override flags behave like llama-quantize's", "[type-selection]") {
    auto t = small_llama();
    QuantOptions o;
    o.token_embedding_type = GgmlType::Q8_0;
    o.output_tensor_type = GgmlType::Q5_K;
    o.tensor_types.push_back(parse_tensor_type_rule("ffn_down=Q8_0"));
    o.tensor_types.push_back(parse_tensor_type_rule("blk\\.0\\.ffn_down=Q4_0"));  // never reached: first match wins
    o.tensor_types.push_back(parse_tensor_type_rule("blk\\.0\\.attn_v=Q4_0"));
    auto s = select_types(small_model(), Ftype::Q4_K_M, o, t);
    CHECK(choice(s, t, "token_embd.weight").type == GgmlType::Q8_0);
    CHECK(choice(s, t, "output.weight").type == GgmlType::Q5_K);
    CHECK(choice(s, t, "blk.0.ffn_down.weight").type == GgmlType::Q8_0);
    CHECK(choice(s, t, "blk.0.attn_v.weight").type == GgmlType::Q4_0);
    // a manual type skips the mix rules, so blk.0.attn_v does not advance the attn_v counter: blk.2 is then the
    // schedule's second attn_v (Q4_K) instead of its third (use_more_bits -> Q6_K)
    CHECK(choice(s, t, "blk.2.attn_v.weight").type == GgmlType::Q4_K);
    CHECK(choice(select_types(small_model(), Ftype::Q4_K_M, {}, t), t, "blk.2.attn_v.weight").type == GgmlType::Q6_K);

    QuantOptions pure;
    pure.pure = true;
    auto p = select_types(small_model(), Ftype::Q4_K_M, pure, t);
    for (size_t i = 0; i < t.size(); ++i)
        if (p.tensors[i].quantize) CHECK(p.tensors[i].type == GgmlType::Q4_K);

    QuantOptions leave;
    leave.leave_output_tensor = true;
    auto l = select_types(small_model(), Ftype::Q4_K_M, leave, t);
    CHECK_FALSE(choice(l, t, "output.weight").quantize);
    CHECK(choice(l, t, "token_embd.weight").type == GgmlType::Q4_K);  // still untied: output.weight exists

    CHECK_THROWS_AS(parse_tensor_type_rule("ffn_down"), Error);
    CHECK_THROWS_AS(parse_tensor_type_rule("ffn_down=Q9_9"), Error);
    CHECK_THROWS_AS(parse_tensor_type_rule("ffn_(down=Q8_0"), Error);
}

TEST_CASE("rows that do not fit the block fall back like llama-quantize", "[type-selection]") {
    auto t = small_llama(2880);  // multiple of 32, not of 256
    auto s = select_types(small_model(), Ftype::Q4_K_M, {}, t);
    CHECK(choice(s, t, "blk.3.attn_q.weight").type == GgmlType::Q5_0);   // Q4_K
    CHECK(choice(s, t, "blk.3.ffn_down.weight").type == GgmlType::Q8_0); // Q6_K
    CHECK(choice(s, t, "blk.3.ffn_down.weight").fallback);
    CHECK(choice(s, t, "output.weight").type == GgmlType::Q8_0);         // output rule: row not a multiple
    CHECK_FALSE(choice(s, t, "output.weight").fallback);
    CHECK(s.n_fallback == 4 * 7 + 1);  // every block tensor and token_embd
    auto q2 = select_types(small_model(), Ftype::Q2_K, {}, t);
    CHECK(choice(q2, t, "blk.3.attn_q.weight").type == GgmlType::Q4_0);
    auto iq = select_types(small_model(), Ftype::IQ4_XS, {}, t);
    CHECK(choice(iq, t, "blk.3.attn_q.weight").type == GgmlType::IQ4_NL);
    auto odd = small_llama(200);  // not even a multiple of 32
    // the output rule picks Q8_0, which has no fallback: llama-quantize gives up too
    CHECK_THROWS_AS(select_types(small_model(), Ftype::Q4_K_S, {}, odd), Error);
    odd.erase(odd.begin(), odd.begin() + 3);  // no token_embd / output
    auto o = select_types(small_model(), Ftype::Q4_K_S, {}, odd);
    CHECK(choice(o, odd, "blk.3.attn_q.weight").type == GgmlType::F16);
    CHECK_THROWS_AS(select_types(small_model(), Ftype::Q4_0, {}, odd), Error);  // Q4_0 has no fallback
}

TEST_CASE("importance-matrix requirement is flagged", "[type-selection]") {
    auto t = small_llama();
    auto s = select_types(small_model(), Ftype::IQ2_XXS, {}, t);
    CHECK(choice(s, t, "blk.3.attn_q.weight").requires_imatrix);
    CHECK_FALSE(choice(s, t, "token_embd.weight").requires_imatrix);
    CHECK_FALSE(choice(s, t, "blk.3.attn_v.weight").requires_imatrix);  // Q4_K (GQA 4)
    auto q2s = select_types(small_model(), Ftype::Q2_K_S, {}, t);
    CHECK(choice(q2s, t, "blk.3.attn_q.weight").requires_imatrix);
    auto q2 = select_types(small_model(), Ftype::Q2_K, {}, t);
    CHECK_FALSE(choice(q2, t, "blk.3.attn_q.weight").requires_imatrix);
}
