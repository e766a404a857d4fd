// What both kinds of worker that convert do with their module (web/worker.js converting alone, web/converter.js as
// a converting sub-worker): its JSON calls, and one source chunk converted from bytes read ahead.
'use strict';

function call(fn, ...args) {
  const r = JSON.parse(fn(...args));
  if (r && r.error) throw new Error(r.error);
  return r;
}

// Converts the source chunk of layout tensor `t` starting at `row`: the bytes read ahead for it (reads:
// [{handle, offset, length, buf}], the bytes at the start of buf) go into the module first (stage), convertChunk reads from there (and reads whatever was
// not read ahead itself, through gsRead) and hands the chunk's output to gsWrite, which is to write it from
// out.pos on. Returns convertChunk's result; throws if the output is not exactly the chunk's place in the layout.
function convertStagedChunk(m, t, { tensor, row, reads }, out) {
  const rowBytes = t.rows ? t.bytes / t.rows : 0;
  const start = t.offset + row * rowBytes;
  out.pos = start;
  for (const r of reads) {
    const view = m.stage(r.handle, r.offset, r.length);
    if (view) view.set(new Uint8Array(r.buf, 0, r.length));
  }
  const res = call(m.convertChunk, tensor, row);
  const next = Math.min(t.rows, row + t.chunk_rows);
  if (res.next_row !== next || out.pos !== t.offset + next * rowBytes)
    throw new Error(`${t.name}: the chunk at row ${row} gave ${out.pos - start} bytes up to row ${res.next_row}, ` +
                    `expected ${(next - row) * rowBytes} bytes up to row ${next}`);
  return res;
}
