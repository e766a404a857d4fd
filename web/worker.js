// The dedicated worker: owns the wasm module that opens the folder and plans (reading the dropped File objects in
// slices through FileReaderSync: synchronous from the module's point of view, which is why it runs in a worker and
// not on the page's thread), and runs a conversion into the origin-private file system or a picked file. It writes
// the header and reads the source chunks ahead (asynchronously, the faster way), then converts them itself
// (workers = 0) or hands them to converting workers (web/converter.js, each with its own module; the page starts
// them and passes this worker a MessagePort to each) whose bytes come back to be written at their offsets.
'use strict';
importScripts('slice_read.js', 'buffer_pool.js', 'chunk_convert.js', 'ggufsmith.js');

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
    sync: true,  // write() is done when it returns: it may write straight from the wasm heap
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

// Every source chunk of the layout (one convertChunk call each). For converting workers, largest tensors first: a
// big tensor is shared by several of them, and the small ones fill in at the end. For this worker alone, in file
// order: its reads then go through each source file from start to end.
function plannedChunks(tensors, largestFirst) {
  const order = tensors.map((t, i) => i);
  if (largestFirst) order.sort((a, b) => tensors[b].source_bytes - tensors[a].source_bytes || a - b);
  const chunks = [];
  for (const i of order) {
    const { rows, chunk_rows: step } = tensors[i];
    if (rows === 0) chunks.push({ tensor: i, row: 0 });
    for (let r = 0; r < rows; r += step) chunks.push({ tensor: i, row: r });
  }
  return chunks;
}

// The source bytes of a chunk (chunkReads), read asynchronously so that reading overlaps converting. A range that
// cannot be read here is left out: the module that converts the chunk then reads it itself, and that read fails with
// the core's message naming the file and tensor (one error path, the same with read-ahead or without).
const MAX_AHEAD_RANGE = 64 << 20;
// A read that has not finished by then is given up the same way: a stalled asynchronous read must not stall the
// conversion (Chromium's stream readers stalled in probes: docs/performance.md).
const READ_AHEAD_TIMEOUT_MS = 60_000;
// The buffers go back to readPool once their bytes are staged.
const readPool = bufferPool(8);
async function readChunk(m, chunk) {
  const reads = [];
  for (const [handle, offset, length] of call(m.chunkReads, chunk.tensor, chunk.row).reads) {
    if (length > MAX_AHEAD_RANGE || !files[handle]) continue;
    const buf = await readRange(files[handle], offset, length, READ_AHEAD_TIMEOUT_MS, readPool.take(length));
    if (buf) reads.push({ handle, offset, length, buf });
  }
  return { ...chunk, reads };
}

// workers = 0: this worker converts every chunk itself, reading the next chunk ahead while it converts one: no
// second module, no copies between workers, and the way on when no converting worker starts. An OPFS output is
// written straight from the heap as gsWrite gets it; for a picked file (written asynchronously) the chunk's output
// is copied off the heap first and written once the chunk is done.
async function convertAlone(m, layout, chunks, out, run) {
  const at = { pos: 0 }, pieces = [];
  let arena = null, used = 0, writeError = '';
  m.gsWrite = (view) => {
    if (out.sync) {
      try {
        out.write(view, at.pos);
      } catch (e) {
        writeError = e.message;
        return writeError;
      }
      run.written += view.length;
    } else {
      if (!arena || used + view.length > arena.byteLength) {
        arena = new Uint8Array(Math.max(view.length, arena ? 2 * arena.byteLength : 16 << 20));
        used = 0;  // the pieces already copied keep the old one
      }
      arena.set(view, used);
      pieces.push({ view: arena.subarray(used, used + view.length), at: at.pos });
      used += view.length;
    }
    at.pos += view.length;
    return '';
  };
  m.gsProgress = (tensor, nTensors, read) => { run.bytesIn[0] = read; };
  let next = chunks.length ? readChunk(m, chunks[0]) : null;
  try {
    for (let i = 0; i < chunks.length; ++i) {
      const chunk = await next;
      next = i + 1 < chunks.length ? readChunk(m, chunks[i + 1]) : null;
      run.lastName = layout.tensors[chunk.tensor].name;
      try {
        run.count(convertStagedChunk(m, layout.tensors[chunk.tensor], chunk, at));
      } catch (e) {
        if (writeError) run.writeFailed(writeError);
        throw e;
      }
      for (const r of chunk.reads) readPool.give(r.buf);
      for (const p of pieces.splice(0)) run.write(p.view, p.at);
      await run.writes;
      used = 0;
      run.chunkDone(chunk, i + 1 === chunks.length);
    }
  } finally {
    if (next) next.catch(() => {});
    m.gsProgress = null;
  }
}

// workers >= 1: this worker reads the source chunks ahead and hands each to whichever converting worker
// (web/converter.js, started by the page, reached through its MessagePort in `subs`) is free; their bytes come back
// with their offsets and are written there. Memory stays bounded: at most nWorkers + 1 chunks wait read, and each
// piece a converting worker posts is acknowledged once written, the acknowledgement being its credit to post more.
//
// A converting worker not ready within START_TIMEOUT_MS is left (its port closed; the page ends it) and the others go
// on without it; if none is ready, this resolves to 'alone' before any chunk was handed out, and the caller converts
// in this worker: a worker whose script never loads must not hold the conversion forever.
const START_TIMEOUT_MS = 60_000;
function convertWithWorkers(m, layout, chunks, run, { type, chunkBytes, nWorkers, subs, startTimeoutMs }) {
  const nChunks = chunks.length;
  let startTimer;
  return new Promise((resolve, reject) => {
    if (nChunks === 0) return resolve();
    let failed = false, done = 0;  // failed: ended, by an error or by going alone
    const fail = (e) => { if (!failed) { failed = true; reject(e); } };
    const ready = [], idle = [], current = [];  // chunks read ahead; free sub-workers; each one's chunk
    const starting = new Array(nWorkers).fill('starting');  // what each sub-worker does before it is ready
    const setStarting = (k, what) => {
      starting[k] = what;
      run.starting = starting.map((st, i) => st && `worker ${i + 1} ${st}`).filter(Boolean).join(', ');
    };
    startTimer = setTimeout(() => {
      const late = [...starting.keys()].filter((k) => starting[k]);
      for (const k of late) subs[k].close(), setStarting(k, '');
      run.notStarted = late.length;
      if (late.length < nWorkers || failed) return;
      failed = true;
      for (const c of ready) for (const r of c.reads) readPool.give(r.buf);
      resolve('alone');
    }, startTimeoutMs || START_TIMEOUT_MS);
    let nextRead = 0, reading = false;
    const dispatch = () => {
      while (!failed && idle.length && ready.length) {
        const k = idle.shift(), chunk = current[k] = ready.shift();
        run.lastName = layout.tensors[chunk.tensor].name;
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
      const w = subs[k];
      w.onmessage = (ev) => {
        if (failed) return;
        const msg = ev.data;
        try {
          if (msg.error) throw new Error(msg.error);
          if (msg.piece) {  // its buffer goes back with the acknowledgement, for the next piece
            const { buf, at, length } = msg.piece;
            run.write(new Uint8Array(buf, 0, length), at).then(() => {
              w.postMessage({ written: 1, buf }, [buf]);
              run.progress(false);
            }, fail);
            return;
          }
          if (msg.starting) {
            setStarting(k, msg.starting);
            run.progress(true);
            return;
          }
          if (msg.chunkDone) {
            run.bytesIn[k] = msg.chunkDone.bytesIn;
            for (const buf of msg.chunkDone.spare) readPool.give(buf);
            run.count({ staged_bytes: msg.chunkDone.stagedBytes, js_bytes: msg.chunkDone.directBytes });
            run.chunkDone(current[k], ++done === nChunks);
            if (done === nChunks) return resolve();
          } else if (msg.ready) {
            setStarting(k, '');
          } else {
            return;
          }
          idle.push(k);  // started, or done with its chunk
          dispatch();
        } catch (e) {
          fail(e);
        }
      };
      w.postMessage({ start: { ...folderSpec, imatrix: imatrixSource, type, chunkBytes,
                               expect: { file_bytes: layout.file_bytes, header_bytes: layout.header_bytes } } });
    }
    readAhead();
  }).finally(() => clearTimeout(startTimer));
}

// A conversion into an OPFS file, or into the file the user picked (target). This worker writes the header, then
// the chunks' output as it comes, one write after the other; any error aborts the output. ports: one MessagePort per
// converting worker the page started (none: this worker converts alone); the page ends them when this returns.
async function convert({ type, ports, chunkBytes, target, startTimeoutMs }, id) {
  const m = await modulePromise;
  const subs = ports || [], nWorkers = subs.length;
  const layout = call(m.layout, type, chunkBytes || 0);
  postMessage({ id, step: 'opening the output file' });  // until the first progress (a stalled step shows)
  const out = target ? await pickedOutput(target) : await opfsOutput(layout.output_name);
  postMessage({ id, step: 'writing the header' });
  const t0 = performance.now();
  const nTensors = layout.tensors.length, left = new Array(nTensors).fill(0);  // chunks per tensor not converted yet
  let last = 0, tensorsDone = 0, stagedBytes = 0, directBytes = 0;
  const writeFailed = (e) => { throw new Error(`${out.name}: write failed: ${e && e.message || e}`); };
  const run = {
    writes: Promise.resolve(),  // the chain of writes; a piece is acknowledged once its write is done
    bytesIn: new Array(Math.max(1, nWorkers)).fill(0),  // source bytes each converting module has read
    written: 0,
    lastName: '',
    starting: '',  // sub-workers not ready yet, and what they do
    notStarted: 0,  // sub-workers given up as they did not start
    writeFailed,
    write(view, at) {
      return (run.writes = run.writes.then(async () => {
        try {
          await out.write(view, at);
        } catch (e) {
          writeFailed(e);
        }
        run.written += view.length;
      }));
    },
    progress(force) {
      const now = performance.now();
      if (!force && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      postMessage({ id, progress: { tensor: Math.min(tensorsDone, nTensors - 1), nTensors, bytesTotal: layout.source_bytes,
                                    bytesIn: run.bytesIn.reduce((a, b) => a + b, 0), name: run.lastName,
                                    bytesOut: run.written, workers: nWorkers, starting: run.starting } });
    },
    count(res) {  // source bytes a chunk took read ahead / read itself
      stagedBytes += res.staged_bytes;
      directBytes += res.js_bytes;
    },
    chunkDone(chunk, last) {
      if (--left[chunk.tensor] === 0) ++tensorsDone;
      run.progress(last);
    },
  };
  try {
    const header = [];
    m.gsWrite = (view) => {
      header.push(view.slice());
      return '';
    };
    call(m.writeHeader);
    await (async () => out.size(layout.file_bytes))().catch(writeFailed);  // the padding between tensors: zeros
    let at = 0;
    for (const h of header) run.write(h, at), at += h.length;
    await run.writes;
    const chunks = plannedChunks(layout.tensors, nWorkers > 0);
    for (const c of chunks) ++left[c.tensor];
    postMessage({ id, step: nWorkers ? `starting ${nWorkers} converting worker${nWorkers > 1 ? 's' : ''}` : 'reading' });
    if (nWorkers === 0) {
      await convertAlone(m, layout, chunks, out, run);
    } else if (await convertWithWorkers(m, layout, chunks, run, { type, chunkBytes, nWorkers, subs, startTimeoutMs }) ===
               'alone') {
      await convertAlone(m, layout, plannedChunks(layout.tensors, false), out, run);  // the same chunks, in file order
    }
    await run.writes;
    await (async () => out.close())().catch(writeFailed);
  } catch (e) {
    for (const w of subs) w.close();
    await run.writes.catch(() => {});
    await out.abort();
    throw e;
  } finally {
    m.gsWrite = () => 'no output is open';
  }
  for (const w of subs) w.close();
  return { done: { ...out.done, bytes: layout.file_bytes, bytesIn: layout.source_bytes,
                   workers: nWorkers - run.notStarted, notStarted: run.notStarted,
                   readAhead: stagedBytes / Math.max(1, stagedBytes + directBytes),
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
