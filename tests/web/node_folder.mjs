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
    // The page's path (web/worker.js + web/converter.js) in one thread, tensors in file order: layout, header, then
    // every source chunk with its bytes read ahead into the module (chunkReads + stage) before convertChunk. write
    // gets the file in order, zero padding included. Returns {heap_bytes, source_bytes, staged_bytes, js_bytes} or
    // {error}.
    convertChunked(type, write) {
      const r = { heap_bytes: 0, staged_bytes: 0, js_bytes: 0 };
      try {
        hooks.write = write;
        const layout = call('layout', type, 0);
        if (layout.error) return layout;
        r.source_bytes = layout.source_bytes;
        call('writeHeader');
        let pos = layout.header_bytes;
        hooks.write = (view) => { write(view); pos += view.length; };
        for (let i = 0; i < layout.tensors.length; ++i) {
          const t = layout.tensors[i];
          if (pos < t.offset) write(new Uint8Array(t.offset - pos)), pos = t.offset;
          let row = 0;
          do {
            for (const [handle, offset, bytes] of call('chunkReads', i, row).reads)
              hooks.files[handle].read(offset, m.stage(handle, offset, bytes));
            const c = call('convertChunk', i, row);
            if (c.error) return c;
            r.heap_bytes = Math.max(r.heap_bytes, c.heap_bytes);
            r.staged_bytes += c.staged_bytes;
            r.js_bytes += c.js_bytes;
            row = c.next_row;
          } while (row < t.rows);
        }
        if (pos < layout.file_bytes) write(new Uint8Array(layout.file_bytes - pos));
        return r;
      } finally {
        hooks.write = () => 'no output is open';
      }
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
