// The page: collects the dropped/chosen folder's files, talks to the worker, renders the plan and progress.
// Automation contract (docs/web.md): #folder, #imatrix, #use-imatrix, #type, #convert, #save, #error,
// body[data-state] = idle -> planned -> converting -> done | error. URL parameter ?workers=N: converting workers
// (default: min(navigator.hardwareConcurrency, 4); 1 for F32/F16/BF16/Q8_0; 0: the page's worker converts
// alone); ?chunk-kib=N, ?start-timeout-ms=N (tests).
import { filesFromInput, filesFromDrop, findImatrix } from './folder.js';
import { formatBytes, formatDuration, imatrixText, renderModel, renderPlan, typeLabel } from './render.js';

const $ = (id) => document.getElementById(id);
const setState = (s) => { document.body.dataset.state = s; };

let worker, nextId = 1, pending = new Map(), onProgress = null;
let folder = null;    // {name, names, fileList} of the open model
let types = [];       // [{name, profile, file_bytes, bpw, executable, why, needs_imatrix, imatrix}]
let imatrixChoice = null;  // {name, index} (a file of the folder) or {name, file} (picked); null: none offered
let imatrixOn = false;     // whether the choice is loaded and used
let saveUrl = null;   // object URL of the finished GGUF (a disk-backed OPFS File)
let outputName = '';  // the selected type's GGUF file name, as the CLI names it
const params = new URLSearchParams(location.search);
// Source bytes per chunk of a parallel conversion, in KiB (?chunk-kib=N; default 8 MiB): tests make it small so
// that test-sized tensors are shared by several workers. The output does not depend on it.
const CHUNK_BYTES = Math.max(0, parseInt(params.get('chunk-kib'), 10) || 0) * 1024;
const ASKED_WORKERS = parseInt(params.get('workers'), 10);
// How long a converting worker may take to start before the conversion goes on without it (?start-timeout-ms=N,
// tests; default one minute, web/worker.js).
const START_TIMEOUT_MS = parseInt(params.get('start-timeout-ms'), 10) || 0;
// Types that only convert (F32/F16/BF16) or quantize trivially (Q8_0) are bound by the browser's file reads and
// writes: one converting worker, while the page's worker reads ahead and writes, is fastest for them in Chromium and
// Firefox (docs/performance.md); more only add copies. The others get a converting worker per core (up to 4).
const IO_BOUND_TYPES = new Set(['F32', 'F16', 'BF16', 'Q8_0']);
function workersFor(type) {
  if (ASKED_WORKERS >= 0) return Math.min(ASKED_WORKERS, 16);
  if (IO_BOUND_TYPES.has(type)) return 1;
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4));
}

function startWorker() {
  worker = new Worker('worker.js');
  worker.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.progress) return onProgress && onProgress(msg.progress);
    if (msg.step) return onProgress && onProgress({ step: msg.step });
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error)); else p.resolve(msg);
  };
  worker.onerror = (ev) => {
    ev.preventDefault();
    for (const p of pending.values()) p.reject(new Error(`worker failed: ${ev.message || 'unknown error'}`));
    pending.clear();
  };
}

function request(cmd, data = {}, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, cmd, ...data }, transfer);
  });
}

// The converting workers of the running conversion. The page starts them, not the page's worker: Firefox ESR 153
// sometimes hung for good creating two nested workers from a worker (docs/web.md, Tests). Each talks to the page's
// worker only, through a MessageChannel; the page ends them when the conversion ends. One failing to load or
// crashing ends the conversion like a cancel, with its message.
let converters = [];
function startConverters(n) {
  const ports = [];
  for (let k = 0; k < n; ++k) {
    const w = new Worker('converter.js'), channel = new MessageChannel();
    w.postMessage({ port: channel.port2 }, [channel.port2]);
    w.onerror = (ev) => {
      ev.preventDefault();
      stopConversion(new Error(`converting worker failed: ${ev.message || 'unknown error'}`)).catch(showError);
    };
    converters.push(w);
    ports.push(channel.port1);
  }
  return ports;
}
function stopConverters() {
  for (const w of converters) w.terminate();
  converters = [];
}

function showError(e) {
  $('error').textContent = e instanceof Error ? e.message : String(e);
  $('error').hidden = false;
  setState('error');
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function fillTypes() {
  const select = $('type');
  const keep = select.value;
  select.replaceChildren(...types.map((t) => {
    const o = new Option(typeLabel(t), t.name);
    o.disabled = !t.executable;
    if (!t.executable) o.title = t.why;
    return o;
  }));
  const preferred = [keep, 'Q4_K_M', 'F16'].find((n) => types.some((t) => t.name === n && t.executable));
  if (preferred) select.value = preferred;
}

// The worker's answer to open/imatrix: {types, imatrix: info or null, imatrixError}.
function showImatrix(r) {
  imatrixOn = !!r.imatrix;
  $('use-imatrix').checked = imatrixOn;
  $('use-imatrix').disabled = !imatrixChoice;
  $('imatrix-info').textContent = imatrixText(imatrixChoice, r.imatrix, r.imatrixError);
}

// A new folder uses its own importance matrix if it has one (folder.js: findImatrix); a reopen after a cancel
// (keepImatrix) restores the choice the user had.
async function openFolder(found, keepImatrix = false) {
  clearError();
  for (const id of ['model', 'choose', 'importance', 'plan', 'run']) $(id).hidden = true;
  if (!found || found.fileList.length === 0) return showError('No files found: drop or choose a model folder.');
  folder = found;
  $('folder-name').textContent = `${found.name}: ${found.fileList.length} file(s)`;
  setState('idle');
  if (!keepImatrix) {
    const i = findImatrix(found.names);
    imatrixChoice = i < 0 ? null : { name: found.names[i], index: i };
    imatrixOn = !!imatrixChoice;
  }
  try {
    const r = await request('open', { ...folder, imatrix: imatrixOn ? imatrixChoice : null });
    types = r.types;
    showImatrix(r);
    fillTypes();
    await showPlan();
    $('model').hidden = $('choose').hidden = $('importance').hidden = $('plan').hidden = false;
    setState('planned');
  } catch (e) {
    showError(e);
  }
}

// Loads (source = the choice) or drops (null) the importance matrix and replans every type. A file that is not a
// valid importance matrix is an error, as `--imatrix` makes it on the command line.
async function setImatrix(source) {
  clearError();
  $('run').hidden = true;  // a finished conversion was made with the previous setting
  for (const id of ['type', 'convert', 'convert-to', 'use-imatrix', 'imatrix']) $(id).disabled = true;
  try {
    const r = await request('imatrix', { source });
    types = r.types;
    showImatrix(r);
    fillTypes();
    await showPlan();
    if (r.imatrixError) throw new Error(r.imatrixError);
    setState('planned');
  } catch (e) {
    showError(e);
  } finally {
    for (const id of ['type', 'convert', 'convert-to', 'imatrix']) $(id).disabled = false;
    $('use-imatrix').disabled = !imatrixChoice;
  }
}

async function showPlan() {
  const { plan } = await request('plan', { type: $('type').value });
  outputName = plan.output_name;
  renderModel(plan.model);
  renderPlan(plan);
  $('plan').dataset.type = plan.type;  // which type the table shows (it is replaced asynchronously)
  const t = types.find((x) => x.name === $('type').value);
  $('planned').textContent = `${formatBytes(plan.file_bytes)}, ${plan.bpw.toFixed(2)} bits per weight`;
  $('type-note').textContent = t && t.description ? t.description : '';
}

// Convert to file…: the user picks where the GGUF goes first, and the conversion writes straight into it (no copy
// in the browser's storage). Only where showSaveFilePicker exists (Chrome, Edge).
async function convertTo() {
  let target;
  try {
    target = await window.showSaveFilePicker({
      suggestedName: outputName,
      types: [{ description: 'GGUF model', accept: { 'application/octet-stream': ['.gguf'] } }],
    });
  } catch (e) {
    if (e.name !== 'AbortError') showError(e);
    return;
  }
  await convert(target);
}

// target: a FileSystemFileHandle the user picked, or none (the GGUF goes to OPFS and is offered by #save).
async function convert(target = null) {
  clearError();
  $('run').hidden = false;
  $('result').hidden = true;
  for (const id of ['convert', 'convert-to', 'type', 'folder', 'imatrix', 'use-imatrix']) $(id).disabled = true;
  $('cancel').hidden = false;
  if (saveUrl) URL.revokeObjectURL(saveUrl);
  saveUrl = null;
  setState('converting');
  const t0 = performance.now();
  $('progress-text').textContent = 'waiting for the worker';
  onProgress = (p) => {
    if (p.step) return void ($('progress-text').textContent = p.step);
    const secs = (performance.now() - t0) / 1000, rate = p.bytesIn / 1e6 / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (p.bytesTotal - p.bytesIn) / 1e6 / rate : Infinity;
    $('progress').value = p.bytesTotal ? p.bytesIn / p.bytesTotal : 0;
    $('progress-text').textContent = `tensor ${p.tensor + 1}/${p.nTensors} ${p.name}\n` +
      `${formatBytes(p.bytesIn)} of ${formatBytes(p.bytesTotal)} read, ${formatBytes(p.bytesOut)} written, ` +
      `${rate.toFixed(1)} MB/s, ETA ${formatDuration(eta)}` + (p.starting ? `\nnot started yet: ${p.starting}` : '');
  };
  try {
    const type = $('type').value;
    const ports = startConverters(workersFor(type));
    const { done } = await request('convert', { type, ports, chunkBytes: CHUNK_BYTES, target,
                                                 startTimeoutMs: START_TIMEOUT_MS }, ports);
    $('save').hidden = $('saveas').hidden = !!done.picked;
    $('saved').textContent = done.picked ? `written to ${done.picked}` : '';
    if (!done.picked) {
      const root = await navigator.storage.getDirectory();
      const file = await (await (await root.getDirectoryHandle(done.dir)).getFileHandle(done.name)).getFile();
      saveUrl = URL.createObjectURL(file);  // backed by the OPFS file on disk, not by memory
      $('save').href = saveUrl;
      $('save').download = done.name;
      $('save').textContent = `Save ${done.name} (${formatBytes(done.bytes)})`;
      $('saveas').hidden = !window.showSaveFilePicker;
      $('saveas').onclick = () => saveAs(file, done.name);
    }
    $('progress').value = 1;
    $('progress-text').textContent = `done: read ${formatBytes(done.bytesIn)}, wrote ${formatBytes(done.bytes)} in ` +
      `${formatDuration(done.seconds)} (${(done.bytesIn / 1e6 / Math.max(done.seconds, 1e-3)).toFixed(1)} MB/s, ` +
      `${workersText(done)})`;
    $('result').hidden = false;
    setState('done');
  } catch (e) {
    if (!e.cancelled) showError(e);  // after a cancel, cancel() reopens the folder and sets the state
  } finally {
    onProgress = null;
    stopConverters();
    for (const id of ['convert', 'convert-to', 'type', 'folder', 'imatrix']) $(id).disabled = false;
    $('use-imatrix').disabled = !imatrixChoice;
    $('cancel').hidden = true;
  }
}

function workersText({ workers, notStarted, readAhead }) {
  const who = workers ? `${workers} converting worker${workers > 1 ? 's' : ''}` : 'in one worker';
  const late = notStarted ? ` (${notStarted} more did not start in time)` : '';
  return `${who}${late}, ${Math.floor(readAhead * 100)}% read ahead`;
}

// Copies the finished file to a place the user picks, streaming from OPFS (bounded memory).
async function saveAs(file, name) {
  try {
    const handle = await window.showSaveFilePicker({ suggestedName: name });
    const writable = await handle.createWritable();
    await file.stream().pipeTo(writable);
    $('saved').textContent = `saved as ${handle.name}`;
  } catch (e) {
    if (e.name !== 'AbortError') showError(e);
  }
}

// The module is synchronous, so a running conversion can only be stopped by ending its worker.
async function cancel() {
  await stopConversion(null);
}

// Ends the running conversion: the page's worker and the converting workers are terminated, a fresh page's worker
// reopens the folder (the partial output is removed when the next conversion starts). error: what to show then
// (null: a cancel, back to "planned").
async function stopConversion(error) {
  worker.terminate();
  stopConverters();
  const stopped = Object.assign(new Error('conversion cancelled'), { cancelled: true });
  for (const p of pending.values()) p.reject(stopped);
  pending.clear();
  startWorker();
  if (folder) await openFolder(folder, true);
  if (error) showError(error);
}

function wire() {
  if (typeof Worker === 'undefined' || !navigator.storage || !navigator.storage.getDirectory) {
    showError('This browser lacks Web Workers or the origin-private file system; ggufsmith needs a current ' +
              'Chrome, Edge, Firefox or Safari.');
    return;
  }
  if (!window.showSaveFilePicker) {
    $('notice').textContent = 'This browser has no "Save as" file picker: the GGUF is written to the browser\'s ' +
      'storage and offered as a download.';
    $('notice').hidden = false;
  }
  $('folder').addEventListener('change', (ev) => openFolder(filesFromInput(ev.target.files)));
  $('type').addEventListener('change', () => showPlan().catch(showError));
  const pickImatrix = (file) => {
    imatrixChoice = { name: file.name, file };
    return setImatrix(imatrixChoice);
  };
  $('imatrix').addEventListener('change', (ev) => {
    const file = ev.target.files[0];
    ev.target.value = '';  // so that picking the same file again (changed on disk) is a change too
    if (file) pickImatrix(file);
  });
  $('use-imatrix').addEventListener('change', (ev) => setImatrix(ev.target.checked ? imatrixChoice : null));
  $('convert').addEventListener('click', () => convert());
  $('convert-to').hidden = !window.showSaveFilePicker;
  $('convert-to').addEventListener('click', convertTo);
  $('cancel').addEventListener('click', () => cancel().catch(showError));
  document.addEventListener('dragover', (ev) => { ev.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', async (ev) => {
    ev.preventDefault();
    document.body.classList.remove('dragging');
    try {
      const found = await filesFromDrop(ev.dataTransfer);
      // One importance-matrix file dropped onto an open model is picked for it, as through #imatrix.
      const oneImatrix = found.fileList.length === 1 && findImatrix(found.names) === 0;
      if (oneImatrix && folder && document.body.dataset.state !== 'converting') return await pickImatrix(found.fileList[0]);
      await openFolder(found);
    } catch (e) {
      showError(e);
    }
  });
}

startWorker();
wire();
