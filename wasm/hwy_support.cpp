// The few out-of-line Highway symbols that static dispatch still references (HWY_ASSERT, AllocateAligned, and the
// dispatch entry points). Debian ships libhwy only for the host, so the wasm build provides its own small versions.
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "hwy/aligned_allocator.h"
#include "hwy/base.h"
#include "hwy/targets.h"

namespace hwy {

void Abort(const char* file, int line, const char* format, ...) {
    char msg[512];
    va_list args;
    va_start(args, format);
    std::vsnprintf(msg, sizeof(msg), format, args);
    va_end(args);
    std::fprintf(stderr, "Abort at %s:%d: %s\n", file, line, msg);
    std::fflush(stderr);
    std::abort();
}

namespace {
// Stored just below each aligned block: what to hand back to the allocator, and the payload size that
// DeleteAlignedArray needs to run element destructors.
struct Header {
    void* allocated;
    size_t payload_size;
};
constexpr size_t kAlignment = HWY_ALIGNMENT;
static_assert(sizeof(Header) <= kAlignment, "header must fit in the alignment padding");
}  // namespace

void* AllocateAlignedBytes(size_t payload_size, AllocPtr alloc_ptr, void* opaque_ptr) {
    if (payload_size > SIZE_MAX - 2 * kAlignment) return nullptr;
    const size_t total = payload_size + 2 * kAlignment;  // room for the header and for aligning up
    void* allocated = alloc_ptr ? alloc_ptr(opaque_ptr, total) : std::malloc(total);
    if (!allocated) return nullptr;
    uintptr_t aligned = (reinterpret_cast<uintptr_t>(allocated) + sizeof(Header) + kAlignment - 1) & ~(kAlignment - 1);
    Header* h = reinterpret_cast<Header*>(aligned) - 1;
    h->allocated = allocated;
    h->payload_size = payload_size;
    return reinterpret_cast<void*>(aligned);
}

void FreeAlignedBytes(const void* aligned_pointer, FreePtr free_ptr, void* opaque_ptr) {
    if (!aligned_pointer) return;
    const Header* h = reinterpret_cast<const Header*>(aligned_pointer) - 1;
    if (free_ptr) free_ptr(opaque_ptr, h->allocated);
    else std::free(h->allocated);
}

void AlignedDeleter::DeleteAlignedArray(void* aligned_pointer, FreePtr free_ptr, void* opaque_ptr,
                                        ArrayDeleter deleter) {
    if (!aligned_pointer) return;
    if (deleter) deleter(aligned_pointer, (reinterpret_cast<const Header*>(aligned_pointer) - 1)->payload_size);
    FreeAlignedBytes(aligned_pointer, free_ptr, opaque_ptr);
}

// wasm has one target, fixed at compile time (SIMD128). HWY_EXPORT tables never ask (HWY_COMPILE_ONLY_STATIC makes
// them single-entry), but tests iterate SupportedAndGeneratedTargets() and mock the set, so keep Highway's
// contract: the mock or the static target, minus disabled ones, never empty.
namespace {
int64_t g_mock_targets = 0;
int64_t g_disabled_targets = 0;
}  // namespace

int64_t SupportedTargets() {
    const int64_t targets = (g_mock_targets ? g_mock_targets : HWY_STATIC_TARGET) & ~g_disabled_targets;
    return targets ? targets : HWY_STATIC_TARGET;
}

ChosenTarget& GetChosenTarget() {
    static ChosenTarget chosen;
    return chosen;
}

void DisableTargets(int64_t disabled_targets) {
    g_disabled_targets = disabled_targets;
    GetChosenTarget().Update(SupportedTargets());
}

void SetSupportedTargetsForTest(int64_t targets) {
    g_mock_targets = targets;
    GetChosenTarget().Update(SupportedTargets());
}

}  // namespace hwy
