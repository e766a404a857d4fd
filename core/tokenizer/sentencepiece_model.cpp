#include "core/tokenizer/sentencepiece_model.h"

#include <unordered_map>

#include "core/error.h"
#include "core/tokenizer/protobuf.h"

namespace gs {

namespace {

// ModelProto.SentencePiece: piece = 1, score = 2, type = 3.
SpPiece parse_piece(const pb::Reader& outer, const pb::Field& msg, size_t index) {
    const std::string where = "pieces[" + std::to_string(index) + "]";
    pb::Reader r(msg.bytes, outer.file(), msg.bytes_offset);
    SpPiece p;
    pb::Field f;
    while (r.next(f)) {
        switch (f.number) {
            case 1: r.expect(f, pb::Wire::Bytes, (where + ".piece").c_str()); p.piece = std::string(f.bytes); break;
            case 2: r.expect(f, pb::Wire::Fixed32, (where + ".score").c_str()); p.score = pb::as_float(f); break;
            case 3:
                r.expect(f, pb::Wire::Varint, (where + ".type").c_str());
                if (f.varint < 1 || f.varint > 6) r.fail(f, where + ".type", "unknown piece type " + std::to_string(f.varint));
                p.type = static_cast<TokenType>(f.varint);
                break;
            default: break;  // extensions: ignored, as SentencePiece does
        }
    }
    return p;
}

// TrainerSpec: model_type = 3, byte_fallback = 35, unk_id = 40, bos_id = 41, eos_id = 42, pad_id = 43.
void parse_trainer_spec(const pb::Reader& outer, const pb::Field& msg, SpModel& m) {
    pb::Reader r(msg.bytes, outer.file(), msg.bytes_offset);
    pb::Field f;
    auto int_field = [&](const char* name, int32_t& dst) {
        r.expect(f, pb::Wire::Varint, name);
        dst = pb::as_int32(f);
    };
    while (r.next(f)) {
        switch (f.number) {
            case 3: int_field("trainer_spec.model_type", m.model_type); break;
            case 35: r.expect(f, pb::Wire::Varint, "trainer_spec.byte_fallback"); m.byte_fallback = pb::as_bool(f); break;
            case 40: int_field("trainer_spec.unk_id", m.unk_id); break;
            case 41: int_field("trainer_spec.bos_id", m.bos_id); break;
            case 42: int_field("trainer_spec.eos_id", m.eos_id); break;
            case 43: int_field("trainer_spec.pad_id", m.pad_id); break;
            default: break;
        }
    }
}

// NormalizerSpec: add_dummy_prefix = 3, remove_extra_whitespaces = 4, escape_whitespaces = 5.
void parse_normalizer_spec(const pb::Reader& outer, const pb::Field& msg, SpModel& m) {
    pb::Reader r(msg.bytes, outer.file(), msg.bytes_offset);
    pb::Field f;
    while (r.next(f)) {
        bool* dst = f.number == 3 ? &m.add_dummy_prefix
                  : f.number == 4 ? &m.remove_extra_whitespaces
                  : f.number == 5 ? &m.escape_whitespaces : nullptr;
        if (!dst) continue;
        r.expect(f, pb::Wire::Varint, "normalizer_spec flag");
        *dst = pb::as_bool(f);
    }
}

}  // namespace

SpModel parse_sentencepiece_model(std::string_view bytes, const std::string& file) {
    SpModel m;
    pb::Reader r(bytes, file);
    pb::Field f;
    // ModelProto: pieces = 1, trainer_spec = 2, normalizer_spec = 3 (self_test_data = 4, denormalizer_spec = 5 unused).
    while (r.next(f)) {
        switch (f.number) {
            case 1:
                r.expect(f, pb::Wire::Bytes, "pieces");
                m.pieces.push_back(parse_piece(r, f, m.pieces.size()));
                break;
            case 2: r.expect(f, pb::Wire::Bytes, "trainer_spec"); parse_trainer_spec(r, f, m); break;
            case 3: r.expect(f, pb::Wire::Bytes, "normalizer_spec"); parse_normalizer_spec(r, f, m); break;
            default: break;
        }
    }

    // The checks SentencePieceProcessor makes when it loads a model: the converter cannot get past them either.
    if (m.pieces.empty()) throw Error(file, "", "no sentence pieces (is this a SentencePiece tokenizer.model?)");
    std::unordered_map<std::string_view, size_t> seen;
    seen.reserve(m.pieces.size());
    size_t unknowns = 0;
    for (size_t i = 0; i < m.pieces.size(); ++i) {
        const SpPiece& p = m.pieces[i];
        if (p.piece.empty()) throw Error(file, "", "piece " + std::to_string(i) + " is empty");
        auto [it, fresh] = seen.emplace(p.piece, i);
        if (!fresh)
            throw Error(file, "", "piece " + std::to_string(i) + " '" + p.piece + "' duplicates piece " +
                                      std::to_string(it->second));
        if (p.type == TokenType::Unknown) ++unknowns;
    }
    if (unknowns != 1)
        throw Error(file, "", unknowns ? "more than one piece has the unknown type" : "no piece has the unknown type");
    return m;
}

}  // namespace gs
