// The page's throughput in headless Firefox (Debian's firefox-esr, over WebDriver BiDi: tests/web/firefox_bidi.mjs)
// next to the native CLI at -j 1, on a generated Llama model written to disk once (folder "model": the files are
// chosen on #folder one by one, as BiDi cannot choose a directory). The page's output must be identical to the
// CLI's. Source MB/s from the click on #convert to state "done" (OPFS write included), then what Firefox's
// File.slice() reads of the weights alone achieve (the ceiling of any page).
// Usage: node --experimental-websocket bench_firefox.mjs --web web --cli PATH --shared DIR --work DIR [--layers 4]
//        [--types F16,Q4_K_M] [--workers 0,1,2] [--repeat 1] [--firefox /usr/bin/firefox-esr]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileReadSpeedInPage, nativeSeconds, pageResult, readLine } from './bench_common.mjs';
import { bidiSession, launchFirefox, pageRunner, setInputFiles } from './firefox_bidi.mjs';
import { writeGeneratedLlama } from './generated_model.mjs';
import { serve } from './static_server.mjs';

const PIECE = 16 << 20;
const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  layers: { type: 'string', default: '4' }, types: { type: 'string', default: 'F16,Q4_K_M' },
  workers: { type: 'string', default: '0,1,2' }, repeat: { type: 'string', default: '1' },
  firefox: { type: 'string', default: '/usr/bin/firefox-esr' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) opt[k] = resolve(opt[k]);

rmSync(opt.work, { recursive: true, force: true });
const dir = join(opt.work, 'model');
const srcBytes = writeGeneratedLlama(dir, { layers: +opt.layers, hidden: 2048, intermediate: 5632, shared: opt.shared });
const paths = readdirSync(dir).map((n) => join(dir, n));
const server = await serve(opt.web);
const { ff, url } = await launchFirefox(opt.firefox, join(opt.work, 'profile'));
const session = await bidiSession(url);
let identical = true;
try {
  const { contexts } = await session.send('browsingContext.getTree', {});
  const context = contexts[0].context;
  const run = pageRunner(session, context);
  const open = async (query) => {
    await session.send('browsingContext.navigate', { context, url: `${server.url}${query}`, wait: 'complete' });
    await setInputFiles(session, context, '#folder', paths);
  };
  console.log(`firefox: ${await run(async () => navigator.userAgent)}`);
  for (const type of opt.types.split(',')) {
    const nativeOut = join(opt.work, `native-${type}.gguf`);
    const nativeSecs = nativeSeconds(opt.cli, dir, type, nativeOut, +opt.repeat);
    // SHA-256 of every 16 MiB of the CLI's output: the page checks its file piece by piece (bounded memory).
    const expected = readFileSync(nativeOut), hashes = [];
    for (let a = 0; a < expected.length; a += PIECE) hashes.push(createHash('sha256').update(expected.subarray(a, a + PIECE)).digest('hex'));
    const line = [`${type.padEnd(7)} native -j1 ${(srcBytes / 1e6 / nativeSecs).toFixed(1)} MB/s`];
    for (const workers of opt.workers.split(',').map(Number)) {
      let secs = Infinity, same = true;
      for (let i = 0; i < +opt.repeat; ++i) {
        await open(`?workers=${workers}`);
        const r = await run(async ({ type, hashes, piece }) => {
          const $ = (id) => document.getElementById(id);
          const deadline = performance.now() + 300_000;  // a stall ends the benchmark naming where it stopped
          const until = async (states) => {
            while (!states.includes(document.body.dataset.state) && performance.now() < deadline)
              await new Promise((ok) => setTimeout(ok, 20));
            if (!states.includes(document.body.dataset.state))
              $('error').textContent = `timed out in state ${document.body.dataset.state}: ${$('progress-text').textContent}`;
            return document.body.dataset.state;
          };
          if (await until(['planned', 'error']) !== 'planned') return { error: $('error').textContent };
          $('type').value = type;
          $('type').dispatchEvent(new Event('change'));
          while ($('plan').dataset.type !== type) await new Promise((ok) => setTimeout(ok, 20));
          const t0 = performance.now();
          $('convert').click();
          if (await until(['done', 'error']) !== 'done') return { error: $('error').textContent };
          const secs = (performance.now() - t0) / 1000;
          if (!hashes) return { secs };
          const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('ggufsmith-out');
          const file = await (await d.getFileHandle(`model-${type}.gguf`)).getFile();
          let same = file.size === (hashes.length - 1) * piece + (file.size % piece || piece);
          for (let k = 0; same && k < hashes.length; ++k) {
            const buf = await file.slice(k * piece, (k + 1) * piece).arrayBuffer();
            const got = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)),
                                   (b) => b.toString(16).padStart(2, '0')).join('');
            same = got === hashes[k];
          }
          return { secs, same };
        }, { type, hashes: i === 0 ? hashes : null, piece: PIECE });
        if (r.error) throw new Error(`workers=${workers} ${type}: ${r.error}`);
        secs = Math.min(secs, r.secs);
        if (i === 0) same = r.same;
      }
      identical &&= same;
      line.push(pageResult(workers, srcBytes, nativeSecs, secs, same));
    }
    console.log(line.join('   '));
    rmSync(nativeOut);
  }
  await open('');
  console.log(readLine(await run(fileReadSpeedInPage)));
} finally {
  session.close();
  ff.kill('SIGKILL');
  await server.close();
  rmSync(opt.work, { recursive: true, force: true });
}
console.log(`generated model: ${(srcBytes / 1e6).toFixed(0)} MB of BF16 safetensors (${opt.layers} layers)`);
process.exit(identical ? 0 : 1);
