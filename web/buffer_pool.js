// ArrayBuffers kept for reuse by the workers' hot paths (read-ahead, output pieces). Allocating a fresh buffer of
// some MiB per chunk costs the browser more than reading or converting the chunk: on the 2-core test machine,
// Chromium's `view.slice()` of 8 MiB output chunks alone took half of an F16 conversion (docs/performance.md).
'use strict';

const POOL_GRAIN = 1 << 20;

// take(n): a buffer of at least n bytes (a spare one if any is large enough); give(buf): a buffer back for reuse.
// At most `keep` spares are kept, the largest.
function bufferPool(keep) {
  const spare = [];
  return {
    take(n) {
      const i = spare.findIndex((b) => b.byteLength >= n);
      if (i >= 0) return spare.splice(i, 1)[0];
      return new ArrayBuffer(Math.max(POOL_GRAIN, Math.ceil(n / POOL_GRAIN) * POOL_GRAIN));
    },
    give(buf) {
      if (!buf || buf.byteLength === 0) return;  // detached: transferred away
      spare.push(buf);
      spare.sort((a, b) => b.byteLength - a.byteLength);
      spare.length = Math.min(spare.length, keep);
    },
  };
}
