// The two ways the workers read the dropped files, both a File.slice() range at a time, never the whole file.
// Shared by the coordinator (worker.js) and the converting sub-workers (converter.js).
'use strict';

// Synchronous (the module's gsRead, while it plans or reads what was not read ahead): fills `view` from bytes
// [offset, offset + view.length) of `file`; returns '' or the problem in one line.
function readSlice(file, offset, view) {
  const buf = new FileReaderSync().readAsArrayBuffer(file.slice(offset, offset + view.length));
  if (buf.byteLength !== view.length)
    return `short read: ${buf.byteLength} of ${view.length} bytes at offset ${offset} (file changed on disk?)`;
  view.set(new Uint8Array(buf));
  return '';
}

// Asynchronous (reading ahead of the conversion): reads bytes [offset, offset + length) of `file` into the start of
// `buf` (an ArrayBuffer of at least `length` bytes) and resolves with the buffer that then holds them (the same
// memory, a new ArrayBuffer object: the stream hands it back), or null if they could not all be read within
// timeoutMs (`buf` may be gone then). Through a BYOB reader of the slice's stream where the browser has one: about
// twice the speed of arrayBuffer() or FileReaderSync in Chromium 156 and Firefox 153 (docs/performance.md), as the
// browser fills the one buffer instead of allocating its own. The reader is cancelled at the end: Chromium stalled
// after some hundred slices whose streams were only released.
async function readRange(file, offset, length, timeoutMs, buf) {
  const blob = file.slice(offset, offset + length);
  let reader;
  try {
    reader = blob.stream().getReader({ mode: 'byob' });
  } catch {
    reader = null;  // no byte stream here: one arrayBuffer() read
  }
  let timer;
  const expired = new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs, 'timeout'); });
  try {
    if (!reader) {
      const got = await Promise.race([blob.arrayBuffer(), expired]);
      return got instanceof ArrayBuffer && got.byteLength === length ? got : null;
    }
    let pos = 0;
    while (pos < length) {
      const r = await Promise.race([reader.read(new Uint8Array(buf, pos, length - pos)), expired]);
      if (r === 'timeout' || r.done) return null;
      buf = r.value.buffer;
      pos += r.value.length;
    }
    return buf;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    if (reader) reader.cancel().catch(() => {});
  }
}
