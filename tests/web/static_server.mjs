// A minimal static file server for the page under test: 127.0.0.1, a free port, correct MIME types (the browser
// only compiles .wasm streamed as application/wasm). hold: paths never answered (a script that never loads, as
// Firefox sometimes leaves a nested worker's).
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png',
};

export async function serve(root, { hold = [] } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (hold.includes(path)) return;
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    let size;
    try {
      if (!file.startsWith(normalize(root) + sep)) throw new Error('outside root');
      size = statSync(file).size;
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Content-Length': size,
                         'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }) };
}
