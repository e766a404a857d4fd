// wasm vs native throughput on the same generated Llama model (BF16, written to disk once): the native CLI and the
// page's module under node convert it, the outputs must be identical, and both MB/s (source bytes per second) are
// printed. Usage: node --no-experimental-fetch bench.mjs --module build/wasm/web/ggufsmith.js --cli PATH
//        --shared DIR --work DIR [--layers 8] [--types F16,Q8_0,Q4_K_M] [--repeat 2]
// Each side's best of --repeat runs counts (the machine may be shared).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diskFolder, loadModule } from './node_folder.mjs';
import { writeGeneratedLlama } from './generated_model.mjs';

const { values: opt } = parseArgs({ options: {
  module: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' }, threads: { type: 'string' },
  layers: { type: 'string', default: '8' }, types: { type: 'string', default: 'F16,Q8_0,Q4_K_M' },
  repeat: { type: 'string', default: '2' },
} });
const dir = join(opt.work, 'generated-llama');
rmSync(opt.work, { recursive: true, force: true });
writeGeneratedLlama(dir, { layers: +opt.layers, hidden: 2048, intermediate: 5632, shared: opt.shared });
const gs = await loadModule(resolve(opt.module));
const folder = diskFolder(dir);
const opened = gs.open(folder.name, folder.files);
if (opened.error) throw new Error(opened.error);
const srcMB = gs.plan('F16').model.source_bytes / 1e6;
console.log(`generated model: ${srcMB.toFixed(0)} MB of BF16 safetensors (${opt.layers} layers)`);
let identical = true;
for (const type of opt.types.split(',')) {
  const nativeOut = join(opt.work, `native-${type}.gguf`), wasmOut = join(opt.work, `wasm-${type}.gguf`);
  let nativeSecs = Infinity, wasmSecs = Infinity, r;
  for (let i = 0; i < +opt.repeat; ++i) {
    let t0 = performance.now();
    execFileSync(opt.cli, ['convert', dir, '-t', type, '-o', nativeOut, '-q', ...(opt.threads ? ['-j', opt.threads] : [])]);
    nativeSecs = Math.min(nativeSecs, (performance.now() - t0) / 1000);
    const fd = openSync(wasmOut, 'w');
    t0 = performance.now();
    r = gs.convert(type, (view) => { writeSync(fd, view); });
    wasmSecs = Math.min(wasmSecs, (performance.now() - t0) / 1000);
    closeSync(fd);
  }
  if (r.error) throw new Error(r.error);
  const same = readFileSync(nativeOut).equals(readFileSync(wasmOut));
  identical &&= same;
  console.log(`${type.padEnd(7)} native ${(srcMB / nativeSecs).toFixed(1).padStart(7)} MB/s   ` +
              `wasm ${(srcMB / wasmSecs).toFixed(1).padStart(7)} MB/s   ` +
              `ratio ${(nativeSecs / wasmSecs).toFixed(2)}   heap ${(r.heap_bytes / 2 ** 20).toFixed(0)} MiB   ` +
              `${same ? 'identical' : 'DIFFERENT'}`);
  rmSync(nativeOut);
  rmSync(wasmOut);
}
folder.close();
rmSync(opt.work, { recursive: true, force: true });
process.exit(identical ? 0 : 1);
