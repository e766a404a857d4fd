// A converting sub-worker of a parallel conversion (started by web/worker.js, the coordinator). It loads its own
// wasm module, opens the same folder from the same File objects, plans the same type, then converts the tensors the
// coordinator hands it one at a time (a whole tensor or a run of its rows), a source chunk per module call. Its output goes back as transferred
// ArrayBuffers with their absolute file offsets; the coordinator writes them. No shared memory: a conversion with
// sub-workers needs no cross-origin isolation.
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

// Rows [row0, row1) of a tensor; row0 is a multiple of its chunk_rows, row1 one too or its row count.
async function convertRows({ m, l }, { tensor, row0, row1 }) {
  const t = l.tensors[tensor];
  const rowBytes = t.rows ? t.bytes / t.rows : 0;
  out = { pos: t.offset + row0 * rowBytes };
  let row = row0;
  do {
    row = call(m.convertChunk, tensor, row).next_row;
    postMessage({ progress: { bytesIn } });
    while (inFlight > IN_FLIGHT) await credit();
  } while (row < row1);
  const end = t.offset + row1 * rowBytes;
  if (out.pos !== end) throw new Error(`${t.name}: rows ${row0}-${row1} gave ${out.pos - (t.offset + row0 * rowBytes)} ` +
                                       `bytes, expected ${end - (t.offset + row0 * rowBytes)}`);
  out = null;
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
      } else if (msg.task) {
        await convertRows(job, msg.task);
        postMessage({ taskDone: true, bytesIn });
      }
    } catch (e) {
      postMessage({ error: String(e && e.message || e) });
    }
  });
};
