// Runs the page's wasm module (build/wasm/web/ggufsmith.js) under node with the same hooks the worker installs:
// gsRead fills a heap view from a file range, gsWrite receives heap views. Files are {name, size, read(offset, view)}
// so a test can also feed generated content that never exists on disk.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { readdirSync, statSync } from 'node:fs';

export async function loadModule(jsPath) {
  const create = createRequire(import.meta.url)(jsPath);
  const hooks = { files: [], write: () => 'no output is open', reads: 0, maxRead: 0 };
  const m = await create({
    gsRead(index, offset, view) {
      hooks.reads++;
      hooks.maxRead = Math.max(hooks.maxRead, view.length);
      return hooks.files[index].read(offset, view) || '';
    },
    gsWrite(view) { return hooks.write(view) || ''; },
  });
  const call = (fn, ...args) => JSON.parse(m[fn](...args));
  return {
    module: m, hooks,
    open(name, files) {
      hooks.files = files.slice();
      return call('openFolder', JSON.stringify({ name, files: files.map((f) => ({ name: f.name, size: f.size })) }));
    },
    // As the worker: a file of the open folder is read through its own handle, any other one is appended.
    loadImatrix(file) {
      let handle = hooks.files.indexOf(file);
      if (handle < 0) handle = hooks.files.push(file) - 1;
      return call('loadImatrix', JSON.stringify({ name: file.name, size: file.size, handle }));
    },
    clearImatrix: () => call('clearImatrix'),
    plan: (type) => call('plan', type),
    types: () => call('types'),
    convert(type, write) {
      hooks.write = write;
      try { return call('convert', type); } finally { hooks.write = () => 'no output is open'; }
    },
  };
}

// A directory's regular files (not recursive, as the page and the CLI) as readable file objects.
export function diskFolder(dir) {
  const files = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile()).sort().map((name) => {
    const fd = openSync(join(dir, name), 'r');
    return {
      name, size: fstatSync(fd).size, fd,
      read(offset, view) {
        const n = readSync(fd, view, 0, view.length, offset);
        return n === view.length ? '' : `short read ${n} of ${view.length}`;
      },
    };
  });
  return { name: basename(dir), files, close: () => files.forEach((f) => closeSync(f.fd)) };
}
