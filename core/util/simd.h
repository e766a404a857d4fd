// How ggufsmith dispatches Highway kernels: dynamic dispatch natively (AVX2/AVX-512/NEON chosen at run time),
// static dispatch in wasm (one target, SIMD128) where Highway's run-time target detection is not available.
#pragma once
#include "hwy/highway.h"

#if defined(__EMSCRIPTEN__) || defined(GGUFSMITH_STATIC_DISPATCH)
#define GS_DISPATCH(FN) HWY_STATIC_DISPATCH(FN)
#else
#define GS_DISPATCH(FN) HWY_DYNAMIC_DISPATCH(FN)
#endif
