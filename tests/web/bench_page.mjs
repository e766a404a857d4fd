// The page's throughput in headless Chromium with 0 (the page's worker alone) and more converting workers
// (?workers=N), next to the native CLI at -j 1, on the same generated Llama model (BF16, written to disk once). The page's output must be identical to
// the CLI's. Source MB/s from the time between clicking #convert and state "done" (OPFS write included).
// Usage: node bench_page.mjs --web web --cli PATH --shared DIR --work DIR [--layers 4] [--types F16,Q4_K_M]
//        [--workers 0,1,2] [--repeat 1] [--chromium /usr/bin/chromium]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileReadSpeedInPage, nativeSeconds, pageResult, readLine } from './bench_common.mjs';
import { writeGeneratedLlama } from './generated_model.mjs';
import { serve } from './static_server.mjs';

const { values: opt } = parseArgs({ options: {
  web: { type: 'string' }, cli: { type: 'string' }, shared: { type: 'string' }, work: { type: 'string' },
  layers: { type: 'string', default: '4' }, types: { type: 'string', default: 'F16,Q4_K_M' },
  workers: { type: 'string', default: '0,1,2' }, repeat: { type: 'string', default: '1' },
  chromium: { type: 'string', default: '/usr/bin/chromium' },
} });
for (const k of ['web', 'cli', 'shared', 'work']) opt[k] = resolve(opt[k]);
const { chromium } = createRequire(new URL('../js/package.json', import.meta.url))('playwright-core');

const dir = join(opt.work, 'generated-llama');
rmSync(opt.work, { recursive: true, force: true });
const srcBytes = writeGeneratedLlama(dir, { layers: +opt.layers, hidden: 2048, intermediate: 5632, shared: opt.shared });
const server = await serve(opt.web);
const profile = mkdtempSync(join(opt.work, 'chromium-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium, headless: true, acceptDownloads: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await context.newPage();
let identical = true;
try {
  for (const type of opt.types.split(',')) {
    const nativeOut = join(opt.work, `native-${type}.gguf`);
    const nativeSecs = nativeSeconds(opt.cli, dir, type, nativeOut, +opt.repeat);
    const expected = readFileSync(nativeOut);
    const line = [`${type.padEnd(7)} native -j1 ${(srcBytes / 1e6 / nativeSecs).toFixed(1)} MB/s`];
    for (const workers of opt.workers.split(',').map(Number)) {
      let secs = Infinity, same = false;
      for (let i = 0; i < +opt.repeat; ++i) {
        await page.goto(`${server.url}?workers=${workers}`);
        await page.setInputFiles('#folder', dir);
        await page.waitForFunction(() => ['planned', 'error'].includes(document.body.dataset.state), null, { timeout: 0 });
        await page.selectOption('#type', type);
        await page.waitForFunction((t) => document.getElementById('plan').dataset.type === t, type);
        const t0 = performance.now();
        await page.click('#convert');
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 0 });
        secs = Math.min(secs, (performance.now() - t0) / 1000);
        if (await page.evaluate(() => document.body.dataset.state) !== 'done')
          throw new Error(`workers=${workers} ${type}: ${await page.textContent('#error')}`);
        if (i === 0) {
          const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
          same = readFileSync(await download.path()).equals(expected);
          await download.delete();
        }
      }
      identical &&= same;
      line.push(pageResult(workers, srcBytes, nativeSecs, secs, same));
    }
    console.log(line.join('   '));
    rmSync(nativeOut);
  }
  await page.goto(server.url);
  await page.setInputFiles('#folder', dir);
  console.log(readLine(await page.evaluate(fileReadSpeedInPage)));
} finally {
  await context.close();
  await server.close();
  rmSync(opt.work, { recursive: true, force: true });
}
console.log(`generated model: ${(srcBytes / 1e6).toFixed(0)} MB of BF16 safetensors (${opt.layers} layers)`);
process.exit(identical ? 0 : 1);
