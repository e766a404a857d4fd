// The dedicated worker: owns the wasm module that opens the folder and plans (reading the dropped File objects in
// slices through FileReaderSync: synchronous from the module's point of view, which is why it runs in a worker and
// not on the page's thread), and runs a conversion into the origin-private file system: by itself (workers = 0), or
// as coordinator: it writes the header, reads the source chunks ahead, and converting sub-workers (web/converter.js,
// each with its own module) convert them and send their bytes back to be written at their offsets.
'use strict';
importScripts('slice_read.js', 'ggufsmith.js');

const OUT_DIR = 'ggufsmith-out';
const PROGRESS_EVERY_MS = 100;

// File objects by the handle gsRead is called with: the model folder's files in the order openFolder listed them,
// then (at nModel) an importance-matrix file picked apart from the folder.
let files = [], nModel = 0;
let folderSpec = null, imatrixSource = null;  // what sub-workers open: the same folder and importance matrix
const modulePromise = createGgufsmith({
  gsRead(index, offset, view) { return readSlice(files[index], offset, view); },
  gsWrite() { return 'no output is open'; },
});

function call(fn, ...args) {
  const r = JSON.parse(fn(...args));
  if (r && r.error) throw new Error(r.error);
  return r;
}

// Every type's size for the picker, planned with the loaded importance matrix if any (plans read no tensor data:
// milliseconds each).
function planTypes(m) {
  return call(m.types).map((t) => {
    const p = JSON.parse(m.plan(t.name));
    if (p.error) return { ...t, executable: false, why: p.error };
    return { ...t, file_bytes: p.file_bytes, bpw: p.bpw, executable: p.executable, why: p.not_executable_why,
             needs_imatrix: p.needs_imatrix, imatrix: p.imatrix };
  });
}

// source: null (none), {name, index} (a file of the open folder) or {name, file} (picked on its own). A file that is
// not a valid importance matrix leaves none loaded and comes back as imatrixError, with the types planned without.
function useImatrix(m, source) {
  imatrixSource = null;
  if (!source) {
    call(m.clearImatrix);
    return { imatrix: null };
  }
  let handle = source.index;
  if (source.file) {
    files.length = nModel;
    handle = files.push(source.file) - 1;
  }
  const r = JSON.parse(m.loadImatrix(JSON.stringify({ name: source.name, size: files[handle].size, handle })));
  if (r.error) return { imatrix: null, imatrixError: r.error };
  imatrixSource = source.file ? { name: source.name, file: source.file } : { name: source.name, index: handle };
  return { imatrix: r };
}

// Loads the source and plans every type with it. An imatrix that does not fit the model makes the quantized types'
// plans fail with a message naming it (apply_imatrix): then it is dropped, as the CLI would refuse it, and reported.
function planWithImatrix(m, source) {
  const im = useImatrix(m, source);
  const types = planTypes(m);
  const misfit = im.imatrix && types.find((t) => t.why && t.why.startsWith(`${source.name}: `));
  if (!misfit) return { ...im, types };
  call(m.clearImatrix);
  imatrixSource = null;
  return { imatrix: null, imatrixError: misfit.why, types: planTypes(m) };
}

async function open({ name, names, fileList, imatrix }) {
  const m = await modulePromise;
  files = fileList.slice();
  nModel = files.length;
  folderSpec = { name, names, fileList };
  call(m.clearImatrix);
  call(m.openFolder, JSON.stringify({ name, files: names.map((n, i) => ({ name: n, size: fileList[i].size })) }));
  return planWithImatrix(m, imatrix);
}

async function imatrix({ source }) {
  return planWithImatrix(await modulePromise, source);
}

async function plan({ type }) {
  return { plan: call((await modulePromise).plan, type) };
}

async function outputDir() {
  if (!navigator.storage || !navigator.storage.getDirectory)
    throw new Error('this browser has no origin-private file system (navigator.storage.getDirectory), which ' +
                    'ggufsmith writes the GGUF into; use a current Chrome, Edge, Firefox or Safari');
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(OUT_DIR, { create: true });
}

// A fresh OPFS file for the output (the previous conversion's is removed) and its synchronous access handle.
async function openOutput(outName) {
  const dir = await outputDir();
  for await (const key of dir.keys()) await dir.removeEntry(key);
  const handle = await dir.getFileHandle(outName, { create: true });
  if (!handle.createSyncAccessHandle)
    throw new Error('this browser cannot write files synchronously from a worker (FileSystemFileHandle.' +
                    'createSyncAccessHandle); use a current Chrome, Edge, Firefox or Safari');
  return { dir, access: await handle.createSyncAccessHandle() };
}

// Where a conversion with converting workers writes: an OPFS file through its sync access handle, or a file the user
// picked (showSaveFilePicker on the page) through its writable stream, whose asynchronous writes this worker can
// wait for (the module never does). The browser writes a picked file's bytes to a temporary file and puts it in
// place on close(); abort() discards them, so a failed conversion leaves no output that looks complete. write, size
// and close fail with the bare reason; the caller names the file.
async function opfsOutput(outName) {
  const { dir, access } = await openOutput(outName);
  return {
    name: outName,
    write(view, at) {
      const n = access.write(view, { at });
      if (n !== view.length) throw new Error(`short write (${n} of ${view.length} bytes): disk full or storage quota reached?`);
    },
    size(bytes) { access.truncate(bytes); },  // zeros: the alignment padding nothing else writes
    close() { access.flush(); access.close(); },
    async abort() { access.close(); await dir.removeEntry(outName).catch(() => {}); },
    done: { dir: OUT_DIR, name: outName },
  };
}

async function pickedOutput(handle) {
  let writable;
  try {
    writable = await handle.createWritable();
  } catch (e) {
    throw new Error(`${handle.name}: cannot write the picked file: ${e && e.message || e}`);
  }
  return {
    name: handle.name,
    write: (view, at) => writable.write({ type: 'write', position: at, data: view }),
    size: (bytes) => writable.truncate(bytes),
    close: () => writable.close(),
    abort: () => writable.abort().catch(() => {}),
    done: { picked: handle.name, name: handle.name },
  };
}

// workers = 0: the whole conversion in this worker, one synchronous module call (execute_plan reads each chunk
// through gsRead, and each encoded chunk goes from the heap straight into the file). Where reading and writing are
// the work (F32/F16/BF16/Q8_0) this is the fastest path: no second module, no copies between workers.
async function convertHere(m, type, id) {
  const out = await opfsOutput(call(m.plan, type).output_name);
  let pos = 0, last = 0, bytesIn = 0;
  m.gsWrite = (view) => {  // a failure goes back as text: the core names the file in its message
    try {
      out.write(view, pos);
    } catch (e) {
      return e.message;
    }
    pos += view.length;
    return '';
  };
  m.gsProgress = (tensor, nTensors, read, bytesTotal, name) => {
    bytesIn = read;
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS && bytesIn < bytesTotal) return;
    last = now;
    postMessage({ id, progress: { tensor, nTensors, bytesIn, bytesTotal, name, bytesOut: pos } });
  };
  const t0 = performance.now();
  try {
    call(m.convert, type);
    out.close();
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    m.gsWrite = () => 'no output is open';
    m.gsProgress = null;
  }
  return { done: { ...out.done, bytes: pos, bytesIn, workers: 0, seconds: (performance.now() - t0) / 1000 } };
}

// Every source chunk of the layout (one convertChunk call each), largest tensors first: a big tensor is shared by
// several converting workers, and the small ones fill in at the end.
function plannedChunks(tensors) {
  const order = tensors.map((t, i) => i).sort((a, b) => tensors[b].source_bytes - tensors[a].source_bytes || a - b);
  const chunks = [];
  for (const i of order) {
    const { rows, chunk_rows: step } = tensors[i];
    if (rows === 0) chunks.push({ tensor: i, row: 0 });
    for (let r = 0; r < rows; r += step) chunks.push({ tensor: i, row: r });
  }
  return chunks;
}

// The source bytes of a chunk (chunkReads), read asynchronously so that reading overlaps the converting workers'
// work. A range that cannot be read here is left out: the converting worker then reads it itself, and its read
// fails with the core's message naming the file and tensor (one error path, the same with read-ahead or without).
const MAX_AHEAD_RANGE = 64 << 20;
// A read that has not finished by then is given up the same way: a stalled asynchronous read must not stall the
// conversion (Firefox ESR stalled twice in tests with two converting workers; this is one suspect).
const READ_AHEAD_TIMEOUT_MS = 60_000;
async function within(promise, ms) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('read-ahead timed out')), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}
async function readChunk(m, chunk) {
  const reads = [];
  for (const [handle, offset, bytes] of call(m.chunkReads, chunk.tensor, chunk.row).reads) {
    if (bytes > MAX_AHEAD_RANGE || !files[handle]) continue;
    try {
      const buf = await within(files[handle].slice(offset, offset + bytes).arrayBuffer(), READ_AHEAD_TIMEOUT_MS);
      if (buf.byteLength === bytes) reads.push({ handle, offset, buf });
    } catch {
      // left to the converting worker's read
    }
  }
  return { ...chunk, reads };
}

// workers >= 1: this worker writes the header, reads the source chunks ahead, and hands each to whichever
// converting sub-worker (web/converter.js) is free; their bytes come back with their offsets and are written there.
// Memory stays bounded: at most nWorkers + 1 chunks wait read, and each piece a sub-worker posts is acknowledged once
// written, the acknowledgement being its credit to post more. Any error ends every sub-worker and removes the output.
async function convert({ type, workers: nWorkers, chunkBytes, target }, id) {
  const m = await modulePromise;
  if (!target && !(nWorkers >= 1)) return convertHere(m, type, id);
  nWorkers = Math.max(1, nWorkers || 0);  // a picked file is written asynchronously: only this path can
  const layout = call(m.layout, type, chunkBytes || 0);
  const out = target ? await pickedOutput(target) : await opfsOutput(layout.output_name);
  const subs = [];
  const t0 = performance.now();
  let written = 0, last = 0;
  // Writes go out one after the other in a chain; a piece is acknowledged once its write is done.
  let writes = Promise.resolve();
  const writeFailed = (e) => { throw new Error(`${out.name}: write failed: ${e && e.message || e}`); };
  const write = (view, at) => (writes = writes.then(async () => {
    try {
      await out.write(view, at);
    } catch (e) {
      writeFailed(e);
    }
    written += view.length;
  }));
  let stagedBytes = 0, directBytes = 0;  // source bytes the sub-workers got read ahead / read themselves
  try {
    const header = [];
    m.gsWrite = (view) => {
      header.push(view.slice());
      return '';
    };
    call(m.writeHeader);
    await (async () => out.size(layout.file_bytes))().catch(writeFailed);
    let at = 0;
    for (const h of header) write(h, at), at += h.length;
    await writes;
    const chunks = plannedChunks(layout.tensors);
    const nChunks = chunks.length, nTensors = layout.tensors.length, bytesTotal = layout.source_bytes;
    let done = 0, tensorsDone = 0, lastName = '';
    const left = new Array(nTensors).fill(0);  // chunks per tensor not converted yet
    for (const c of chunks) ++left[c.tensor];
    const bytesIn = new Array(nWorkers).fill(0);
    const progress = (force) => {
      const now = performance.now();
      if (!force && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const read = bytesIn.reduce((a, b) => a + b, 0);
      postMessage({ id, progress: { tensor: Math.min(tensorsDone, nTensors - 1), nTensors, bytesIn: read, bytesTotal,
                                    name: lastName, bytesOut: written, workers: nWorkers } });
    };
    await new Promise((resolve, reject) => {
      if (nChunks === 0) return resolve();
      let failed = false;
      const fail = (e) => { if (!failed) { failed = true; reject(e); } };
      const ready = [], idle = [], current = [];  // chunks read ahead; free sub-workers; each one's chunk
      let nextRead = 0, reading = false;
      const dispatch = () => {
        while (!failed && idle.length && ready.length) {
          const k = idle.shift(), chunk = current[k] = ready.shift();
          lastName = layout.tensors[chunk.tensor].name;
          subs[k].postMessage({ chunk }, chunk.reads.map((r) => r.buf));
        }
        readAhead();
      };
      const readAhead = async () => {
        if (reading) return;
        reading = true;
        try {
          while (!failed && nextRead < nChunks && ready.length < nWorkers + 1) {
            ready.push(await readChunk(m, chunks[nextRead++]));
            dispatch();
          }
        } catch (e) {
          fail(e);
        }
        reading = false;
      };
      for (let k = 0; k < nWorkers; ++k) {
        const w = new Worker('converter.js');
        subs.push(w);
        w.onmessage = (ev) => {
          if (failed) return;
          const msg = ev.data;
          try {
            if (msg.error) throw new Error(msg.error);
            if (msg.piece) {
              write(new Uint8Array(msg.piece.buf), msg.piece.at).then(() => {
                w.postMessage({ written: 1 });
                progress(false);
              }, fail);
              return;
            }
            if (msg.progress) {
              bytesIn[k] = msg.progress.bytesIn;
              progress(false);
              return;
            }
            if (msg.chunkDone) {
              bytesIn[k] = msg.chunkDone.bytesIn;
              stagedBytes += msg.chunkDone.stagedBytes;
              directBytes += msg.chunkDone.directBytes;
              ++done;
              if (--left[current[k].tensor] === 0) ++tensorsDone;
              progress(done === nChunks);
              if (done === nChunks) return resolve();
            } else if (!msg.ready) {
              return;
            }
            idle.push(k);  // started, or done with its chunk
            dispatch();
          } catch (e) {
            fail(e);
          }
        };
        w.onerror = (ev) => {
          ev.preventDefault();
          fail(new Error(`converting worker failed: ${ev.message || 'unknown error'}`));
        };
        w.postMessage({ start: { ...folderSpec, imatrix: imatrixSource, type, chunkBytes,
                                 expect: { file_bytes: layout.file_bytes, header_bytes: layout.header_bytes } } });
      }
      readAhead();
    });
    await writes;
    await (async () => out.close())().catch(writeFailed);
  } catch (e) {
    for (const w of subs) w.terminate();
    await writes.catch(() => {});
    await out.abort();
    throw e;
  } finally {
    m.gsWrite = () => 'no output is open';
  }
  for (const w of subs) w.terminate();
  return { done: { ...out.done, bytes: layout.file_bytes, bytesIn: layout.source_bytes,
                   workers: nWorkers, readAhead: stagedBytes / Math.max(1, stagedBytes + directBytes),
                   seconds: (performance.now() - t0) / 1000 } };
}

const handlers = { open, imatrix, plan, convert };
// One request at a time: the module is synchronous, so requests queue naturally behind the running one.
let queue = Promise.resolve();
onmessage = (ev) => {
  const { id, cmd } = ev.data;
  queue = queue.then(async () => {
    try {
      postMessage({ id, ...(await handlers[cmd](ev.data, id)) });
    } catch (e) {
      postMessage({ id, error: String(e && e.message || e) });
    }
  });
};
