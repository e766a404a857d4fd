// End-to-end test of the web page in headless Chromium (the system's /usr/bin/chromium, driven by playwright-core):
// select a model folder through #folder, convert with #type/#convert, download through #save, and require the
// bytes to equal the native CLI's output for the same type. Bad folders must end in state "error" with the core's
// message in #error.
// Usage: node browser.test.mjs --web DIR --cli PATH --shared DIR --work DIR [--chromium PATH]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { serve } from './static_server.mjs';

const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  chromium: { type: 'string', default: '/usr/bin/chromium' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) if (!opt[k]) throw new Error(`--${k} is required`);
// playwright-core is installed with the other npm test dependencies in tests/js (scripts/setup-js.sh).
const { chromium } = createRequire(new URL('../js/package.json', import.meta.url))('playwright-core');

const MODELS = ['tinystories-656k', 'dev-llama-spm'];
const TYPES = ['F16', 'Q4_K_M'];
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

rmSync(opt.work, { recursive: true, force: true });
mkdirSync(opt.work, { recursive: true });

function nativeConvert(model, type) {
  const out = join(opt.work, `native-${model}-${type}.gguf`);
  execFileSync(opt.cli, ['convert', join(opt.shared, 'models', model), '-t', type, '-o', out, '-q']);
  return readFileSync(out);
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

try {
  for (const model of MODELS) {
    for (const type of TYPES) {
      const expected = nativeConvert(model, type);
      await page.goto(server.url);
      await page.setInputFiles('#folder', join(opt.shared, 'models', model));
      await settled(['planned', 'error']);
      check(await state() === 'planned', `${model}: folder planned (${await page.textContent('#error')})`);
      await page.selectOption('#type', type);
      const t0 = Date.now();
      await page.click('#convert');
      await settled(['done', 'error']);
      const secs = (Date.now() - t0) / 1000;
      const s = await state();
      check(s === 'done', `${model} ${type}: conversion done (state ${s}: ${await page.textContent('#error')})`);
      if (s !== 'done') continue;
      const states = await page.evaluate(() => window.__states.join(' '));
      check(/idle.*planned.*converting.*done$/.test(states), `${model} ${type}: states ${states}`);
      const progress = await page.evaluate(() => window.__progress.filter((t) => /MB\/s, ETA/.test(t)).at(-1) || '');
      check(progress !== '', `${model} ${type}: progress shown: ${progress.replace('\n', ' / ')}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
      const got = readFileSync(await download.path());
      const diff = firstDifference(got, expected);
      check(diff === -1, `${model} ${type}: ${got.length} bytes from the page, ${expected.length} from the CLI` +
                         (diff === -1 ? ', identical' : `, first difference at byte ${diff}`) +
                         ` (${download.suggestedFilename()}, ${secs.toFixed(1)} s)`);
      if (model === MODELS.at(-1) && type === TYPES.at(-1))
        await page.screenshot({ path: join(opt.work, 'after-conversion.png'), fullPage: true });
    }
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
  // Cancel: clicked in the same task as Convert, so it always lands while the conversion is running.
  {
    await page.goto(server.url);
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
