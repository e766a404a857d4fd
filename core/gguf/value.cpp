#include "core/gguf/value.h"

#include <cstring>
#include <string>
#include <type_traits>

#include "core/error.h"
#include "core/util/le.h"

namespace gs {

size_t value_type_size(ValueType t) {
    switch (t) {
        case ValueType::U8: case ValueType::I8: case ValueType::Bool: return 1;
        case ValueType::U16: case ValueType::I16: return 2;
        case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
        case ValueType::U64: case ValueType::I64: case ValueType::F64: return 8;
        default: return 0;
    }
}

const char* value_type_name(ValueType t) {
    static const char* names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
    auto i = static_cast<uint32_t>(t);
    return i < 13 ? names[i] : "?";
}

namespace {
template <typename T>
Value scalar(ValueType t, T v) {
    Value x;
    x.type = t;
    x.bytes.resize(sizeof(T));
    le::store(reinterpret_cast<uint8_t*>(x.bytes.data()), v);
    return x;
}
template <typename T>
Value array(ValueType elem, const std::vector<T>& v) {
    Value x;
    x.type = ValueType::Array;
    x.elem = elem;
    x.count = v.size();
    x.bytes.resize(v.size() * sizeof(T));
    for (size_t i = 0; i < v.size(); ++i) le::store(reinterpret_cast<uint8_t*>(x.bytes.data()) + i * sizeof(T), v[i]);
    return x;
}

// A float element as R: an integer only when it is finite and in range (converting NaN or 1e300 is undefined).
template <typename R, typename F>
R from_float(F x) {
    if constexpr (std::is_floating_point_v<R>) {
        return static_cast<R>(x);
    } else {
        static_assert(sizeof(R) == 8, "int64_t or uint64_t");
        const double d = static_cast<double>(x);
        const double lo = std::is_signed_v<R> ? -9223372036854775808.0 : 0.0;
        const double hi = std::is_signed_v<R> ? 9223372036854775808.0 : 18446744073709551616.0;
        if (!(d >= lo && d < hi)) throw Error("metadata value " + std::to_string(d) + " is not a usable integer");
        return static_cast<R>(d);
    }
}

// Element i of a numeric value as double / int64.
template <typename R>
R element(const Value& v, uint64_t i) {
    const ValueType t = v.element_type();
    const size_t sz = value_type_size(t);
    if (sz == 0 || i >= v.count || v.bytes.size() < (i + 1) * sz)
        throw Error(std::string("metadata value is not a number (") + value_type_name(t) + ")");
    const auto* p = reinterpret_cast<const uint8_t*>(v.bytes.data()) + i * sz;
    switch (t) {
        case ValueType::U8: return static_cast<R>(p[0]);
        case ValueType::I8: return static_cast<R>(static_cast<int8_t>(p[0]));
        case ValueType::Bool: return static_cast<R>(p[0] != 0);
        case ValueType::U16: return static_cast<R>(le::load<uint16_t>(p));
        case ValueType::I16: return static_cast<R>(le::load<int16_t>(p));
        case ValueType::U32: return static_cast<R>(le::load<uint32_t>(p));
        case ValueType::I32: return static_cast<R>(le::load<int32_t>(p));
        case ValueType::F32: return from_float<R>(le::load<float>(p));
        case ValueType::U64: return static_cast<R>(le::load<uint64_t>(p));
        case ValueType::I64: return static_cast<R>(le::load<int64_t>(p));
        case ValueType::F64: return from_float<R>(le::load<double>(p));
        default: throw Error("metadata value is not a number");
    }
}
}  // namespace

Value Value::u8(uint8_t v) { return scalar(ValueType::U8, v); }
Value Value::u16(uint16_t v) { return scalar(ValueType::U16, v); }
Value Value::u32(uint32_t v) { return scalar(ValueType::U32, v); }
Value Value::i32(int32_t v) { return scalar(ValueType::I32, v); }
Value Value::u64(uint64_t v) { return scalar(ValueType::U64, v); }
Value Value::f32(float v) { return scalar(ValueType::F32, v); }
Value Value::boolean(bool v) { return scalar(ValueType::Bool, static_cast<uint8_t>(v ? 1 : 0)); }
Value Value::str(std::string v) {
    Value x;
    x.type = ValueType::String;
    x.strings.push_back(std::move(v));
    return x;
}
Value Value::str_array(std::vector<std::string> v) {
    Value x;
    x.type = ValueType::Array;
    x.elem = ValueType::String;
    x.count = v.size();
    x.strings = std::move(v);
    return x;
}
Value Value::f32_array(const std::vector<float>& v) { return array(ValueType::F32, v); }
Value Value::i32_array(const std::vector<int32_t>& v) { return array(ValueType::I32, v); }
Value Value::u32_array(const std::vector<uint32_t>& v) { return array(ValueType::U32, v); }

uint64_t Value::as_u64() const {
    if (is_array()) throw Error("metadata value is an array, expected a number");
    int64_t i = element<int64_t>(*this, 0);
    if (type == ValueType::U64) return element<uint64_t>(*this, 0);
    if (i < 0) throw Error("metadata value is negative, expected a non-negative number");
    return static_cast<uint64_t>(i);
}
int64_t Value::as_i64() const {
    if (is_array()) throw Error("metadata value is an array, expected a number");
    return element<int64_t>(*this, 0);
}
double Value::as_f64() const {
    if (is_array()) throw Error("metadata value is an array, expected a number");
    return element<double>(*this, 0);
}
bool Value::as_bool() const {
    if (type != ValueType::Bool) throw Error("metadata value is not a bool");
    return bytes.at(0) != 0;
}
const std::string& Value::as_str() const {
    if (type != ValueType::String || strings.empty()) throw Error("metadata value is not a string");
    return strings[0];
}
double Value::number_at(uint64_t i) const { return element<double>(*this, i); }
int64_t Value::int_at(uint64_t i) const { return element<int64_t>(*this, i); }

const Value* find(const Metadata& m, std::string_view key) {
    for (const auto& kv : m)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

void set(Metadata& m, std::string key, Value v) {
    for (auto& kv : m)
        if (kv.key == key) {
            kv.value = std::move(v);
            return;
        }
    m.push_back({std::move(key), std::move(v)});
}

void erase(Metadata& m, std::string_view key) {
    for (auto it = m.begin(); it != m.end(); ++it)
        if (it->key == key) {
            m.erase(it);
            return;
        }
}

}  // namespace gs
