// A converting sub-worker (started by web/worker.js, the coordinator). It loads its own wasm module, opens the same
// folder from the same File objects, plans the same type, then converts the source chunks the coordinator hands it,
// one module call each, with the chunk's bytes the coordinator read ahead. Its output goes back as transferred
// ArrayBuffers with their absolute file offsets; the coordinator writes them. No shared memory: the page needs no
// cross-origin isolation.
'use strict';
importScripts('slice_read.js', 'ggufsmith.js');

const PIECE_BYTES = 8 << 20;  // one posted buffer at most
const IN_FLIGHT = 2;          // posted buffers not yet written before the next chunk waits (backpressure)

let files = [];
let out = null;  // {pos}: where the next gsWrite byte of the current tensor goes
const modulePromise = createGgufsmith({
  gsRead(index, offset, view) { return readSlice(files[index], offset, view); },
  gsWrite(view) {
    if (!out) return 'no output is open';
    for (let a = 0; a < view.length; a += PIECE_BYTES) {
      const piece = view.slice(a, Math.min(view.length, a + PIECE_BYTES));  // a copy off the wasm heap
      const at = out.pos;
      out.pos += piece.length;  // before the transfer, which empties it
      postMessage({ piece: { at, buf: piece.buffer } }, [piece.buffer]);
      ++inFlight;
    }
    return '';
  },
});

let inFlight = 0, wakeCredit = null, bytesIn = 0;
const credit = () => new Promise((resolve) => { wakeCredit = resolve; });

function call(fn, ...args) {
  const r = JSON.parse(fn(...args));
  if (r && r.error) throw new Error(r.error);
  return r;
}

// {name, names, fileList, imatrix: null | {name, index} | {name, file}, type, chunkBytes,
//  expect: {file_bytes, header_bytes}}
async function start(msg) {
  const m = await modulePromise;
  files = msg.fileList.slice();
  call(m.openFolder, JSON.stringify({ name: msg.name, files: msg.names.map((n, i) => ({ name: n, size: files[i].size })) }));
  if (msg.imatrix) {
    let handle = msg.imatrix.index;
    if (msg.imatrix.file) handle = files.push(msg.imatrix.file) - 1;
    call(m.loadImatrix, JSON.stringify({ name: msg.imatrix.name, size: files[handle].size, handle }));
  }
  const l = call(m.layout, msg.type, msg.chunkBytes);
  if (l.file_bytes !== msg.expect.file_bytes || l.header_bytes !== msg.expect.header_bytes)
    throw new Error(`a converting worker planned a different file (${l.file_bytes} bytes, not ${msg.expect.file_bytes})`);
  m.gsProgress = (tensor, nTensors, read) => { bytesIn = read; };
  return { m, l };
}

// One source chunk: its bytes read ahead by the coordinator go into the module first (stage), then convertChunk
// reads from there; whatever was not read ahead it reads itself through gsRead.
async function convertOne({ m, l }, { tensor, row, reads }) {
  const t = l.tensors[tensor];
  const rowBytes = t.rows ? t.bytes / t.rows : 0;
  out = { pos: t.offset + row * rowBytes };
  for (const r of reads) {
    const view = m.stage(r.handle, r.offset, r.buf.byteLength);
    if (view) view.set(new Uint8Array(r.buf));
  }
  const res = call(m.convertChunk, tensor, row);
  const next = Math.min(t.rows, row + t.chunk_rows);
  if (res.next_row !== next || out.pos !== t.offset + next * rowBytes)
    throw new Error(`${t.name}: the chunk at row ${row} gave ${out.pos - (t.offset + row * rowBytes)} bytes up to ` +
                    `row ${res.next_row}, expected ${(next - row) * rowBytes} bytes up to row ${next}`);
  out = null;
  while (inFlight > IN_FLIGHT) await credit();
  return { bytesIn, stagedBytes: res.staged_bytes, directBytes: res.js_bytes };
}

let job = null;
// Requests run one after the other; credits (written pieces) are counted at once.
let queue = Promise.resolve();
onmessage = (ev) => {
  const msg = ev.data;
  if (msg.written) {
    inFlight -= msg.written;
    if (wakeCredit) { const w = wakeCredit; wakeCredit = null; w(); }
    return;
  }
  queue = queue.then(async () => {
    try {
      if (msg.start) {
        job = await start(msg.start);
        postMessage({ ready: true });
      } else if (msg.chunk) {
        postMessage({ chunkDone: await convertOne(job, msg.chunk) });
      }
    } catch (e) {
      postMessage({ error: String(e && e.message || e) });
    }
  });
};
