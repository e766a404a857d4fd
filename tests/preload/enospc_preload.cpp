// LD_PRELOAD shim for the disk-full tests: the kernel's own answer to a full disk, without a full disk. Writes to
// files whose path contains GS_ENOSPC_MATCH (default ".tmp-", ggufsmith's temporary outputs) succeed until
// GS_ENOSPC_AFTER bytes have gone to such files in all; the write crossing that mark is cut short, as a real
// filesystem does, and every later one fails with ENOSPC. Other files (stderr, the inputs) are untouched.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace {
std::atomic<uint64_t> g_written{0};

uint64_t budget() {
    static const uint64_t b = [] {
        const char* s = getenv("GS_ENOSPC_AFTER");
        return s ? strtoull(s, nullptr, 10) : UINT64_MAX;
    }();
    return b;
}

bool matches(int fd) {
    static const char* match = [] {
        const char* s = getenv("GS_ENOSPC_MATCH");
        return s && *s ? s : ".tmp-";
    }();
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return false;
    path[n] = '\0';
    return strstr(path, match) != nullptr;
}

// How many of n bytes may be written now; 0 with errno = ENOSPC when none.
size_t allow(int fd, size_t n) {
    if (n == 0 || !matches(fd)) return n;
    uint64_t done = g_written.load();
    for (;;) {
        const uint64_t left = done >= budget() ? 0 : budget() - done;
        const size_t take = left < n ? static_cast<size_t>(left) : n;
        if (take == 0) {
            errno = ENOSPC;
            return 0;
        }
        if (g_written.compare_exchange_weak(done, done + take)) return take;
    }
}

template <typename F>
F next(const char* name) {
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}
}  // namespace

extern "C" {
ssize_t write(int fd, const void* buf, size_t n) {
    static auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
    const size_t k = allow(fd, n);
    if (n != 0 && k == 0) return -1;
    return real(fd, buf, k);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    static auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
    const size_t k = allow(fd, n);
    if (n != 0 && k == 0) return -1;
    return real(fd, buf, k, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
    static auto real = next<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64");
    const size_t k = allow(fd, n);
    if (n != 0 && k == 0) return -1;
    return real(fd, buf, k, off);
}

// Only ever all or nothing here: ggufsmith does not use writev, the shim just must not let it bypass the limit.
ssize_t writev(int fd, const struct iovec* iov, int cnt) {
    static auto real = next<ssize_t (*)(int, const struct iovec*, int)>("writev");
    size_t n = 0;
    for (int i = 0; i < cnt; ++i) n += iov[i].iov_len;
    if (n != 0 && matches(fd)) {
        if (allow(fd, n) != n) {
            errno = ENOSPC;
            return -1;
        }
    }
    return real(fd, iov, cnt);
}
}
