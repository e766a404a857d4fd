// End-to-end test of the web page in headless Chromium (the system's /usr/bin/chromium, driven by playwright-core):
// select a model folder through #folder, convert with #type/#convert, download through #save, and require the
// bytes to equal the native CLI's output for the same type. dev-llama-spm's folder holds imatrix.dat, which the page
// uses unless #use-imatrix is unchecked: those outputs must equal the CLI's with --imatrix imatrix.dat (run from the
// folder, so the recorded name is the same), one of them also llama.cpp's digest. An imatrix picked through
// #imatrix, and a malformed one (the CLI's message). Bad folders must end in state "error" with the core's message
// in #error.
// Usage: node browser.test.mjs --web DIR --cli PATH --shared DIR --work DIR [--chromium PATH]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { serve } from './static_server.mjs';

const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  chromium: { type: 'string', default: '/usr/bin/chromium' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) if (!opt[k]) throw new Error(`--${k} is required`);
// The CLI also runs from other directories (--imatrix by a bare name), so paths must not be relative.
for (const k of ['cli', 'shared', 'work']) opt[k] = resolve(opt[k]);
// playwright-core is installed with the other npm test dependencies in tests/js (scripts/setup-js.sh).
const { chromium } = createRequire(new URL('../js/package.json', import.meta.url))('playwright-core');

// [model, type, with the folder's imatrix, converting workers (?workers=N; 0: the page's worker converts alone),
//  source chunk KiB (?chunk-kib: small ones spread each tensor over several workers; 0: the default 8 MiB)]
const CASES = [['tinystories-656k', 'F16', false, 0], ['tinystories-656k', 'F16', false, 2],
               ['tinystories-656k', 'Q4_K_M', false, 1], ['tinystories-656k', 'Q4_K_M', false, 3, 16],
               ['dev-llama-spm', 'F16', false, 0], ['dev-llama-spm', 'F16', false, 3, 64],
               ['dev-llama-spm', 'Q4_K_M', false, 0], ['dev-llama-spm', 'Q4_K_M', false, 2],
               ['dev-llama-spm', 'Q4_K_M', true, 1], ['dev-llama-spm', 'Q4_K_M', true, 3, 48],
               ['dev-llama-spm', 'IQ2_XXS', true, 0], ['dev-llama-spm', 'IQ2_XXS', true, 2]];
const PREFIX = 'ggufsmith: error: ';
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

rmSync(opt.work, { recursive: true, force: true });
mkdirSync(opt.work, { recursive: true });

// imatrix: the file's name, run from imatrixDir (default: the model folder), as the page records the bare name.
function nativeConvert(model, type, imatrix = null, modelDir = join(opt.shared, 'models', model), imatrixDir = modelDir) {
  const out = join(opt.work, `native-${model}-${type}${imatrix ? '-imatrix' : ''}.gguf`);
  if (existsSync(out) && modelDir === join(opt.shared, 'models', model)) return readFileSync(out);
  execFileSync(opt.cli, ['convert', modelDir, '-t', type, '-o', out, '-q', ...(imatrix ? ['--imatrix', imatrix] : [])],
               { cwd: imatrixDir });
  return readFileSync(out);
}

// llama.cpp's digest of the same conversion (../shared/golden/models/dev-llama-spm), via its ggufdigest.py.
function goldenCompare(ref, file) {
  const keys = 'general.architecture,general.file_type,llama.block_count,tokenizer.ggml.tokens,quantize.imatrix.file,' +
               'quantize.imatrix.dataset,quantize.imatrix.chunks_count,quantize.imatrix.entries_count';
  const r = spawnSync('python3', [join(opt.shared, 'tools', 'ggufdigest.py'), '--compare',
    join(opt.shared, 'golden', 'models', 'dev-llama-spm', ref), file, '--keys', keys], { encoding: 'utf8' });
  return { ok: r.status === 0, text: (r.stdout + r.stderr).trim().replace(/\n/g, '; ') };
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ++i) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

// Bad folders, made from tinystories-656k: each must fail on selection with the core's own message.
function badFolders() {
  const src = join(opt.shared, 'models', 'tinystories-656k');
  const make = (name, files) => {
    const dir = join(opt.work, 'bad', name);
    mkdirSync(dir, { recursive: true });
    for (const f of files) copyFileSync(join(src, f), join(dir, f));
    return dir;
  };
  const noConfig = make('no-config', ['model.safetensors', 'tokenizer.json']);
  const lfs = make('lfs-pointer', ['config.json', 'tokenizer.json']);
  writeFileSync(join(lfs, 'model.safetensors'), 'version https://git-lfs.github.com/spec/v1\n' +
    'oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 2626168\n');
  const truncated = make('truncated', ['config.json', 'tokenizer.json', 'model.safetensors']);
  truncateSync(join(truncated, 'model.safetensors'), 1_000_000);
  return [[noConfig, /no config\.json/], [lfs, /Git LFS pointer/], [truncated, /truncated/]];
}

const server = await serve(opt.web);
const profile = mkdtempSync(join(opt.work, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  acceptDownloads: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--no-first-run', '--disable-sync'],
});
// Records every data-state the page passes through, so the test can check the order, not just the end, and every
// progress line shown while converting.
await context.addInitScript(() => {
  window.__states = [];
  window.__progress = [];
  document.addEventListener('DOMContentLoaded', () => {
    window.__states.push(document.body.dataset.state);
    // Several changes in one task arrive as one batch; each record's successor holds the value it was changed to.
    new MutationObserver((records) => records.forEach((r, i) => window.__states.push(
      i + 1 < records.length ? records[i + 1].oldValue : document.body.dataset.state)))
      .observe(document.body, { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
    const line = document.getElementById('progress-text');
    new MutationObserver(() => window.__progress.push(line.textContent))
      .observe(line, { childList: true, characterData: true, subtree: true });
  });
});
const page = context.pages()[0] || await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

const settled = (states) => page.waitForFunction(
  (s) => s.includes(document.body.dataset.state), states, { timeout: 300_000 });
const state = () => page.evaluate(() => document.body.dataset.state);
// Opens the page at url (then runs before()), selects the folder and the type, and waits for that type's plan.
async function openPlanned(url, dir, type, before = async () => {}) {
  await page.goto(url);
  await before();
  await page.setInputFiles('#folder', dir);
  await settled(['planned', 'error']);
  await page.selectOption('#type', type);
  await page.waitForFunction((t) => document.getElementById('plan').dataset.type === t, type);
}
// A copy of some files of a model folder, whose model.safetensors cutShort() truncates (the copies are read-only
// when the originals are).
function copyModel(src, dir, files = readdirSync(src)) {
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(join(src, f), join(dir, f));
  return dir;
}
function cutShort(dir, bytes) {
  chmodSync(join(dir, 'model.safetensors'), 0o644);
  truncateSync(join(dir, 'model.safetensors'), bytes);
}

try {
  for (const [model, type, withImatrix, workers, chunkKib = 0] of CASES) {
    const expected = nativeConvert(model, type, withImatrix ? 'imatrix.dat' : null);
    const what = `${model} ${type}${withImatrix ? ' +imatrix' : ''} workers=${workers}` +
                 (chunkKib ? ` chunk-kib=${chunkKib}` : '');
    await page.goto(`${server.url}?workers=${workers}${chunkKib ? `&chunk-kib=${chunkKib}` : ''}`);
    await page.setInputFiles('#folder', join(opt.shared, 'models', model));
    await settled(['planned', 'error']);
    check(await state() === 'planned', `${model}: folder planned (${await page.textContent('#error')})`);
    const info = await page.textContent('#imatrix-info');
    const inUse = await page.isChecked('#use-imatrix');
    if (model === 'dev-llama-spm') {
      check(inUse && info === 'imatrix.dat (from the folder): legacy format, 21 entries, 10 chunks, dataset calib2.txt',
            `${model}: the folder's imatrix is found and used: ${info}`);
      if (!withImatrix) {
        await page.uncheck('#use-imatrix');  // disables the controls at once, until the replanning is done
        await page.waitForFunction(() => !document.getElementById('use-imatrix').disabled);
        await settled(['planned', 'error']);
        const label = await page.textContent('#type option[value="IQ2_XXS"]');
        check(await state() === 'planned' && !(await page.isChecked('#use-imatrix')) &&
              /not used/.test(await page.textContent('#imatrix-info')) && /needs an importance matrix/.test(label),
              `${model}: #use-imatrix unchecked: ${await page.textContent('#imatrix-info')}; ${label}`);
      }
    } else {
      check(!inUse && await page.isDisabled('#use-imatrix'), `${model}: no imatrix in the folder: ${info}`);
    }
    await page.selectOption('#type', type);
    await page.waitForFunction((t) => document.getElementById('plan').dataset.type === t, type);
    const planText = await page.textContent('#plan-count');
    if (withImatrix) check(/importance matrix imatrix\.dat on \d+ tensor/.test(planText), `${what}: plan ${planText}`);
    const t0 = Date.now();
    await page.click('#convert');
    await settled(['done', 'error']);
    const secs = (Date.now() - t0) / 1000;
    const s = await state();
    check(s === 'done', `${what}: conversion done (state ${s}: ${await page.textContent('#error')})`);
    if (s !== 'done') continue;
    const states = await page.evaluate(() => window.__states.join(' '));
    check(/idle.*planned.*converting.*done$/.test(states), `${what}: states ${states}`);
    const progress = await page.evaluate(() => window.__progress.filter((t) => /MB\/s, ETA/.test(t)).at(-1) || '');
    check(progress !== '', `${what}: progress shown: ${progress.replace('\n', ' / ')}`);
    const summary = await page.textContent('#progress-text');
    // Every source byte reached the converting module read ahead by the page's worker (none of these models has a
    // tensor gathered by short reads), so none was read while a module waited.
    const tail = `, ${workers ? `${workers} converting worker${workers > 1 ? 's' : ''}` : 'in one worker'}, 100% read ahead)`;
    check(summary.endsWith(tail), `${what}: ${summary}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const got = readFileSync(await download.path());
    const diff = firstDifference(got, expected);
    check(diff === -1, `${what}: ${got.length} bytes from the page, ${expected.length} from the CLI` +
                       (diff === -1 ? ', identical' : `, first difference at byte ${diff}`) +
                       ` (${download.suggestedFilename()}, ${secs.toFixed(1)} s)`);
    if (withImatrix && type === 'IQ2_XXS' && workers > 1) {
      const mine = join(opt.work, 'page-IQ2_XXS-imatrix.gguf');
      writeFileSync(mine, got);
      const g = goldenCompare('ref.IQ2_XXS.imatrix.json', mine);
      check(g.ok, `${what} vs llama.cpp's ref.IQ2_XXS.imatrix.json: ${g.text}`);
      await page.screenshot({ path: join(opt.work, 'after-conversion.png'), fullPage: true });
    }
  }
  // An importance matrix picked through #imatrix for a folder without one: IQ2_XXS needs it, so it is offered only
  // after the pick; the output must equal the CLI's with --imatrix under the same name. Then a malformed one.
  {
    const dir = join(opt.work, 'no-imatrix', 'dev-llama-spm'), elsewhere = join(opt.work, 'elsewhere');
    mkdirSync(dir, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.model'])
      copyFileSync(join(opt.shared, 'models', 'dev-llama-spm', f), join(dir, f));
    copyFileSync(join(opt.shared, 'models', 'dev-llama-spm', 'imatrix.dat'), join(elsewhere, 'dev-llama.imatrix'));
    const expected = nativeConvert('dev-llama-spm', 'IQ2_XXS', 'dev-llama.imatrix', dir, elsewhere);
    await page.goto(`${server.url}?workers=2`);  // the sub-workers load the picked file, not a file of the folder
    await page.setInputFiles('#folder', dir);
    await settled(['planned', 'error']);
    const before = await page.evaluate(() => {
      const o = document.querySelector('#type option[value="IQ2_XXS"]');
      return { disabled: o.disabled, label: o.textContent, info: document.getElementById('imatrix-info').textContent };
    });
    check(before.disabled && /needs an importance matrix/.test(before.label) && /^none/.test(before.info),
          `picked: before the pick IQ2_XXS is "${before.label}", imatrix "${before.info}"`);
    await page.setInputFiles('#imatrix', join(elsewhere, 'dev-llama.imatrix'));
    await page.waitForFunction(() => !document.querySelector('#type option[value="IQ2_XXS"]').disabled &&
                                     !document.getElementById('imatrix').disabled);  // re-enabled when replanned
    const info = await page.textContent('#imatrix-info');
    check(await state() === 'planned' && await page.isChecked('#use-imatrix') &&
          info.startsWith('dev-llama.imatrix (picked): legacy format, 21 entries'), `picked: ${info}`);
    await page.selectOption('#type', 'IQ2_XXS');
    await page.click('#convert');
    await settled(['done', 'error']);
    check(await state() === 'done', `picked IQ2_XXS: done (${await page.textContent('#error')})`);
    if (await state() === 'done') {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
      const got = readFileSync(await download.path());
      const diff = firstDifference(got, expected);
      check(diff === -1, `picked IQ2_XXS: ${got.length} bytes from the page, ${expected.length} from the CLI with ` +
                         `--imatrix dev-llama.imatrix${diff === -1 ? ', identical' : `, first difference at byte ${diff}`}`);
    }
    // Malformed: cut short. The page must show exactly the CLI's one-line message and use no imatrix.
    writeFileSync(join(elsewhere, 'cut.imatrix'), readFileSync(join(elsewhere, 'dev-llama.imatrix')).subarray(0, 5000));
    const cli = spawnSync(opt.cli, ['convert', dir, '-t', 'Q4_K_M', '-o', join(opt.work, 'never.gguf'), '-q',
                                    '--imatrix', 'cut.imatrix'], { cwd: elsewhere, encoding: 'utf8' });
    const lines = cli.stderr.split('\n').filter((l) => l);
    const native = cli.status === 1 && lines.length === 1 && lines[0].startsWith(PREFIX) ? lines[0].slice(PREFIX.length) : null;
    await page.setInputFiles('#imatrix', join(elsewhere, 'cut.imatrix'));
    await settled(['error']);
    const text = await page.textContent('#error');
    check(native !== null && text === native && await page.evaluate(() =>
            document.querySelector('#type option[value="IQ2_XXS"]').disabled),
          `malformed imatrix: page "${text}", CLI "${cli.stderr.trim()}"`);
    await page.screenshot({ path: join(opt.work, 'imatrix-error.png'), fullPage: true });
    // Dropping one importance-matrix file onto the open model picks it, as #imatrix does.
    const b64 = readFileSync(join(elsewhere, 'dev-llama.imatrix')).toString('base64');
    await page.evaluate((data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'dropped.imatrix'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.waitForFunction(() => document.getElementById('imatrix-info').textContent.startsWith('dropped.imatrix') &&
                                     !document.getElementById('imatrix').disabled);  // re-enabled when replanned
    check(await state() === 'planned' && await page.isChecked('#use-imatrix') &&
          await page.evaluate(() => !document.querySelector('#type option[value="IQ2_XXS"]').disabled) &&
          await page.textContent('#folder-name') === 'dev-llama-spm: 3 file(s)',
          `dropped imatrix file: ${await page.textContent('#imatrix-info')} (${await page.textContent('#error')})`);
  }
  // Dropping files (here: the loose files of tinystories-656k, taken from the directory input) opens them as well.
  {
    await page.goto(server.url);
    await page.setInputFiles('#folder', join(opt.shared, 'models', 'tinystories-656k'));
    await settled(['planned', 'error']);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      for (const f of document.getElementById('folder').files) dt.items.add(f);
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => document.getElementById('folder-name').textContent.startsWith('model:'));
    await settled(['planned', 'error']);
    check(await state() === 'planned', `dropped files: ${await page.textContent('#folder-name')} planned ` +
                                       `(${await page.textContent('#error')})`);
  }
  // A converting sub-worker failing mid-conversion (a shard cut short on disk after the folder was opened, so the
  // read-ahead gets nothing and the sub-worker's own read fails): every worker stops, the core's one-line message is
  // shown, nothing is offered and the partial output is removed. The page's worker alone fails with the same line.
  {
    const src = join(opt.shared, 'models', 'dev-llama-spm');
    const messages = [];
    for (const workers of [2, 1, 0]) {
      const dir = copyModel(src, join(opt.work, `cut-${workers}`, 'dev-llama-spm'),
                            ['config.json', 'model.safetensors', 'tokenizer.model']);
      await openPlanned(`${server.url}?workers=${workers}`, dir, 'Q4_K_M');
      cutShort(dir, 2_000_000);
      await page.click('#convert');
      await settled(['done', 'error']);
      const text = await page.textContent('#error');
      const left = await page.evaluate(async () => {
        const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('ggufsmith-out', { create: true });
        const names = [];
        for await (const k of d.keys()) names.push(k);
        return names;
      });
      messages.push(text);
      check(await state() === 'error' && /^model\.safetensors: /.test(text) && !text.includes('\n') &&
            await page.isHidden('#save') && left.length === 0,
            `shard cut short, workers=${workers}: "${text}", output files left: [${left.join(', ')}]`);
    }
    check(messages.every((m) => m === messages[0]), 'shard cut short: the same message with 2, 1 and 0 workers');
  }
  // Convert to file…: the conversion writes straight into the file the user picks (here an OPFS file handed out by a
  // stand-in for showSaveFilePicker: the same FileSystemFileHandle.createWritable API), with nothing in
  // ggufsmith-out; a conversion that fails leaves the picked file as it was (empty).
  {
    await page.addInitScript(() => {
      window.showSaveFilePicker = async ({ suggestedName }) => {
        const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
        return d.getFileHandle(suggestedName, { create: true });
      };
    });
    const opfs = (dir) => page.evaluate(async (dir) => {
      const root = await navigator.storage.getDirectory();
      const d = await root.getDirectoryHandle(dir, { create: true });
      const files = {};
      for await (const [name, h] of d.entries()) {
        const buf = await (await h.getFile()).arrayBuffer();
        files[name] = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)),
                                 (b) => b.toString(16).padStart(2, '0')).join('') + ` ${buf.byteLength}`;
      }
      return files;
    }, dir);
    const clear = () => page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      for (const dir of ['picked', 'ggufsmith-out']) await root.removeEntry(dir, { recursive: true }).catch(() => {});
    });
    const model = 'tinystories-656k';
    // F16 by the page's worker alone (each chunk's output copied off the heap, then written), Q4_K_M with the
    // default converting workers.
    for (const [type, query] of [['F16', '?workers=0'], ['Q4_K_M', '']]) {
      await openPlanned(server.url + query, join(opt.shared, 'models', model), type, clear);
      await page.click('#convert-to');
      await settled(['done', 'error']);
      const expected = nativeConvert(model, type);
      const sha = createHash('sha256').update(expected).digest('hex') + ` ${expected.length}`;
      const name = `${model}-${type}.gguf`;
      const picked = await opfs('picked'), out = await opfs('ggufsmith-out');
      check(await state() === 'done' && picked[name] === sha && Object.keys(out).length === 0 &&
            await page.isHidden('#save') && (await page.textContent('#saved')) === `written to ${name}`,
            `convert to a picked file, ${type}${query}: ${JSON.stringify(picked)} (CLI ${sha}), ggufsmith-out ` +
            `${JSON.stringify(out)}, "${await page.textContent('#saved')}" ${await page.textContent('#error')}`);
    }
    const dir = copyModel(join(opt.shared, 'models', model), join(opt.work, 'cut-picked', model));
    await openPlanned(server.url, dir, 'Q4_K_M', clear);
    cutShort(dir, 1_000_000);
    await page.click('#convert-to');
    await settled(['done', 'error']);
    const picked = await opfs('picked');
    const text = await page.textContent('#error');
    check(await state() === 'error' && /^model\.safetensors: /.test(text) && Object.values(picked).every((v) => v.endsWith(' 0')),
          `convert to a picked file, shard cut short: "${text}", picked files ${JSON.stringify(picked)}`);
  }
  // Converting workers that never start (their script never loads, as Firefox ESR sometimes leaves nested workers):
  // after the start timeout the page's worker converts alone, and says so.
  {
    const stalling = await serve(opt.web, { hold: ['/converter.js'] });
    try {
      const expected = nativeConvert('tinystories-656k', 'Q4_K_M', null);
      await openPlanned(`${stalling.url}?workers=2&start-timeout-ms=3000`, join(opt.shared, 'models', 'tinystories-656k'),
                        'Q4_K_M');
      await page.click('#convert');
      await settled(['done', 'error']);
      const summary = await page.textContent('#progress-text');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
      const same = firstDifference(readFileSync(await download.path()), expected) === -1;
      check(same && summary.endsWith(', in one worker (2 more did not start in time), 100% read ahead)'),
            `converting workers that never start: ${summary}${same ? ', identical to the CLI' : ', DIFFERENT'}`);
    } finally {
      await stalling.close();
    }
  }
  // Cancel: clicked in the same task as Convert, so it always lands while the conversion is running.
  {
    await page.goto(`${server.url}?workers=2`);
    await page.setInputFiles('#folder', join(opt.shared, 'models', 'dev-llama-spm'));
    await settled(['planned', 'error']);
    await page.evaluate(() => { document.getElementById('convert').click(); document.getElementById('cancel').click(); });
    await page.waitForFunction(() => window.__states.includes('converting'));
    await settled(['planned', 'error']);
    check(await state() === 'planned' && await page.isHidden('#error') && await page.isHidden('#save'),
          `cancel: back to planned, no error (${await page.textContent('#error')})`);
  }
  for (const [dir, message] of badFolders()) {
    await page.goto(server.url);
    await page.setInputFiles('#folder', dir);
    await settled(['error', 'planned']);
    const text = await page.textContent('#error');
    check(await state() === 'error' && message.test(text), `bad folder ${dir.split('/').at(-1)}: ${text}`);
    if (dir.endsWith('lfs-pointer')) await page.screenshot({ path: join(opt.work, 'error.png') });
  }
  check(pageErrors.length === 0, `no uncaught page errors${pageErrors.length ? ': ' + pageErrors.join('; ') : ''}`);
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all browser checks passed');
