// The page's wasm module under node, without a browser: the same hooks as web/worker.js. Checks that its output is
// byte-identical to the native CLI's, that bad folders give the core's messages, and (with --large) that a generated
// model whose safetensors exceed 4.5 GB converts with the wasm heap staying under 512 MiB, offsets past 4 GiB
// included, and prints its MB/s.
// Usage: node --no-experimental-fetch module.test.mjs --module build/wasm/web/ggufsmith.js --cli PATH --shared DIR
//        --work DIR [--large]
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { diskFolder, loadModule } from './node_folder.mjs';
import { generatedLlama } from './generated_model.mjs';

const { values: opt } = parseArgs({ options: {
  module: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  large: { type: 'boolean', default: false },
} });
for (const k of ['module', 'cli', 'shared', 'work']) if (!opt[k]) throw new Error(`--${k} is required`);
// The CLI also runs from other directories (--imatrix by a bare name), so paths must not be relative.
for (const k of ['cli', 'shared', 'work']) opt[k] = resolve(opt[k]);

const here = dirname(fileURLToPath(import.meta.url));
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
rmSync(opt.work, { recursive: true, force: true });
mkdirSync(opt.work, { recursive: true });
const gs = await loadModule(resolve(opt.module));
const MiB = 1 << 20;

function convertToBuffer(type) {
  const chunks = [];
  const t0 = performance.now();
  const r = gs.convert(type, (view) => { chunks.push(Buffer.from(view)); });
  return { r, bytes: Buffer.concat(chunks), secs: (performance.now() - t0) / 1000 };
}

for (const model of ['tinystories-656k', 'dev-llama-spm']) {
  const dir = join(opt.shared, 'models', model);
  const folder = diskFolder(dir);
  const opened = gs.open(folder.name, folder.files);
  check(opened.ok === true, `${model}: opened ${JSON.stringify(opened)}`);
  for (const type of ['F16', 'Q8_0', 'Q4_K_M']) {
    const out = join(opt.work, `native-${model}-${type}.gguf`);
    let t0 = performance.now();
    execFileSync(opt.cli, ['convert', dir, '-t', type, '-o', out, '-q']);
    const nativeSecs = (performance.now() - t0) / 1000;
    const expected = readFileSync(out);
    const plan = gs.plan(type);
    const { r, bytes, secs } = convertToBuffer(type);
    check(r.ok && bytes.equals(expected) && plan.file_bytes === expected.length,
          `${model} ${type}: ${bytes.length} bytes (plan said ${plan.file_bytes}), CLI ${expected.length}, ` +
          `${bytes.equals(expected) ? 'identical' : 'DIFFERENT'} ${r.error || ''}` +
          ` [wasm ${secs.toFixed(2)} s incl. module overhead, native process ${nativeSecs.toFixed(2)} s]`);
    const pieces = [];
    const c = gs.convertChunked(type, (view) => { pieces.push(Buffer.from(view)); });
    const chunked = Buffer.concat(pieces);
    check(!c.error && chunked.equals(expected) && c.staged_bytes === c.source_bytes && c.js_bytes === 0,
          `${model} ${type} chunk by chunk with read-ahead (the page's path): ` +
          `${chunked.equals(expected) ? 'identical' : 'DIFFERENT'}, ${c.staged_bytes} of ${c.source_bytes} source ` +
          `bytes read ahead, ${c.js_bytes} read directly ${c.error || ''}`);
  }
  check(gs.hooks.maxRead <= 32 * MiB, `${model}: largest single read ${gs.hooks.maxRead} bytes (<= 32 MiB)`);
  folder.close();
}

// Error texts come from the core (gs::Error) unchanged.
{
  const ts = diskFolder(join(opt.shared, 'models', 'tinystories-656k'));
  const r = gs.open('broken', ts.files.filter((f) => f.name !== 'config.json'));
  check(/no config\.json/.test(r.error || ''), `missing config.json: ${r.error}`);
  const st = ts.files.find((f) => f.name === 'model.safetensors');
  const r2 = gs.open('short', ts.files.map((f) => (f === st ? { ...f, size: 1_000_000 } : f)));
  check(/truncated/.test(r2.error || ''), `truncated shard: ${r2.error}`);
  check(gs.plan('F16').error === 'no model folder is open', 'plan after a failed open: no model folder is open');
  // A 20 MiB config.json is read whole by the core, but through File.slice()s of at most 16 MiB.
  const padded = Buffer.concat([readFileSync(join(opt.shared, 'models', 'tinystories-656k', 'config.json')),
                                Buffer.alloc(20 * MiB, 0x20)]);
  const big = { name: 'config.json', size: padded.length,
                read(offset, view) { view.set(padded.subarray(offset, offset + view.length)); return ''; } };
  gs.hooks.maxRead = 0;
  const r4 = gs.open('padded', ts.files.map((f) => (f.name === 'config.json' ? big : f)));
  check(r4.ok && gs.hooks.maxRead <= 16 * MiB, `20 MiB config.json: ${r4.error || 'opened'}, largest read ${gs.hooks.maxRead}`);
  gs.open(ts.name, ts.files);
  const r3 = gs.plan('Q9_X');
  check(/unknown type 'Q9_X'/.test(r3.error || ''), `unknown type: ${r3.error}`);
  ts.close();
}

// Importance matrices, as the CLI's --imatrix. The CLI runs in the directory holding the file and is given its bare
// name, which is what the page records in quantize.imatrix.file (the name the user sees), so the bytes must match.
const PREFIX = 'ggufsmith: error: ';
function cliImatrix(modelDir, type, imatrixDir, imatrixName, out) {
  return spawnSync(opt.cli, ['convert', modelDir, '-t', type, '-o', out, '-q', '--imatrix', imatrixName],
                   { cwd: imatrixDir, encoding: 'utf8' });
}
// llama.cpp's digest of the same conversion (../shared/golden/models/dev-llama-spm): tensors and the keys below.
const GOLDEN_KEYS = ['general.architecture', 'general.file_type', 'general.quantization_version', 'llama.block_count',
  'llama.vocab_size', 'tokenizer.ggml.model', 'tokenizer.ggml.tokens', 'quantize.imatrix.file',
  'quantize.imatrix.dataset', 'quantize.imatrix.chunks_count', 'quantize.imatrix.entries_count'].join(',');
function goldenCompare(ref, file) {
  const r = spawnSync('python3', [join(opt.shared, 'tools', 'ggufdigest.py'), '--compare',
    join(opt.shared, 'golden', 'models', 'dev-llama-spm', ref), file, '--keys', GOLDEN_KEYS], { encoding: 'utf8' });
  return { ok: r.status === 0, text: (r.stdout + r.stderr).trim().replace(/\n/g, '; ') };
}
{
  const dir = join(opt.shared, 'models', 'dev-llama-spm');
  const folder = diskFolder(dir);
  check(gs.open(folder.name, folder.files).ok === true, 'dev-llama-spm opened again');
  const iq2 = gs.plan('IQ2_XXS');
  check(iq2.needs_imatrix && !iq2.executable && /needs an importance matrix/.test(iq2.not_executable_why) &&
        iq2.imatrix === null, `IQ2_XXS without an imatrix: ${iq2.not_executable_why}`);
  const plainQ4 = gs.plan('Q4_K_M');
  const info = gs.loadImatrix(folder.files.find((f) => f.name === 'imatrix.dat'));
  check(info.ok && info.format === 'legacy' && info.entries === 21 && info.chunks === 10 &&
        info.datasets.join() === 'calib2.txt', `imatrix.dat from the folder: ${JSON.stringify(info)}`);
  for (const [type, ref] of [['IQ2_XXS', 'ref.IQ2_XXS.imatrix.json'], ['Q4_K_M', 'ref.Q4_K_M.imatrix.json']]) {
    const out = join(opt.work, `native-imatrix-${type}.gguf`);
    const cli = cliImatrix(dir, type, dir, 'imatrix.dat', out);
    const expected = cli.status === 0 ? readFileSync(out) : Buffer.alloc(0);
    const plan = gs.plan(type);
    const { r, bytes } = convertToBuffer(type);
    check(cli.status === 0 && r.ok && bytes.equals(expected) && plan.file_bytes === expected.length &&
          plan.imatrix.name === 'imatrix.dat' && plan.imatrix.tensors > 0,
          `${type} with imatrix.dat: ${bytes.length} bytes (plan ${plan.file_bytes}, imatrix on ${plan.imatrix.tensors} ` +
          `tensors), CLI ${expected.length}, ${bytes.equals(expected) ? 'identical' : 'DIFFERENT'} ${r.error || cli.stderr}`);
    const mine = join(opt.work, `wasm-imatrix-${type}.gguf`);
    writeFileSync(mine, bytes);
    const g = goldenCompare(ref, mine);
    check(g.ok, `${type} with imatrix.dat vs llama.cpp's ${ref}: ${g.text}`);
  }
  // One picked from elsewhere, in the GGUF format (4 entries: enough for Q4_K_M, which does not require one).
  const elsewhere = join(opt.work, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  copyFileSync(join(here, '..', 'fuzz', 'corpus', 'imatrix', 'dev-llama-spm-4-entries.imatrix.gguf'),
               join(elsewhere, 'picked.imatrix.gguf'));
  const picked = diskFolder(elsewhere);
  const pinfo = gs.loadImatrix(picked.files[0]);
  check(pinfo.ok && pinfo.format === 'gguf' && pinfo.entries === 4, `picked GGUF imatrix: ${JSON.stringify(pinfo)}`);
  {
    const out = join(opt.work, 'native-picked-Q4_K_M.gguf');
    const cli = cliImatrix(dir, 'Q4_K_M', elsewhere, 'picked.imatrix.gguf', out);
    const expected = cli.status === 0 ? readFileSync(out) : Buffer.alloc(0);
    const { r, bytes } = convertToBuffer('Q4_K_M');
    check(cli.status === 0 && r.ok && bytes.equals(expected),
          `Q4_K_M with a picked GGUF imatrix: ${bytes.length} bytes, CLI ${expected.length}, ` +
          `${bytes.equals(expected) ? 'identical' : 'DIFFERENT'} ${r.error || cli.stderr}`);
  }
  // A malformed one: the CLI's one-line message, and none stays loaded.
  writeFileSync(join(elsewhere, 'cut.imatrix'), readFileSync(join(dir, 'imatrix.dat')).subarray(0, 5000));
  const cutDir = diskFolder(elsewhere);
  const cut = cutDir.files.find((f) => f.name === 'cut.imatrix');
  const bad = gs.loadImatrix(cut);
  const cli = cliImatrix(dir, 'Q4_K_M', elsewhere, 'cut.imatrix', join(opt.work, 'never.gguf'));
  const lines = cli.stderr.split('\n').filter((l) => l);
  check(cli.status === 1 && lines.length === 1 && bad.error === lines[0].slice(PREFIX.length),
        `malformed imatrix: wasm ${JSON.stringify(bad.error)}, CLI ${JSON.stringify(cli.stderr)}`);
  const after = gs.plan('Q4_K_M');
  check(after.imatrix === null && after.file_bytes === plainQ4.file_bytes && !gs.plan('IQ2_XXS').executable,
        'after the failed load no imatrix is in use');
  gs.loadImatrix(folder.files.find((f) => f.name === 'imatrix.dat'));
  gs.clearImatrix();
  check(gs.plan('Q4_K_M').imatrix === null && !gs.plan('IQ2_XXS').executable, 'clearImatrix: none in use');
  cutDir.close();
  picked.close();
  folder.close();
}

if (opt.large) {
  const model = generatedLlama({ layers: 46, hidden: 2048, intermediate: 5632, shared: opt.shared });
  const srcBytes = model.files.filter((f) => f.name.endsWith('.safetensors')).reduce((n, f) => n + f.size, 0);
  const opened = gs.open('generated-llama', model.files);
  check(opened.ok === true, `generated model: ${(srcBytes / 1e9).toFixed(2)} GB of safetensors opened ${opened.error || ''}`);
  for (const type of ['F16', 'Q4_K_M']) {
    const plan = gs.plan(type);
    const hash = createHash('sha256');
    let written = 0;
    const t0 = performance.now();
    // F16 as execute_plan writes it; Q4_K_M as the page converts: chunk by chunk, every byte read ahead.
    const chunked = type === 'Q4_K_M';
    const write = (view) => { written += view.length; hash.update(view); };
    const r = chunked ? gs.convertChunked(type, write) : gs.convert(type, write);
    const secs = (performance.now() - t0) / 1000;
    if (chunked) check(r.staged_bytes === r.source_bytes && r.js_bytes === 0,
                       `generated ${type} chunk by chunk: ${r.staged_bytes} of ${r.source_bytes} source bytes read ` +
                       `ahead, ${r.js_bytes} read directly`);
    check(!r.error && written === plan.file_bytes,
          `generated ${type}: ${(written / 1e9).toFixed(2)} GB written (plan ${(plan.file_bytes / 1e9).toFixed(2)}), ` +
          `${(srcBytes / 1e6 / secs).toFixed(1)} MB/s read in wasm ${r.error || ''}`);
    check(r.heap_bytes < 512 * MiB, `generated ${type}: wasm heap ${(r.heap_bytes / MiB).toFixed(0)} MiB (< 512 MiB)`);
  }
  check(gs.hooks.maxRead <= 32 * MiB, `generated: largest single read ${gs.hooks.maxRead} bytes (<= 32 MiB)`);
}

if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all module checks passed');
