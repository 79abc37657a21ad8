// migsim what-if explorer: plain JavaScript, no libraries, talking to the
// JSON API of `migsim serve`. The scenario being edited is one object in the
// TOML schema (`state.scn`), kept in the URL (#s=base64 JSON) so a view can
// be shared and reopened. Numbers, readings and checks come from the server.
'use strict';

const $ = (id) => document.getElementById(id);
const AUTO_MAX_N = 10000;
const COLORS = ['#1f5fa8', '#c1532b', '#2f8a4c', '#8a3fa0', '#9a7a12', '#11808a'];
const state = {
  studies: [], registry: {}, scn: null, runId: null, es: null,
  current: null, pinned: null, timer: null, changedAt: null, lastTiming: null,
};
window.migsim = state;

async function api(path, opts) {
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (_) { body = null; }
  if (!r.ok) throw new Error((body && body.error) || `${r.status} ${r.statusText}`);
  return body;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Four significant digits, as the effects table shows every number.
function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return String(Number(x.toPrecision(4)));
}

function flatten(obj, prefix, out) {
  out = out || {};
  for (const [k, v] of Object.entries(obj || {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

// ---- the scenario in the URL ----
function encodeScn(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  let bin = '';
  bytes.forEach((b) => { bin += String.fromCharCode(b); });
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function decodeScn(t) {
  const bin = atob(t.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
function saveUrl() {
  history.replaceState(null, '', `${location.pathname}#s=${encodeScn(state.scn)}`);
}

// ---- scenarios ----
function normalise(s) {
  s.intervention = (s.intervention || []).map((iv) => ({
    ...iv, set: flatten(iv.set), scale: flatten(iv.scale),
  }));
  return s;
}
function defaults(study) {
  return {
    name: `${study}-what-if`, study, replications: 10, seed: 1,
    intervention: [{ name: 'policy', set: {}, scale: {} }],
  };
}
function numericSettings() {
  return (state.registry[state.scn.study] || []).filter((s) => s.value !== null);
}
function setting(key) {
  return (state.registry[state.scn.study] || []).find((s) => s.key === key);
}
function admits(s, x) {
  if (!Number.isFinite(x)) return false;
  if (s.lower !== null && (s.lower_open ? x <= s.lower : x < s.lower)) return false;
  return !(s.upper !== null && x > s.upper);
}
function sliderRange(s, kind) {
  if (kind === 'scale') return [0, 3];
  const d = s.value;
  const lo = s.lower !== null ? s.lower : (d < 0 ? 2 * d : 0);
  const hi = s.upper !== null ? s.upper : Math.max(2 * Math.abs(d), lo + 1);
  return [lo, hi];
}

// What is sent: empty optional fields left out.
function scenarioBody() {
  const s = JSON.parse(JSON.stringify(state.scn));
  for (const k of ['n', 'horizon']) if (s[k] === null || s[k] === '' || s[k] === undefined) delete s[k];
  s.intervention = s.intervention.map((iv) => {
    const out = { ...iv };
    if (!Object.keys(out.set || {}).length) delete out.set;
    if (!Object.keys(out.scale || {}).length) delete out.scale;
    return out;
  });
  if (!s.intervention.length) delete s.intervention;
  return s;
}

async function loadRegistry(study) {
  if (!state.registry[study]) state.registry[study] = await api(`/api/studies/${study}/settings`);
}

async function setStudy(study, scn) {
  await loadRegistry(study);
  state.scn = normalise(scn || defaults(study));
  const start = $('start');
  start.replaceChildren(el('option', { value: '', text: 'the study defaults' }));
  const info = state.studies.find((s) => s.name === study) || { scenarios: [] };
  for (const n of info.scenarios) start.append(el('option', { value: n, text: n }));
  $('study').value = study;
  render();
}

// ---- the form ----
function render(focusId) {
  const s = state.scn;
  $('scn-name').value = s.name || '';
  $('scn-n').value = s.n ?? '';
  $('scn-n').placeholder = "paper's N";
  $('scn-reps').value = s.replications ?? '';
  $('scn-seed').value = s.seed ?? '';
  $('scn-horizon').value = s.horizon ?? '';
  const box = $('interventions');
  box.replaceChildren();
  s.intervention.forEach((iv, i) => box.append(interventionBox(iv, i)));
  if (s.sweep) box.append(el('p', { class: 'muted', text: `This scenario also sweeps ${s.sweep.key} over ${s.sweep.values.join(', ')}.` }));
  if (s.uncertainty) box.append(el('p', { class: 'muted', text: 'This scenario has [uncertainty]: effects get total intervals (parameter draws).' }));
  saveUrl();
  if (focusId && $(focusId)) $(focusId).focus();
}

function interventionBox(iv, i) {
  const f = $('intervention-tpl').content.firstElementChild.cloneNode(true);
  f.querySelector('legend').textContent = `Intervention ${i + 1}`;
  const name = f.querySelector('.iv-name');
  name.id = `iv-${i}-name`;
  f.querySelector('label').htmlFor = name.id;
  name.value = iv.name;
  name.addEventListener('change', () => { iv.name = name.value; changed(); });
  const rm = f.querySelector('.iv-remove');
  rm.id = `iv-${i}-remove`;
  rm.setAttribute('aria-label', `Remove intervention ${iv.name}`);
  rm.addEventListener('click', () => { state.scn.intervention.splice(i, 1); render('add-intervention'); changed(); });
  const list = f.querySelector('.settings');
  let j = 0;
  for (const kind of ['set', 'scale']) {
    for (const key of Object.keys(iv[kind])) list.append(settingRow(iv, i, j++, kind, key));
  }
  const add = f.querySelector('.iv-add');
  add.id = `iv-${i}-add`;
  add.setAttribute('aria-label', `Add a setting to intervention ${iv.name}`);
  add.addEventListener('click', () => {
    const used = new Set(Object.keys(iv.set));
    const s = numericSettings().find((x) => x.key.startsWith('policy.') && !used.has(x.key)) || numericSettings()[0];
    if (!s) return;
    iv.set[s.key] = s.value;
    render(`iv-${i}-s-${Object.keys(iv.set).length - 1}-key`);
    changed();
  });
  return f;
}

function settingRow(iv, i, j, kind, key) {
  const id = `iv-${i}-s-${j}`;
  const s = setting(key);
  const value = iv[kind][key];
  const kindSel = el('select', { id: `${id}-kind`, onchange: () => {
    delete iv[kind][key];
    const k2 = kindSel.value;
    iv[k2][key] = k2 === 'scale' ? 1 : (s ? s.value : value);
    render(`${id}-kind`); changed();
  } }, el('option', { value: 'set', text: 'set to' }), el('option', { value: 'scale', text: 'scale by' }));
  kindSel.value = kind;
  const keySel = el('select', { id: `${id}-key`, class: 'key', onchange: () => {
    delete iv[kind][key];
    const s2 = setting(keySel.value);
    iv[kind][keySel.value] = kind === 'scale' ? value : s2.value;
    render(`${id}-key`); changed();
  } });
  for (const x of numericSettings()) keySel.append(el('option', { value: x.key, text: x.key }));
  if (!s) keySel.append(el('option', { value: key, text: `${key} (not a setting)` }));
  keySel.value = key;
  const [lo, hi] = s ? sliderRange(s, kind) : [0, 1];
  const slider = el('input', {
    id: `${id}-slider`, type: 'range', min: lo, max: hi, step: (hi - lo) / 200,
    value, 'aria-label': `${key}: slider`,
  });
  const num = el('input', { id: `${id}-value`, class: 'val', type: 'number', step: 'any', value });
  const check = () => {
    const x = Number(num.value);
    const bad = s && kind === 'set' ? !admits(s, x) : !Number.isFinite(x);
    num.setAttribute('aria-invalid', bad ? 'true' : 'false');
  };
  slider.addEventListener('input', () => { num.value = slider.value; iv[kind][key] = Number(slider.value); check(); state.changedAt = performance.now(); saveUrl(); });
  slider.addEventListener('change', () => changed(true));
  num.addEventListener('change', () => {
    iv[kind][key] = Number(num.value);
    slider.value = num.value; check(); state.changedAt = performance.now(); changed(true);
  });
  check();
  const remove = el('button', { type: 'button', id: `${id}-remove`, 'aria-label': `Remove setting ${key}`, text: '×', onclick: () => {
    delete iv[kind][key]; render(`iv-${i}-add`); changed();
  } });
  const unit = s && s.unit ? s.unit : 'no unit';
  const hint = kind === 'scale'
    ? `factor on the baseline value (${s ? s.default : '?'}); the result must lie in ${s ? s.bounds : '?'}`
    : `${unit}; bounds ${s ? s.bounds : '?'}; default ${s ? s.default : '?'}`;
  return el('div', { class: 'setting' },
    el('div', { class: 'row' },
      el('label', { for: `${id}-key`, text: 'Setting' }), keySel, remove),
    el('div', { class: 'row' },
      el('label', { for: `${id}-kind`, text: 'Change' }), kindSel,
      el('label', { for: `${id}-value`, class: 'sr', text: 'Value' }), num, slider),
    el('p', { class: 'hint', id: `${id}-hint`, text: hint }),
    el('p', { class: 'meaning', text: s ? s.meaning : '' }));
}

function changed(valueOnly) {
  if (!valueOnly) state.changedAt = performance.now();
  saveUrl();
  if (!$('autorun').checked || autoTooBig()) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(run, 150);
}
function autoTooBig() {
  const n = state.scn.n;
  return n !== undefined && n !== null && n !== '' && Number(n) > AUTO_MAX_N;
}

// ---- runs ----
function showError(msg) {
  const e = $('error');
  e.textContent = msg;
  e.hidden = !msg;
}

async function run() {
  showError('');
  const started = state.changedAt || performance.now();
  const prev = state.runId;
  let id;
  try {
    ({ id } = await api('/api/runs', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(scenarioBody()),
    }));
  } catch (e) {
    showError(e.message);
    $('status').textContent = 'refused';
    return;
  }
  if (prev && prev !== id && !$('cancel').disabled) fetch(`/api/runs/${prev}`, { method: 'DELETE' }).catch(() => {});
  state.runId = id;
  $('cancel').disabled = false;
  follow(id, started);
}

function follow(id, started) {
  if (state.es) state.es.close();
  const es = new EventSource(`/api/runs/${id}/events`);
  state.es = es;
  es.addEventListener('progress', async (ev) => {
    if (id !== state.runId) { es.close(); return; }
    const p = JSON.parse(ev.data);
    $('progress').value = p.progress;
    const eta = p.eta_s !== null ? `, about ${p.eta_s.toFixed(1)} s left` : '';
    $('status').textContent = `${p.status} ${Math.round(100 * p.progress)}%${eta}`;
    if (!['done', 'failed', 'cancelled'].includes(p.status)) return;
    es.close();
    $('cancel').disabled = true;
    const v = await api(`/api/runs/${id}`);
    if (v.status === 'done') {
      await show(v);
      state.lastTiming = (performance.now() - started) / 1000;
      $('status').textContent = `done: ${state.lastTiming.toFixed(2)} s from the change to the chart`;
    } else {
      showError(`Run ${v.status}: ${v.error}`);
    }
  });
  es.onerror = () => { es.close(); };
}

async function cancel() {
  if (!state.runId) return;
  try { await api(`/api/runs/${state.runId}`, { method: 'DELETE' }); } catch (e) { showError(e.message); }
}

// ---- results ----
async function show(v) {
  let paths = [];
  try {
    const r = await fetch(`/api/runs/${v.id}/files/paths.csv`);
    if (r.ok) paths = parseCsv(await r.text());
  } catch (_) { paths = []; }
  state.current = { view: v, paths };
  renderPanel($('current'), state.current, 'This run');
  $('pin').disabled = false;
}

function parseCsv(text) {
  const lines = text.trim().split('\n');
  const head = lines.shift().split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    const row = {};
    head.forEach((h, i) => { row[h] = cells[i]; });
    return row;
  });
}

function renderPanel(box, run, title) {
  const v = run.view;
  const s = v.summary;
  const files = v.files.map((f) => el('a', { href: `/api/runs/${v.id}/files/${f}`, download: f, text: f }));
  const total = s.effects.some((e) => e.ci_total_low !== null && e.ci_total_low !== undefined);
  const table = el('table', { class: 'effects' },
    el('thead', {}, el('tr', {}, ...['metric', 'intervention', 'baseline', 'counterfactual', 'effect', '95% CI']
      .concat(total ? ['95% incl. parameters'] : []).map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  for (const e of s.effects) {
    const cells = [e.metric, e.intervention, fmt(e.baseline_mean), fmt(e.counterfactual_mean)];
    const tr = el('tr', {}, ...cells.map((c) => el('td', { text: c })),
      el('td', { class: 'effect', 'data-metric': e.metric, 'data-intervention': e.intervention, text: fmt(e.estimate) }),
      el('td', { text: `${fmt(e.ci_low)} to ${fmt(e.ci_high)}` }),
      total ? el('td', { text: `${fmt(e.ci_total_low)} to ${fmt(e.ci_total_high)}` }) : null);
    body.append(tr);
  }
  table.append(body);
  const charts = el('div', { class: 'charts' });
  for (const m of s.metrics) charts.append(effectChart(s.effects.filter((e) => e.metric === m), m));
  const metricSel = el('select', { id: `${box.id}-metric` });
  const pathMetrics = [...new Set(run.paths.map((r) => r.metric))];
  for (const m of pathMetrics) metricSel.append(el('option', { value: m, text: m }));
  const levels = el('div', { class: 'levels' });
  const drawLevels = () => levels.replaceChildren(levelChart(run.paths.filter((r) => r.metric === metricSel.value), metricSel.value, s.horizon_unit));
  metricSel.addEventListener('change', drawLevels);
  box.replaceChildren(
    el('h2', { text: `${title}: ${s.scenario}` }),
    el('p', { class: 'muted', text: `${s.study}, N = ${s.n ?? "paper's N"}, ${s.replications} replications, seed ${s.seed} · run ${v.id}` }),
    el('h3', { text: `Effects with 95% intervals${total ? ' (thin: including parameter uncertainty)' : ''}` }),
    charts, table,
    el('h3', { text: 'Readings' }),
    el('ul', { class: 'readings' }, ...v.readings.map((r) => el('li', { text: r }))),
    pathMetrics.length ? el('h3', { text: 'Levels over time' }) : null,
    pathMetrics.length ? el('div', { class: 'row' }, el('label', { for: metricSel.id, text: 'Metric' }), metricSel) : null,
    levels,
    ...s.warnings.map((w) => el('p', { class: 'muted', text: `warning: ${w}` })),
    el('p', { class: 'downloads' }, 'Download: ', ...files));
  if (pathMetrics.length) drawLevels();
}

function effectChart(effects, metric) {
  const W = 560; const L = 150; const R = 20; const row = 26; const H = 34 + row * Math.max(effects.length, 1);
  const xs = effects.flatMap((e) => [e.ci_low, e.ci_high, e.ci_total_low, e.ci_total_high, 0]).filter(Number.isFinite);
  let lo = Math.min(...xs); let hi = Math.max(...xs);
  if (!(hi > lo)) { lo -= 1e-9; hi += 1e-9; }
  const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
  const x = (v) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `Effects on ${metric}` });
  g.append(svg('text', { x: 4, y: 13, 'font-weight': 600 }, `${metric}: effect (intervention minus baseline)`));
  g.append(svg('line', { x1: x(0), x2: x(0), y1: 20, y2: H - 14, stroke: '#888', 'stroke-dasharray': '3 3' }));
  for (let t = 0; t <= 2; t++) {
    const v = lo + (t / 2) * (hi - lo);
    g.append(svg('text', { x: x(v), y: H - 2, 'text-anchor': 'middle' }, fmt(v)));
  }
  effects.forEach((e, i) => {
    const y = 30 + i * row;
    const c = COLORS[i % COLORS.length];
    g.append(svg('text', { x: L - 8, y: y + 4, 'text-anchor': 'end' }, e.intervention));
    if (Number.isFinite(e.ci_total_low)) {
      g.append(svg('line', { x1: x(e.ci_total_low), x2: x(e.ci_total_high), y1: y + 7, y2: y + 7, stroke: c, 'stroke-width': 1.5 }));
    }
    g.append(svg('line', { x1: x(e.ci_low), x2: x(e.ci_high), y1: y, y2: y, stroke: c, 'stroke-width': 4 }));
    g.append(svg('circle', { cx: x(e.estimate), cy: y, r: 5, fill: '#fff', stroke: c, 'stroke-width': 2 }));
  });
  return g;
}

function levelChart(rows, metric, unit) {
  const W = 560; const H = 220; const L = 56; const B = 30; const T = 10; const R = 120;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': `Levels of ${metric} over time` });
  if (!rows.length) return g;
  const num = (r, k) => Number(r[k]);
  const ts = rows.map((r) => num(r, 'time'));
  const ys = rows.flatMap((r) => [num(r, 'ci_low'), num(r, 'ci_high')]).filter(Number.isFinite);
  const [t0, t1] = [Math.min(...ts), Math.max(...ts)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) { y0 -= 1e-9; y1 += 1e-9; }
  const x = (t) => L + ((t - t0) / (t1 - t0 || 1)) * (W - L - R);
  const y = (v) => H - B - ((v - y0) / (y1 - y0)) * (H - B - T);
  for (let k = 0; k <= 4; k++) {
    const v = y0 + (k / 4) * (y1 - y0);
    g.append(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)));
    const t = t0 + (k / 4) * (t1 - t0);
    g.append(svg('text', { x: x(t), y: H - 12, 'text-anchor': 'middle' }, fmt(t)));
  }
  g.append(svg('text', { x: (L + W - R) / 2, y: H - 1, 'text-anchor': 'middle' }, unit || 'time'));
  const arms = [...new Set(rows.map((r) => r.arm))];
  arms.forEach((arm, i) => {
    const c = COLORS[i % COLORS.length];
    const rs = rows.filter((r) => r.arm === arm);
    const band = rs.map((r) => `${x(num(r, 'time'))},${y(num(r, 'ci_high'))}`)
      .concat(rs.slice().reverse().map((r) => `${x(num(r, 'time'))},${y(num(r, 'ci_low'))}`));
    g.append(svg('polygon', { points: band.join(' '), fill: c, 'fill-opacity': 0.15 }));
    g.append(svg('polyline', { points: rs.map((r) => `${x(num(r, 'time'))},${y(num(r, 'mean'))}`).join(' '), fill: 'none', stroke: c, 'stroke-width': 2 }));
    g.append(svg('text', { x: W - R + 6, y: T + 12 + 14 * i, fill: c }, arm));
  });
  return g;
}

// ---- wiring ----
function bindScenarioFields() {
  const num = (v) => (v === '' ? undefined : Number(v));
  $('scn-name').addEventListener('change', (e) => { state.scn.name = e.target.value; changed(); });
  $('scn-n').addEventListener('change', (e) => { state.scn.n = num(e.target.value); changed(); });
  $('scn-reps').addEventListener('change', (e) => { state.scn.replications = num(e.target.value); changed(); });
  $('scn-seed').addEventListener('change', (e) => { state.scn.seed = num(e.target.value); changed(); });
  $('scn-horizon').addEventListener('change', (e) => { state.scn.horizon = num(e.target.value); changed(); });
  $('study').addEventListener('change', (e) => setStudy(e.target.value).then(() => changed()));
  $('start').addEventListener('change', async (e) => {
    const name = e.target.value;
    const scn = name ? await api(`/api/scenarios/${name}`) : defaults(state.scn.study);
    await setStudy(scn.study, scn);
    $('start').value = name;
    changed();
  });
  $('add-intervention').addEventListener('click', () => {
    const k = state.scn.intervention.length + 1;
    state.scn.intervention.push({ name: `policy-${k}`, set: {}, scale: {} });
    render(`iv-${k - 1}-name`);
    changed();
  });
  $('run').addEventListener('click', () => { state.changedAt = performance.now(); run(); });
  $('cancel').addEventListener('click', cancel);
  $('copy-link').addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText(location.href));
  $('pin').addEventListener('click', () => {
    state.pinned = state.current;
    const p = $('pinned');
    renderPanel(p, state.pinned, 'Kept run');
    p.hidden = false;
    $('panels').classList.add('two');
    $('unpin').hidden = false;
  });
  $('unpin').addEventListener('click', () => {
    state.pinned = null;
    $('pinned').hidden = true;
    $('panels').classList.remove('two');
    $('unpin').hidden = true;
  });
}

async function init() {
  bindScenarioFields();
  try {
    state.studies = await api('/api/studies');
    for (const s of state.studies) $('study').append(el('option', { value: s.name, text: s.name }));
    let scn = null;
    const m = location.hash.match(/^#s=([A-Za-z0-9_-]+)/);
    if (m) {
      try { scn = decodeScn(m[1]); } catch (_) { showError('The scenario in the link could not be read; starting from the defaults.'); }
    }
    await setStudy(scn ? scn.study : 'enclave', scn);
  } catch (e) {
    showError(e.message);
  }
  document.body.dataset.ready = 'true';
}

init();
