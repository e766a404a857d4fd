// Test support for llama.cpp's type-selection snapshots (../shared/golden/type-selection/*.schema): a parser and the
// section check. The tensor lists of the models they describe are rebuilt in schema_layouts.h.
#pragma once
#include <cstdint>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/plan/ftype.h"
#include "core/plan/type_select.h"
#include "tests/support.h"

namespace gs::test {

struct SchemaSection {
    std::string ftype_name;  // "Q4_K_M"
    std::string default_type;  // as written ("q4_K")
    std::vector<std::pair<std::string, std::string>> differing;  // tensor -> type, as written
};

struct Schema {
    std::map<std::string, uint64_t> header;  // n_embd, n_ff, n_vocab, n_layer, n_head, n_head_kv, n_expert
    std::vector<SchemaSection> sections;
};

inline Schema parse_schema(const std::string& text) {
    Schema s;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# n_embd=", 0) == 0) {
            std::string rest = line.substr(2);
            size_t pos = 0;
            while (pos < rest.size()) {
                size_t comma = rest.find(',', pos);
                std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
                while (!item.empty() && item[0] == ' ') item.erase(0, 1);
                const size_t eq = item.find('=');
                if (eq != std::string::npos) s.header[item.substr(0, eq)] = std::stoull(item.substr(eq + 1));
                if (comma == std::string::npos) break;
                pos = comma + 1;
            }
            continue;
        }
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') {
            const size_t close = line.find(']');
            if (close == std::string::npos) throw std::runtime_error("bad schema line: " + line);
            SchemaSection sec;
            sec.ftype_name = line.substr(1, close - 1);
            sec.default_type = line.substr(line.find_first_not_of(' ', close + 1));
            s.sections.push_back(sec);
            continue;
        }
        if (s.sections.empty()) throw std::runtime_error("tensor line before any section: " + line);
        const size_t sp = line.rfind(' ');
        s.sections.back().differing.emplace_back(line.substr(0, sp), line.substr(sp + 1));
    }
    return s;
}

// A model's tensors as its GGUF lists them (names and ggml shapes), norms and biases included.
struct ModelTensors {
    QuantModel model;
    std::vector<TensorShape> tensors;
};

// llama.cpp spells types in lower case except the K of k-quants ("q4_K", "iq3_s"); compare case-insensitively.
inline std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

struct SectionResult {
    bool identical = true;
    std::vector<std::string> mismatches;  // first few, for the failure message
};

// One ftype section: every quantizable tensor must get the section's listed type (or its default), and every
// tensor the section lists must exist — the same check as llama.cpp's test-quant-type-selection.
inline SectionResult check_section(const ModelTensors& m, const SchemaSection& sec) {
    SectionResult r;
    auto fail = [&](std::string msg) {
        r.identical = false;
        if (r.mismatches.size() < 5) r.mismatches.push_back(std::move(msg));
    };
    auto ft = ftype_from_name(sec.ftype_name);
    if (!ft) {
        fail("unknown ftype " + sec.ftype_name);
        return r;
    }
    if (upper(type_name(ftype_info(*ft).default_type)) != upper(sec.default_type))
        fail("default type " + std::string(type_name(ftype_info(*ft).default_type)) + " vs " + sec.default_type);
    std::map<std::string, std::string> listed(sec.differing.begin(), sec.differing.end());
    size_t found = 0;
    TypeSelection sel;
    try {
        sel = select_types(m.model, *ft, QuantOptions{}, m.tensors);
    } catch (const std::exception& e) {
        fail(std::string("error: ") + e.what());
        return r;
    }
    for (size_t i = 0; i < m.tensors.size(); ++i) {
        if (!sel.tensors[i].quantize) continue;
        std::string expected = sec.default_type;
        auto it = listed.find(m.tensors[i].name);
        if (it != listed.end()) {
            expected = it->second;
            ++found;
        }
        const std::string got = type_name(sel.tensors[i].type);
        if (upper(got) != upper(expected))
            fail(m.tensors[i].name + ": expected " + expected + ", got " + got + " (" + sel.tensors[i].why + ")");
    }
    if (found != listed.size())
        fail("listed " + std::to_string(listed.size()) + " tensors, matched " + std::to_string(found));
    return r;
}

}  // namespace gs::test
