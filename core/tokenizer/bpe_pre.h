// llama.cpp's tokenizer.ggml.pre for a byte-level BPE tokenizer.json, read from the file's content.
//
// llama.cpp's converter names the pre-tokenizer by hashing Hugging Face's tokenization of a test string, which needs
// Python and fails on every new model. Here the name is chosen from what the tokenizer.json says (normalizer,
// pre_tokenizer steps and regexes, ByteLevel flags, model.ignore_merges), and the choice is the name whose llama.cpp
// RUNTIME regexes and flags reproduce Hugging Face's pre-tokenization, which is not always the name the hash gives
// (see docs/tokenizers.md for the measured cases).
#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace gs {

struct BpePre {
    std::string name;  // tokenizer.ggml.pre
    std::string why;   // one line: what in the tokenizer.json decided it
};

// Throws gs::Error naming `file` and the unrecognized part (the regex, the normalizer, ...) when no llama.cpp
// pre-tokenizer reproduces this one; the message points at --tokenizer-pre.
// `clean_up_spaces` is tokenizer_config.json's clean_up_tokenization_spaces (decoding only; it picks between names
// whose encoding is identical).
BpePre identify_bpe_pre(const nlohmann::json& tokenizer_json, const std::string& file, bool clean_up_spaces);

}  // namespace gs
