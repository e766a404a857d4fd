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

// Runs in the page (passed to page.evaluate or the BiDi runner) once #folder holds the model: MB/s of File.slice()
// reads of model.safetensors alone (8 MiB, FileReaderSync in a worker, as the page's workers read; best of 3
// passes), the ceiling the browser sets for any page.
export async function fileReadSpeedInPage() {
  const file = [...document.getElementById('folder').files].find((f) => f.name === 'model.safetensors');
  const code = `onmessage = (ev) => {
    const file = ev.data, n = 8 << 20;
    let best = 0;
    for (let pass = 0; pass < 3; ++pass) {
      const t0 = performance.now();
      for (let off = 0; off < file.size; off += n) new FileReaderSync().readAsArrayBuffer(file.slice(off, off + n));
      best = Math.max(best, file.size / 1e6 / ((performance.now() - t0) / 1000));
    }
    postMessage(best);
  };`;
  const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  return new Promise((resolve) => { w.onmessage = (ev) => resolve(ev.data); w.postMessage(file); });
}

export const readLine = (mbs) =>
  `browser File reads alone: ${mbs.toFixed(1)} MB/s (best of 3 passes: 8 MiB File.slice() + FileReaderSync in a worker)`;
