// GGUF metadata values and key/value lists. Numbers are kept as packed little-endian bytes, so a value read from a
// file is written back byte for byte and the writer needs no per-type code.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gs {

enum class ValueType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8, Array = 9, U64 = 10, I64 = 11,
    F64 = 12,
};

// Bytes of one element of a numeric type (0 for String/Array, which are not fixed-size).
size_t value_type_size(ValueType t);
const char* value_type_name(ValueType t);

struct Value {
    ValueType type = ValueType::U32;
    ValueType elem = ValueType::U8;  // element type when type == Array (never Array: GGUF nesting is rejected)
    uint64_t count = 1;              // elements (1 for a scalar)
    std::string bytes;               // numeric elements, packed little-endian
    std::vector<std::string> strings;  // string elements (a scalar string is strings[0])

    static Value u8(uint8_t v);
    static Value u16(uint16_t v);
    static Value u32(uint32_t v);
    static Value i32(int32_t v);
    static Value u64(uint64_t v);
    static Value f32(float v);
    static Value boolean(bool v);
    static Value str(std::string v);
    static Value str_array(std::vector<std::string> v);
    static Value f32_array(const std::vector<float>& v);
    static Value i32_array(const std::vector<int32_t>& v);
    static Value u32_array(const std::vector<uint32_t>& v);

    bool is_array() const { return type == ValueType::Array; }
    ValueType element_type() const { return is_array() ? elem : type; }
    // Scalar accessors; throw gs::Error when the value is not of a compatible kind.
    uint64_t as_u64() const;  // any unsigned/signed integer >= 0, or bool
    int64_t as_i64() const;
    double as_f64() const;    // any number
    bool as_bool() const;
    const std::string& as_str() const;
    // Array element i as a number (numeric arrays).
    double number_at(uint64_t i) const;
    int64_t int_at(uint64_t i) const;
};

struct KV {
    std::string key;
    Value value;
};
using Metadata = std::vector<KV>;

const Value* find(const Metadata& m, std::string_view key);
// Replaces the value of key if present (keeping its position), else appends.
void set(Metadata& m, std::string key, Value v);
void erase(Metadata& m, std::string_view key);

}  // namespace gs
