// Turns what the user gave (a directory input's FileList, or a drop of a folder / loose files) into the model
// folder the worker opens: {name, names, fileList}. Like the CLI, only the folder's own files count, not its
// subfolders (a clone's .git/, an original/ folder of other weights).

export function filesFromInput(list) {
  const all = Array.from(list);
  if (all.length === 0) return null;
  const rel = (f) => (f.webkitRelativePath || f.name).split('/');
  const name = rel(all[0]).length > 1 ? rel(all[0])[0] : 'model';
  const top = all.filter((f) => rel(f).length <= 2);
  return { name, names: top.map((f) => rel(f).at(-1)), fileList: top };
}

const entryFile = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));

async function directoryFiles(dir) {
  const reader = dir.createReader(), files = [];
  for (;;) {  // readEntries returns at most ~100 entries per call
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return files;
    for (const e of batch) if (e.isFile) files.push(await entryFile(e));
  }
}

export async function filesFromDrop(dataTransfer) {
  const entries = Array.from(dataTransfer.items || [])
    .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null)).filter(Boolean);
  const dirs = entries.filter((e) => e.isDirectory);
  if (dirs.length > 1) throw new Error('Drop one model folder at a time.');
  if (dirs.length === 1) {
    const fileList = await directoryFiles(dirs[0]);
    return { name: dirs[0].name, names: fileList.map((f) => f.name), fileList };
  }
  const fileList = Array.from(dataTransfer.files || []);
  return { name: 'model', names: fileList.map((f) => f.name), fileList };
}

// The importance matrix in a model folder, as llama-imatrix's output is usually named: `*.imatrix`, or a `.dat` /
// `.gguf` file whose name contains "imatrix" (imatrix.dat, imatrix.gguf, imatrix_unsloth.dat, model-imatrix.gguf).
// Model GGUFs do not match (their names do not say imatrix); a match that is no importance matrix after all is
// reported, not used. Several: the first by name. Returns its index in `names`, or -1.
export function findImatrix(names) {
  const isImatrix = (n) => {
    const l = n.toLowerCase();
    return l.endsWith('.imatrix') || (l.includes('imatrix') && (l.endsWith('.dat') || l.endsWith('.gguf')));
  };
  let best = -1;
  names.forEach((n, i) => { if (isImatrix(n) && (best < 0 || n < names[best])) best = i; });
  return best;
}
