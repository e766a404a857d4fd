// DOM rendering of the model summary and the plan table; no state.
const $ = (id) => document.getElementById(id);

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  do { n /= 1024; ++i; } while (n >= 1024 && i < units.length - 1);
  return `${n.toFixed(n < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatDuration(s) {
  if (!isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function typeLabel(t) {
  if (!t.executable) return `${t.name} — ${t.needs_imatrix && !t.imatrix ? 'needs an importance matrix' : 'not available'}`;
  return `${t.name} — ${formatBytes(t.file_bytes)}, ${t.bpw.toFixed(2)} bpw`;
}

export function renderModel(m) {
  $('model-title').textContent = `${m.name} (${m.arch}, ${m.size_label} parameters)`;
  const dtypes = Object.entries(m.dtypes).map(([d, v]) => `${d}: ${v.tensors} tensors, ${formatBytes(v.bytes)}`);
  const facts = [
    ['parameters', m.params.toLocaleString('en')],
    ['weights', `${m.tensors} tensors, ${formatBytes(m.source_bytes)} in ${m.shards} safetensors file(s)`],
    ['dtypes', dtypes.join('; ')],
    ['files', m.files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ')],
  ];
  $('model-facts').replaceChildren(...facts.flatMap(([k, v]) => {
    const dt = document.createElement('dt'), dd = document.createElement('dd');
    dt.textContent = k;
    dd.textContent = v;
    return [dt, dd];
  }));
}

export function renderPlan(plan) {
  const rows = plan.tensors.map((t) => {
    const tr = document.createElement('tr');
    const cells = [t.name, t.type, t.shape.join(' × '), t.bytes.toLocaleString('en'), t.why + (t.imatrix_weights ? ' (imatrix)' : t.imatrix ? ' (needs imatrix)' : '')];
    cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.textContent = c;
      if (i === 3) td.className = 'num';
      if (i === 4) td.className = 'why';
      tr.append(td);
    });
    return tr;
  });
  $('tensors').tBodies[0].replaceChildren(...rows);
  let summary = `${plan.tensors.length} tensors, ${formatBytes(plan.file_bytes)}, ${plan.bpw.toFixed(2)} bpw`;
  if (plan.fallbacks) summary += `, ${plan.fallbacks} fallback type(s)`;
  if (plan.imatrix) summary += `, importance matrix ${plan.imatrix.name} on ${plan.imatrix.tensors} tensor(s)`;
  if (!plan.executable) summary += ` — cannot convert: ${plan.not_executable_why}`;
  $('plan-count').textContent = summary;
}

// What the importance-matrix line says: the file in use and what it holds, or why none is.
export function imatrixText(choice, info, error) {
  if (info) {
    const where = choice && choice.index !== undefined ? 'from the folder' : 'picked';
    const facts = [`${info.format} format`, `${info.entries} entries`];
    if (info.chunks) facts.push(`${info.chunks} chunks`);
    if (info.datasets.length) facts.push(`dataset ${info.datasets.join(', ')}`);
    return `${info.name} (${where}): ${facts.join(', ')}`;
  }
  if (error) return `${choice ? choice.name : 'imatrix'} not used: ${error}`;
  if (choice) return `${choice.name} is not used`;
  return 'none: types marked "needs an importance matrix" (IQ1_S, IQ2_XXS, IQ2_XS, …) need one';
}
