// The malformed-input corpus (tests/malformed, see its generate.py) through the page's wasm module under node: each
// folder is opened, planned and converted (F16, as the CLI's default) and must fail with exactly the message the
// native CLI prints for it (the text after "ggufsmith: error: "), with nothing handed to the output sink. The
// healthy controls must convert to the CLI's bytes. --imatrix cases load the folder's imatrix.dat as the page does
// and run the CLI from the case folder, so both name the file "imatrix.dat".
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
// The CLI also runs from other directories (--imatrix by a bare name), so paths must not be relative.
for (const k of ['cli', 'work', 'corpus']) opt[k] = resolve(opt[k]);

const PREFIX = 'ggufsmith: error: ';
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
rmSync(opt.work, { recursive: true, force: true });
mkdirSync(opt.work, { recursive: true });
const gs = await loadModule(resolve(opt.module));
const { cases } = JSON.parse(readFileSync(join(opt.corpus, 'cases.json'), 'utf8'));

// The case's -t type and --imatrix file name (in the case folder), as far as its arguments give them.
function caseOptions(c) {
  const args = c.args || [], arg = (flag) => { const i = args.indexOf(flag); return i < 0 ? null : args[i + 1]; };
  return { type: arg('-t') || 'F16', imatrix: arg('--imatrix') };
}

// The first error of open -> load the imatrix -> plan -> convert, and what reached the sink.
function throughWasm(folder, { type, imatrix }) {
  const chunks = [];
  let r = gs.open(folder.name, folder.files);
  if (!r.error) r = imatrix ? gs.loadImatrix(folder.files.find((f) => f.name === imatrix)) : gs.clearImatrix();
  if (!r.error) r = gs.plan(type);
  if (!r.error) r = gs.convert(type, (view) => { chunks.push(Buffer.from(view)); });
  return { error: r.error, bytes: Buffer.concat(chunks) };
}

let compared = 0, withImatrix = 0;
for (const c of cases) {
  if (c.wasm === false) continue;
  const dir = resolve(opt.corpus, c.name);
  const out = join(opt.work, `${c.name}.gguf`);
  const cli = spawnSync(opt.cli, ['convert', dir, '-o', out, '-q', ...(c.args || [])], { encoding: 'utf8', cwd: dir });
  const folder = diskFolder(dir);
  const w = throughWasm(folder, caseOptions(c));
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
  if (caseOptions(c).imatrix) withImatrix++;
  check(cli.status === 1 && native !== null && w.error === native && missing.length === 0 && w.bytes.length === 0,
        `${c.name}: ${w.error === native ? 'same message' : `wasm ${JSON.stringify(w.error)} vs CLI ${JSON.stringify(cli.stderr)}`}` +
        `${missing.length ? `, missing ${JSON.stringify(missing)}` : ''}` +
        `${w.bytes.length ? `, ${w.bytes.length} bytes reached the sink` : ''}`);
}
check(compared >= 40 && withImatrix >= 3,
      `${compared} malformed cases compared with the CLI (at least 40), ${withImatrix} of them --imatrix ones (at least 3)`);

if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all malformed-corpus checks passed');
