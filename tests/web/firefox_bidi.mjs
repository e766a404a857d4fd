// A minimal WebDriver BiDi driver for Firefox (tests/web/firefox.test.mjs, tests/web/bench_firefox.mjs): starts a
// headless firefox-esr with its own profile, opens a session over node's WebSocket client (run node with
// --experimental-websocket), and runs functions in a page. Playwright's Firefox driver needs BiDi commands that
// Debian's ESR does not have.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

// Firefox prints the BiDi endpoint on stderr once it listens.
export function launchFirefox(binary, profile) {
  mkdirSync(profile, { recursive: true });
  const ff = spawn(binary, ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile,
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
export async function bidiSession(url) {
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

// Runs fn(arg) in the page (an async function's source) and returns its JSON-able result.
export function pageRunner(session, context) {
  return async (fn, arg) => {
    const r = await session.send('script.callFunction', {
      functionDeclaration: `async (arg) => JSON.stringify(await (${fn})(JSON.parse(arg)))`,
      arguments: [{ type: 'string', value: JSON.stringify(arg ?? null) }], awaitPromise: true, target: { context },
    });
    if (r.type === 'exception') throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return r.result.type === 'string' ? JSON.parse(r.result.value) : undefined;  // undefined: fn returned nothing
  };
}

// Chooses files on the page's <input type=file> matching selector, as a user picking them would (disk-backed File
// objects). Firefox's input.setFiles takes files only, not a directory.
export async function setInputFiles(session, context, selector, paths) {
  const { nodes } = await session.send('browsingContext.locateNodes', { context, locator: { type: 'css', value: selector } });
  if (!nodes.length) throw new Error(`no element ${selector}`);
  await session.send('input.setFiles', { context, element: { sharedId: nodes[0].sharedId }, files: paths });
}
