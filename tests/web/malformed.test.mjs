// The malformed-input corpus (tests/malformed, see its generate.py) through the page's wasm module under node: each
// folder is opened, planned and converted (F16, as the CLI's default) and must fail with exactly the message the
// native CLI prints for it (the text after "ggufsmith: error: "), with nothing handed to the output sink. The
// healthy controls must convert to the CLI's bytes. Cases the page cannot express (--imatrix) are CLI-only.
// Usage: node --no-experimental-fetch malformed.test.mjs --module build/wasm/web/ggufsmith.js --cli PATH --work DIR
//        [--corpus tests/malformed]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { diskFolder, loadModule } from './node_folder.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({ options: {
  module: { type: 'string' }, cli: { type: 'string' }, work: { type: 'string' },
  corpus: { type: 'string', default: join(here, '..', 'malformed') },
} });
for (const k of ['module', 'cli', 'work']) if (!opt[k]) throw new Error(`--${k} is required`);

const PREFIX = 'ggufsmith: error: ';
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
rmSync(opt.work, { recursive: true, force: true });
mkdirSync(opt.work, { recursive: true });
const gs = await loadModule(resolve(opt.module));
const { cases } = JSON.parse(readFileSync(join(opt.corpus, 'cases.json'), 'utf8'));

// The first error of open -> plan -> convert, and what reached the sink.
function throughWasm(folder) {
  const chunks = [];
  let r = gs.open(folder.name, folder.files);
  if (!r.error) r = gs.plan('F16');
  if (!r.error) r = gs.convert('F16', (view) => { chunks.push(Buffer.from(view)); });
  return { error: r.error, bytes: Buffer.concat(chunks) };
}

let compared = 0;
for (const c of cases) {
  if (c.wasm === false) continue;
  const dir = resolve(opt.corpus, c.name);
  const out = join(opt.work, `${c.name}.gguf`);
  const cli = spawnSync(opt.cli, ['convert', dir, '-o', out, '-q'], { encoding: 'utf8' });
  const folder = diskFolder(dir);
  const w = throughWasm(folder);
  folder.close();
  if (c.expect === 'ok') {
    const expected = cli.status === 0 ? readFileSync(out) : Buffer.alloc(0);
    check(cli.status === 0 && !w.error && w.bytes.equals(expected),
          `${c.name}: converts, ${w.bytes.length} bytes ${w.bytes.equals(expected) ? 'identical to' : 'DIFFERENT from'} ` +
          `the CLI's ${expected.length} ${w.error || cli.stderr.trim()}`);
    continue;
  }
  const lines = cli.stderr.split('\n').filter((l) => l.length > 0);
  const native = lines.length === 1 && lines[0].startsWith(PREFIX) ? lines[0].slice(PREFIX.length) : null;
  const missing = c.expect.filter((s) => !(w.error || '').includes(s));
  compared++;
  check(cli.status === 1 && native !== null && w.error === native && missing.length === 0 && w.bytes.length === 0,
        `${c.name}: ${w.error === native ? 'same message' : `wasm ${JSON.stringify(w.error)} vs CLI ${JSON.stringify(cli.stderr)}`}` +
        `${missing.length ? `, missing ${JSON.stringify(missing)}` : ''}` +
        `${w.bytes.length ? `, ${w.bytes.length} bytes reached the sink` : ''}`);
}
check(compared >= 40, `${compared} malformed cases compared with the CLI (at least 40)`);

if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all malformed-corpus checks passed');
