// The page in Firefox (Debian's firefox-esr, headless), driven over WebDriver BiDi with a few lines of our own:
// Playwright's Firefox support wants a newer Firefox than Debian's ESR (it fails on emulation commands ESR lacks),
// and BiDi cannot fill a directory input, so the model's files are fetched from the test server inside the page and
// dropped onto it as loose files (the page's drop path, folder name "model"). Each case converts through the page
// and compares the SHA-256 of the GGUF the page wrote into OPFS with the native CLI's output for a folder named
// "model". Covers what only a real browser shows: the worker, FileReaderSync, OPFS sync access handles, nested
// converting workers and the wasm module in Firefox.
// Usage: node --experimental-websocket firefox.test.mjs --web web --cli PATH --shared DIR --work DIR
//        [--firefox /usr/bin/firefox-esr]
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from './static_server.mjs';

const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  firefox: { type: 'string', default: '/usr/bin/firefox-esr' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) {
  if (!opt[k]) throw new Error(`--${k} is required`);
  opt[k] = resolve(opt[k]);
}
// [model, type, converting workers (?workers=N; 0: the page's worker alone)]
const CASES = [['tinystories-656k', 'F16', 0], ['tinystories-656k', 'Q4_K_M', 2], ['dev-llama-spm', 'Q4_K_M', 1],
               ['dev-llama-spm', 'IQ2_XXS', 2]];
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

rmSync(opt.work, { recursive: true, force: true });
mkdirSync(join(opt.work, 'site'), { recursive: true });
symlinkSync(opt.web, join(opt.work, 'site', 'app'));

// Firefox prints the BiDi endpoint on stderr once it listens.
function launchFirefox() {
  const profile = join(opt.work, 'profile');
  mkdirSync(profile, { recursive: true });
  const ff = spawn(opt.firefox, ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile,
                                 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolveUrl, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`firefox did not start a BiDi endpoint: ${err}`)), 60_000);
    ff.stderr.on('data', (d) => {
      err += d;
      const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (m) { clearTimeout(timer); resolveUrl({ ff, url: m[1] }); }
    });
    ff.on('exit', (code) => reject(new Error(`firefox exited (${code}): ${err}`)));
  });
}

// A BiDi session: send(method, params) resolves with the command's result or rejects with its error.
async function bidiSession(url) {
  const ws = new WebSocket(`${url}/session`);
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = () => fail(new Error(`cannot connect to ${url}`)); });
  let next = 0;
  const waiting = new Map();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    const w = waiting.get(msg.id);
    if (!w) return;  // events
    waiting.delete(msg.id);
    if (msg.type === 'error') w.fail(new Error(`${msg.error}: ${msg.message}`)); else w.ok(msg.result);
  };
  const send = (method, params) => new Promise((ok, fail) => {
    const id = ++next;
    waiting.set(id, { ok, fail });
    ws.send(JSON.stringify({ id, method, params }));
  });
  await send('session.new', { capabilities: {} });
  return { send, close: () => ws.close() };
}

const server = await serve(join(opt.work, 'site'));
const { ff, url } = await launchFirefox();
let session;
try {
  session = await bidiSession(url);
  const { contexts } = await session.send('browsingContext.getTree', {});
  const context = contexts[0].context;
  // Runs fn(arg) in the page (an async function's source) and returns its JSON-able result.
  const run = async (fn, arg) => {
    const r = await session.send('script.callFunction', {
      functionDeclaration: `async (arg) => JSON.stringify(await (${fn})(JSON.parse(arg)))`,
      arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }], awaitPromise: true, target: { context },
    });
    if (r.type === 'exception') throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return JSON.parse(r.result.value);
  };
  const version = await run(async () => navigator.userAgent);
  console.log(`firefox: ${version}`);
  for (const [model, type, workers] of CASES) {
    const what = `${model} ${type} workers=${workers}`;
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

    await session.send('browsingContext.navigate', { context, url: `${server.url}app/?workers=${workers}`, wait: 'complete' });
    const got = await run(async ({ names, type }) => {
      const state = () => document.body.dataset.state;
      const until = async (states) => {
        while (!states.includes(state())) await new Promise((r) => setTimeout(r, 50));
        return state();
      };
      const dt = new DataTransfer();
      for (const n of names) dt.items.add(new File([await (await fetch(`../model/${n}`)).blob()], n));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
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
    }, { names, type });
    const tail = workers === 0 ? ', in one worker)' : `, ${workers} converting worker${workers > 1 ? 's' : ''}, 100% read ahead)`;
    check(!got.error && got.hash === sha && got.bytes === expected.length && got.summary.endsWith(tail),
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
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all firefox checks passed');
