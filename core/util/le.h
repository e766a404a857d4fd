// Explicit little-endian loads and stores: GGUF and safetensors are little-endian whatever the host is.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace gs::le {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
inline constexpr bool kBigEndianHost = true;
#else
inline constexpr bool kBigEndianHost = false;
#endif
// GGUFSMITH_FORCE_BYTESWAP (CMake option of the same name, test builds only) flips the answer, so a little-endian
// host treats files the way a big-endian one does; tests/integration/byte_order.py feeds such a build byte-mirrored
// files. Every multi-byte number read from or written to a file goes through load/store below (or a bulk path that
// checks kSwap), which is what that test checks.
#ifdef GGUFSMITH_FORCE_BYTESWAP
inline constexpr bool kSwap = !kBigEndianHost;
#else
inline constexpr bool kSwap = kBigEndianHost;
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
