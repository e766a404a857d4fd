// A converting worker. The page starts it and hands it one end of a MessageChannel whose other end goes to the page's
// worker (web/worker.js, the coordinator): it talks to the coordinator only. It loads its own wasm module, opens the
// same folder from the same File objects, plans the same type, then converts the source chunks the coordinator hands
// it, one module call each, with the chunk's bytes the coordinator read ahead. Its output goes back as transferred
// ArrayBuffers with their absolute file offsets; the coordinator writes them. No shared memory: the page needs no
// cross-origin isolation.
'use strict';
importScripts('slice_read.js', 'buffer_pool.js', 'chunk_convert.js', 'ggufsmith.js');

const PIECE_BYTES = 8 << 20;  // one posted buffer at most
const IN_FLIGHT = 2;          // posted buffers not yet written before the next chunk waits (backpressure)

let files = [];
let out = null;  // {pos}: where the next gsWrite byte of the current tensor goes
const modulePromise = createGgufsmith({
  gsRead(index, offset, view) { return readSlice(files[index], offset, view); },
  gsWrite(view) {
    if (!out) return 'no output is open';
    for (let a = 0; a < view.length; a += PIECE_BYTES) {
      const length = Math.min(view.length - a, PIECE_BYTES), buf = piecePool.take(length);
      new Uint8Array(buf, 0, length).set(view.subarray(a, a + length));  // a copy off the wasm heap
      send({ piece: { at: out.pos, buf, length } }, [buf]);
      out.pos += length;
      ++inFlight;
    }
    return '';
  },
});

// The buffers of output pieces come back from the coordinator once written.
const piecePool = bufferPool(IN_FLIGHT + 2);
let inFlight = 0, wakeCredit = null, bytesIn = 0;
const credit = () => new Promise((resolve) => { wakeCredit = resolve; });

// {name, names, fileList, imatrix: null | {name, index} | {name, file}, type, chunkBytes,
//  expect: {file_bytes, header_bytes}}
// Each step is reported first ({starting}): the page shows where a worker that does not start is.
async function start(msg) {
  send({ starting: 'loading the module' });
  const m = await modulePromise;
  files = msg.fileList.slice();
  send({ starting: 'opening the folder' });
  call(m.openFolder, JSON.stringify({ name: msg.name, files: msg.names.map((n, i) => ({ name: n, size: files[i].size })) }));
  if (msg.imatrix) {
    send({ starting: 'loading the importance matrix' });
    let handle = msg.imatrix.index;
    if (msg.imatrix.file) handle = files.push(msg.imatrix.file) - 1;
    call(m.loadImatrix, JSON.stringify({ name: msg.imatrix.name, size: files[handle].size, handle }));
  }
  send({ starting: 'planning' });
  const l = call(m.layout, msg.type, msg.chunkBytes);
  if (l.file_bytes !== msg.expect.file_bytes || l.header_bytes !== msg.expect.header_bytes)
    throw new Error(`a converting worker planned a different file (${l.file_bytes} bytes, not ${msg.expect.file_bytes})`);
  m.gsProgress = (tensor, nTensors, read) => { bytesIn = read; };
  return { m, l };
}

// One source chunk, with the bytes the coordinator read ahead for it.
async function convertOne({ m, l }, chunk) {
  out = { pos: 0 };
  const res = convertStagedChunk(m, l.tensors[chunk.tensor], chunk, out);
  out = null;
  while (inFlight > IN_FLIGHT) await credit();
  return { bytesIn, stagedBytes: res.staged_bytes, directBytes: res.js_bytes, spare: chunk.reads.map((r) => r.buf) };
}

let port = null;  // to the coordinator
const send = (msg, transfer = []) => port.postMessage(msg, transfer);
onmessage = (ev) => {
  port = ev.data.port;
  port.onmessage = handle;
};

let job = null;
// Requests run one after the other; credits (written pieces) are counted at once.
let queue = Promise.resolve();
function handle(ev) {
  const msg = ev.data;
  if (msg.written) {
    inFlight -= msg.written;
    piecePool.give(msg.buf);
    if (wakeCredit) { const w = wakeCredit; wakeCredit = null; w(); }
    return;
  }
  queue = queue.then(async () => {
    try {
      if (msg.start) {
        job = await start(msg.start);
        send({ ready: true });
      } else if (msg.chunk) {
        const chunkDone = await convertOne(job, msg.chunk);
        send({ chunkDone }, chunkDone.spare);  // the read buffers go back for the next reads
      }
    } catch (e) {
      send({ error: String(e && e.message || e) });
    }
  });
}
