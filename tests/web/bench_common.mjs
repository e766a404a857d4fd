// What the page benchmarks share (bench_page.mjs in Chromium, bench_firefox.mjs in Firefox): the native baseline,
// the result line, and the browser's bare file-read speed.
import { execFileSync } from 'node:child_process';

// The CLI at -j 1 on the same folder: best wall time of `repeat` runs, in seconds.
export function nativeSeconds(cli, dir, type, out, repeat) {
  let secs = Infinity;
  for (let i = 0; i < repeat; ++i) {
    const t0 = performance.now();
    execFileSync(cli, ['convert', dir, '-t', type, '-o', out, '-q', '-j', '1']);
    secs = Math.min(secs, (performance.now() - t0) / 1000);
  }
  return secs;
}

export function pageResult(workers, srcBytes, nativeSecs, secs, same) {
  return `page workers=${workers} ${(srcBytes / 1e6 / secs).toFixed(1)} MB/s (${(nativeSecs / secs).toFixed(2)}× native` +
         `${same ? ', identical' : ', DIFFERENT'})`;
}

// Runs in the page (passed to page.evaluate or the BiDi runner) once #folder holds the model: MB/s of reading
// model.safetensors alone in a worker, 8 MiB at a time, best of 3 passes each, two ways: File.slice() +
// FileReaderSync (the modules' synchronous gsRead) and the read-ahead's readRange (web/slice_read.js: a BYOB reader
// of each slice's stream into a reused buffer). The faster is the ceiling the browser sets for any page.
export async function fileReadSpeedInPage() {
  const file = [...document.getElementById('folder').files].find((f) => f.name === 'model.safetensors');
  const code = `importScripts(${JSON.stringify(new URL('slice_read.js', location.href).href)});
  onmessage = async (ev) => {
    const file = ev.data, n = 8 << 20, best = { sync: 0, stream: 0 };
    let buf = new ArrayBuffer(n);
    for (let pass = 0; pass < 3; ++pass) {
      let t0 = performance.now();
      for (let off = 0; off < file.size; off += n) new FileReaderSync().readAsArrayBuffer(file.slice(off, off + n));
      best.sync = Math.max(best.sync, file.size / 1e6 / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      for (let off = 0; off < file.size; off += n) {
        buf = await readRange(file, off, Math.min(n, file.size - off), 60000, buf);
        if (!buf) throw new Error('readRange failed');
      }
      best.stream = Math.max(best.stream, file.size / 1e6 / ((performance.now() - t0) / 1000));
    }
    postMessage(best);
  };`;
  const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  return new Promise((resolve) => { w.onmessage = (ev) => resolve(ev.data); w.postMessage(file); });
}

export const readLine = ({ sync, stream }) =>
  `browser File reads alone (8 MiB slices in a worker, best of 3 passes): FileReaderSync ${sync.toFixed(1)} MB/s, ` +
  `BYOB stream into a reused buffer (the page's read-ahead) ${stream.toFixed(1)} MB/s`;
