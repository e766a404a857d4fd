// The page in Firefox (Debian's firefox-esr, headless), driven over WebDriver BiDi with a few lines of our own:
// Playwright's Firefox support wants a newer Firefox than Debian's ESR (it fails on emulation commands ESR lacks),
// and BiDi cannot choose a directory, so the model folder's files are either chosen one by one on #folder or fetched
// from the test server inside the page and dropped onto it as loose files (folder name "model" either way). Each
// case converts through the page and compares the SHA-256 of the GGUF the page wrote into OPFS with the native
// CLI's output for a folder named "model". Covers what only a real browser shows: the worker, FileReaderSync, OPFS sync access handles, nested
// converting workers and the wasm module in Firefox.
// Usage: node --experimental-websocket firefox.test.mjs --web web --cli PATH --shared DIR --work DIR
//        [--firefox /usr/bin/firefox-esr]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bidiSession, launchFirefox, pageRunner, setInputFiles } from './firefox_bidi.mjs';
import { serve } from './static_server.mjs';

const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  firefox: { type: 'string', default: '/usr/bin/firefox-esr' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) {
  if (!opt[k]) throw new Error(`--${k} is required`);
  opt[k] = resolve(opt[k]);
}
// [model, type, converting workers (?workers=N; 0: the page's worker alone), how the files reach the page: 'input'
// (the folder's files chosen on #folder) or 'drop' (fetched by the page and dropped onto it)]
// With 2 converting workers nested in the page's worker, Firefox ESR 153 sometimes hung for good (about 1 run in
// 4-10 with a fresh browser: the page's worker stuck creating them); the page now starts them itself (0 hangs in 14
// runs of these cases). Should a converting worker still not start, the page's worker converts alone after START_MS;
// a case passes then if its done line says so, and the test prints how often it happened.
const START_MS = 20_000;
const CASES = [['tinystories-656k', 'F16', 0, 'input'], ['dev-llama-spm', 'Q4_K_M', 1, 'input'],
               ['dev-llama-spm', 'IQ2_XXS', 0, 'drop'], ['tinystories-656k', 'Q4_K_M', 2, 'drop'],
               ['dev-llama-spm', 'IQ2_XXS', 2, 'drop']];
let notStarted = 0;
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

rmSync(opt.work, { recursive: true, force: true });
mkdirSync(join(opt.work, 'site'), { recursive: true });
symlinkSync(opt.web, join(opt.work, 'site', 'app'));

const server = await serve(join(opt.work, 'site'));
const { ff, url } = await launchFirefox(opt.firefox, join(opt.work, 'profile'));
let session;
try {
  session = await bidiSession(url);
  const { contexts } = await session.send('browsingContext.getTree', {});
  const context = contexts[0].context;
  const run = pageRunner(session, context);
  const version = await run(async () => navigator.userAgent);
  console.log(`firefox: ${version}`);
  for (const [model, type, workers, how] of CASES) {
    const what = `${model} ${type} workers=${workers} (${how})`;
    // The CLI on a copy named like the page's dropped folder (general.name and the file name come from it).
    const dir = join(opt.work, 'site', 'model');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const names = readdirSync(join(opt.shared, 'models', model));
    for (const f of names) copyFileSync(join(opt.shared, 'models', model, f), join(dir, f));
    const out = join(opt.work, `native-${model}-${type}.gguf`);
    // The page uses a folder's imatrix.dat and records its bare name, as the CLI run from the folder does.
    const imatrix = names.includes('imatrix.dat') ? ['--imatrix', 'imatrix.dat'] : [];
    execFileSync(opt.cli, ['convert', dir, '-t', type, '-o', out, '-q', ...imatrix], { cwd: dir });
    const expected = readFileSync(out);
    const sha = createHash('sha256').update(expected).digest('hex');

    await session.send('browsingContext.navigate',
                       { context, url: `${server.url}app/?workers=${workers}&start-timeout-ms=${START_MS}`, wait: 'complete' });
    if (how === 'input') await setInputFiles(session, context, '#folder', names.map((n) => join(dir, n)));
    const got = await run(async ({ names, type, how }) => {
      const state = () => document.body.dataset.state;
      const deadline = performance.now() + 180_000;  // a stall ends as a failure naming where it stopped
      const until = async (states) => {
        while (!states.includes(state()) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (!states.includes(state())) document.getElementById('error').textContent =
          `timed out in state ${state()}: ${document.getElementById('progress-text').textContent}`;
        return state();
      };
      if (how === 'drop') {
        const dt = new DataTransfer();
        for (const n of names) dt.items.add(new File([await (await fetch(`../model/${n}`)).blob()], n));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
      if (await until(['planned', 'error']) !== 'planned') return { error: document.getElementById('error').textContent };
      const select = document.getElementById('type');
      select.value = type;
      select.dispatchEvent(new Event('change'));
      while (document.getElementById('plan').dataset.type !== type) await new Promise((r) => setTimeout(r, 50));
      document.getElementById('convert').click();
      if (await until(['done', 'error']) !== 'done') return { error: document.getElementById('error').textContent };
      const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('ggufsmith-out');
      const buf = await (await (await d.getFileHandle(`model-${type}.gguf`)).getFile()).arrayBuffer();
      const hash = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)),
                              (b) => b.toString(16).padStart(2, '0')).join('');
      return { hash, bytes: buf.byteLength, summary: document.getElementById('progress-text').textContent };
    }, { names, type, how });
    const tail = `, ${workers ? `${workers} converting worker${workers > 1 ? 's' : ''}` : 'in one worker'}, 100% read ahead)`;
    const alone = `, in one worker (${workers} more did not start in time), 100% read ahead)`;
    if (workers && got.summary && got.summary.endsWith(alone)) ++notStarted;
    check(!got.error && got.hash === sha && got.bytes === expected.length &&
          (got.summary.endsWith(tail) || (workers > 0 && got.summary.endsWith(alone))),
          `${what}: ${got.error || `${got.bytes} bytes from the page, ${expected.length} from the CLI, ` +
          `${got.hash === sha ? 'identical' : 'DIFFERENT'}; ${got.summary}`}`);
  }
  // Firefox has no showSaveFilePicker: no "Convert to file…", and the page says where the GGUF goes instead. A
  // folder without config.json ends in the core's message.
  await session.send('browsingContext.navigate', { context, url: `${server.url}app/`, wait: 'complete' });
  const page = await run(async () => {
    const dt = new DataTransfer();
    dt.items.add(new File([await (await fetch('../model/tokenizer.model')).blob()], 'tokenizer.model'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    while (!['planned', 'error'].includes(document.body.dataset.state)) await new Promise((r) => setTimeout(r, 50));
    const $ = (id) => document.getElementById(id);
    return { convertTo: !$('convert-to').hidden, notice: $('notice').hidden ? '' : $('notice').textContent,
             state: document.body.dataset.state, error: $('error').textContent };
  });
  check(!page.convertTo && /no "Save as" file picker/.test(page.notice),
        `no showSaveFilePicker: #convert-to hidden, notice "${page.notice}"`);
  check(page.state === 'error' && /config\.json/.test(page.error), `a folder without config.json: ${page.error}`);
} finally {
  if (session) session.close();
  ff.kill('SIGKILL');
  await server.close();
}
if (notStarted) console.log(`note: in ${notStarted} case(s) Firefox did not start the converting workers`);
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all firefox checks passed');
