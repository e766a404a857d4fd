// The one way the workers read the dropped files: a File.slice() range into a window on the wasm heap, never the
// whole file. Shared by the coordinator (worker.js) and the converting sub-workers (converter.js).
'use strict';

// Fills `view` from bytes [offset, offset + view.length) of `file`; returns '' or the problem in one line.
function readSlice(file, offset, view) {
  const buf = new FileReaderSync().readAsArrayBuffer(file.slice(offset, offset + view.length));
  if (buf.byteLength !== view.length)
    return `short read: ${buf.byteLength} of ${view.length} bytes at offset ${offset} (file changed on disk?)`;
  view.set(new Uint8Array(buf));
  return '';
}
