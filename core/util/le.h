// Explicit little-endian loads and stores: GGUF and safetensors are little-endian whatever the host is.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace gs::le {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ || defined(GGUFSMITH_FORCE_BYTESWAP)
inline constexpr bool kSwap = true;
#else
inline constexpr bool kSwap = false;
#endif

template <typename T>
inline T load(const uint8_t* p) {
    static_assert(std::is_trivially_copyable<T>::value, "");
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = kSwap ? p[sizeof(T) - 1 - i] : p[i];
    T v;
    std::memcpy(&v, b, sizeof(T));
    return v;
}

template <typename T>
inline void store(uint8_t* p, T v) {
    static_assert(std::is_trivially_copyable<T>::value, "");
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    for (size_t i = 0; i < sizeof(T); ++i) p[i] = kSwap ? b[sizeof(T) - 1 - i] : b[i];
}

}  // namespace gs::le
