// Helpers for the tokenizer tests: an in-memory model folder, a protobuf encoder to build tokenizer.model bytes,
// and the two tokenization algorithms whose agreement the tokenizer.json scores are for.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io/reader.h"
#include "tests/memory_folder.h"

namespace gs::test {


// Protobuf encoding, just enough to write SentencePiece models.
inline std::string pb_varint(uint64_t v) {
    std::string s;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        s.push_back(static_cast<char>(v ? b | 0x80 : b));
    } while (v);
    return s;
}
inline std::string pb_key(uint32_t field, uint32_t wire) { return pb_varint((uint64_t(field) << 3) | wire); }
inline std::string pb_bytes(uint32_t field, const std::string& payload) {
    return pb_key(field, 2) + pb_varint(payload.size()) + payload;
}
inline std::string pb_int(uint32_t field, int64_t v) { return pb_key(field, 0) + pb_varint(static_cast<uint64_t>(v)); }
inline std::string pb_float(uint32_t field, float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    std::string s = pb_key(field, 5);
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    return s;
}
inline std::string sp_piece(const std::string& piece, float score, int type) {
    return pb_bytes(1, pb_bytes(1, piece) + pb_float(2, score) + (type == 1 ? "" : pb_int(3, type)));
}

inline std::vector<std::string> utf8_chars(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<uint8_t>(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

// Hugging Face BPE on one pre-normalized word: apply the lowest-rank merge among adjacent pairs, leftmost first.
inline std::vector<std::string> hf_bpe(const std::string& text, const std::map<std::pair<std::string, std::string>, size_t>& rank) {
    std::vector<std::string> sy = utf8_chars(text);
    for (;;) {
        size_t best = SIZE_MAX, at = 0;
        for (size_t i = 0; i + 1 < sy.size(); ++i) {
            auto it = rank.find({sy[i], sy[i + 1]});
            if (it != rank.end() && it->second < best) best = it->second, at = i;
        }
        if (best == SIZE_MAX) return sy;
        sy[at] += sy[at + 1];
        sy.erase(sy.begin() + static_cast<long>(at) + 1);
    }
}

// llama.cpp's SPM merge loop (llm_tokenizer_spm_session): merge the adjacent pair whose concatenation is a token
// with the highest score, ties leftmost; returns the final pieces.
inline std::vector<std::string> llama_spm(const std::string& text, const std::unordered_map<std::string, float>& score_of) {
    struct Sym { std::string text; int prev, next; };
    struct Bigram { float score; int left, right; size_t size; };
    auto cmp = [](const Bigram& l, const Bigram& r) { return l.score < r.score || (l.score == r.score && l.left > r.left); };
    std::priority_queue<Bigram, std::vector<Bigram>, decltype(cmp)> q(cmp);
    std::vector<Sym> sy;
    const auto chars = utf8_chars(text);
    for (size_t i = 0; i < chars.size(); ++i)
        sy.push_back({chars[i], static_cast<int>(i) - 1, i + 1 == chars.size() ? -1 : static_cast<int>(i) + 1});
    auto add = [&](int l, int r) {
        if (l < 0 || r < 0) return;
        const std::string t = sy[l].text + sy[r].text;
        auto it = score_of.find(t);
        if (it != score_of.end()) q.push({it->second, l, r, t.size()});
    };
    for (int i = 1; i < static_cast<int>(sy.size()); ++i) add(i - 1, i);
    while (!q.empty()) {
        const Bigram b = q.top();
        q.pop();
        Sym &L = sy[b.left], &R = sy[b.right];
        if (L.text.empty() || R.text.empty() || L.text.size() + R.text.size() != b.size) continue;
        L.text += R.text;
        R.text.clear();
        L.next = R.next;
        if (R.next >= 0) sy[R.next].prev = b.left;
        add(L.prev, b.left);
        add(b.left, L.next);
    }
    std::vector<std::string> out;
    for (int i = sy.empty() ? -1 : 0; i != -1; i = sy[i].next) out.push_back(sy[i].text);
    return out;
}

}  // namespace gs::test

namespace gs::test {

// Runs f, which must throw gs::Error, and returns the error (a test failure if it does not throw).
template <typename F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("expected a gs::Error, nothing was thrown");
}

}  // namespace gs::test
