// whatif.js - the What-if view: build scenarios (a facilitator with
// credentials, a room, group sizes, referrals), run them with the
// baseline as a job (POST /v1/whatif?async=true), compare side by side
// with charts, and the marginal-value ranking.

import { h, clear, table, fmtNum, fmtMoney, signed } from './dom.js';
import { post, waitJob, can } from './api.js';
import { barChart } from './charts.js';
import { state, typeName, onProgram } from './state.js';

const OPS = [['add_facilitator', 'add a facilitator'], ['add_room', 'add a room'],
  ['set_type_size', 'change a group type\'s size caps'], ['add_referrals', 'add referrals']];
let scenarios = [];                 // [{name, changes}]
let draft = { name: '', changes: [] };
let op = 'add_facilitator';
let opts = { time_limit_s: 10, marginal: false };
let job = null, report = null;

export function render(sec, ctx) {
  onProgram('whatif', () => { scenarios = []; draft = { name: '', changes: [] }; job = null; report = null; });
  clear(sec, h('h2#whatif-h', null, 'What-if'));
  if (!can(state.role, 'coordinator')) {
    sec.append(h('p', null, 'Running what-if scenarios needs a coordinator.'));
    return;
  }
  sec.append(h('div.whatif-build.noprint', null, builder(sec, ctx), runner(sec, ctx)));
  if (report) sec.append(comparison(report));
}

const credentials = () => [...new Set([...(state.inst.facilitators || []).flatMap((f) => f.credentials || []),
  ...(state.inst.group_types || []).flatMap((t) => [...(t.required_credentials || []), ...(t.cofacilitator_credentials || [])])])].sort();

// The form for one change of the operation chosen; returns the change or throws.
function opFields() {
  const inst = state.inst;
  const facs = inst.facilitators || [], rooms = inst.rooms || [], types = inst.group_types || [];
  const num = (id, label, value, min, max) => [h('label', { for: id }, label), h('input', { id, type: 'number', value, min, max, required: true })];
  const pick = (id, label, items) => [h('label', { for: id }, label), h('select', { id }, items.map(([v, l]) => h('option', { value: v }, l)))];
  if (op === 'add_facilitator') return h('div.row', null,
    h('label', { for: 'wf-name' }, 'Name'), h('input#wf-name', { type: 'text', value: 'New hire', required: true }),
    h('fieldset.creds', null, h('legend', null, 'Credentials'),
      credentials().map((c) => h('span.chk', null, h('input', { type: 'checkbox', id: 'wf-c-' + c, value: c }), h('label', { for: 'wf-c-' + c }, c)))),
    pick('wf-like', 'Available like', facs.map((f) => [f.id, f.name])));
  if (op === 'add_room') return h('div.row', null,
    num('wf-cap', 'Capacity', 10, 1, 100),
    pick('wf-like', 'Open and equipped like', rooms.map((r) => [r.id, `${r.id} (${r.capacity} seats${(r.features || []).length ? ', ' + r.features.join(', ') : ''})`])));
  if (op === 'set_type_size') return h('div.row', { on: { change: (e) => {
    // a new type: start from its current caps
    if (e.target.id !== 'wf-type') return;
    const t = types.find((x) => x.id === e.target.value);
    document.getElementById('wf-min').value = t.min_size;
    document.getElementById('wf-max').value = t.max_size;
  } } },
    pick('wf-type', 'Group type', types.map((t) => [t.id, t.name])),
    num('wf-min', 'Minimum size', types[0] ? types[0].min_size : 2, 1, 100),
    num('wf-max', 'Maximum size', types[0] ? types[0].max_size : 10, 1, 100));
  return h('div.row', null,
    pick('wf-type', 'Referred to', types.map((t) => [t.id, t.name])),
    num('wf-count', 'How many', 10, 1, 1000));
}

function readChange() {
  const v = (id) => document.getElementById(id).value;
  const inst = state.inst;
  const n = scenarios.length + draft.changes.length + 1;
  if (op === 'add_facilitator') {
    const like = inst.facilitators.find((f) => f.id === v('wf-like'));
    const creds = [...document.querySelectorAll('.creds input:checked')].map((c) => c.value);
    if (!creds.length) throw new Error('choose at least one credential');
    return { op, facilitator: { id: `new-fac-${n}`, name: v('wf-name'), credentials: creds, available: like.available },
      text: `add ${v('wf-name')} (${creds.join(', ')}), available like ${like.name}` };
  }
  if (op === 'add_room') {
    const like = inst.rooms.find((r) => r.id === v('wf-like'));
    const room = { ...like, id: `new-room-${n}`, capacity: Number(v('wf-cap')) };
    return { op, room, text: `add a ${room.capacity}-seat room like ${like.id}` };
  }
  if (op === 'set_type_size')
    return { op, type: v('wf-type'), min_size: Number(v('wf-min')), max_size: Number(v('wf-max')),
      text: `${typeName(v('wf-type'))}: sizes ${v('wf-min')}–${v('wf-max')}` };
  return { op, type: v('wf-type'), count: Number(v('wf-count')), seed: 7,
    text: `${v('wf-count')} more referrals to ${typeName(v('wf-type'))}` };
}

function builder(sec, ctx) {
  const again = (focus) => { render(sec, ctx); if (focus) document.getElementById(focus).focus(); };
  return h('div.card', null,
    h('h3', null, 'Build a scenario'),
    h('form', { on: { submit: (e) => { e.preventDefault(); try { draft.changes.push(readChange()); again('wf-op'); } catch (err) { ctx.notify(err.message, 'error'); } } } },
      h('div.row', null, h('label', { for: 'wf-op' }, 'Change'),
        h('select#wf-op', { on: { change: (e) => { op = e.target.value; again('wf-op'); } } }, OPS.map(([v, l]) => h('option', { value: v, selected: op === v }, l)))),
      opFields(),
      h('button', { type: 'submit' }, 'Add this change')),
    draft.changes.length ? h('ol.changes', null, draft.changes.map((c, i) => h('li', null, c.text, ' ',
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove change ${i + 1}`, on: { click: () => { draft.changes.splice(i, 1); again(); } } }, 'remove')))) : h('p.hint', null, 'No change yet.'),
    h('form', { on: { submit: (e) => {
      e.preventDefault();
      const name = document.getElementById('wf-sname').value.trim();
      if (!draft.changes.length) { ctx.notify('Add at least one change first.', 'error'); return; }
      if (!name || name === 'baseline' || scenarios.some((s) => s.name === name)) { ctx.notify('Give the scenario a new name (not "baseline").', 'error'); return; }
      scenarios.push({ name, changes: draft.changes });
      draft = { name: '', changes: [] };
      again('wf-sname');
    } } },
    h('div.row', null, h('label', { for: 'wf-sname' }, 'Scenario name'), h('input#wf-sname', { type: 'text', required: true }),
      h('button', { type: 'submit' }, 'Save scenario'))));
}

function runner(sec, ctx) {
  const busy = job && (job.status === 'queued' || job.status === 'running');
  return h('div.card', null,
    h('h3', null, `Scenarios (${scenarios.length})`),
    scenarios.length ? h('ul.scenarios', null, scenarios.map((s, i) => h('li', null, h('strong', null, s.name), ': ',
      s.changes.map((c) => c.text).join('; '), ' ',
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove scenario ${s.name}`, on: { click: () => { scenarios.splice(i, 1); render(sec, ctx); } } }, 'remove'))))
      : h('p.hint', null, 'Save a scenario, or only ask for the marginal values.'),
    h('form', { on: { submit: (e) => { e.preventDefault(); run(sec, ctx); } } },
      h('div.row', null,
        h('label', { for: 'wf-tl' }, 'Time limit per plan (s)'),
        h('input#wf-tl', { type: 'number', min: 1, max: 600, value: opts.time_limit_s, on: { change: (e) => { opts.time_limit_s = Number(e.target.value); } } }),
        h('span.chk', null,
          h('input#wf-marg', { type: 'checkbox', checked: opts.marginal, on: { change: (e) => { opts.marginal = e.target.checked; } } }),
          h('label', { for: 'wf-marg' }, ' also rank one more of each credential and a room (marginal values; slower)'))),
      h('button.primary', { type: 'submit', disabled: busy }, 'Run what-if'),
      job ? h('p', { role: 'status', id: 'wf-job' }, `Job ${job.job}: ${job.status}${busy ? ` (${fmtNum(job.elapsed || 0)} s)` : ''}`,
        busy ? h('progress', { 'aria-label': 'what-if progress' }) : null, job.error ? h('span.error', null, ' ' + job.error) : null) : null));
}

async function run(sec, ctx) {
  if (!scenarios.length && !opts.marginal) { ctx.notify('Save a scenario or ask for marginal values.', 'error'); return; }
  const body = {
    instance: state.inst, time_limit_s: opts.time_limit_s, marginal: opts.marginal,
    scenarios: scenarios.map((s) => ({ name: s.name, changes: s.changes.map(({ text, ...c }) => c) })),
  };
  try {
    const j = await post('/whatif?async=true', body);
    job = { job: j.job, status: j.status, elapsed: 0 };
    report = null;
    render(sec, ctx);
    const done = await waitJob(j.job, (st, secs) => {
      job = { ...job, status: st.status, elapsed: secs, error: st.error };
      const el = document.getElementById('wf-job');
      if (el) el.firstChild.textContent = `Job ${job.job}: ${job.status} (${fmtNum(secs)} s)`;
    });
    job = { ...job, ...done };
    report = done.status === 'done' ? done.result : null;
    render(sec, ctx);
    ctx.notify(done.status === 'done' ? 'The what-if finished.' : `The what-if ended ${done.status}.`, done.status === 'done' ? 'ok' : 'error');
    const el = document.getElementById('cmp-h');
    if (el) el.focus();
  } catch (e) { ctx.fail(e); }
}

const FIGS = [['groups_running', 'Groups running', fmtNum], ['placed', 'Placements', fmtNum], ['seats_filled', 'Seats filled', fmtNum],
  ['seats', 'Seats', fmtNum], ['projected_revenue', 'Projected revenue', fmtMoney], ['waitlist_after', 'Waitlist after', fmtNum],
  ['uncovered_sessions', 'Uncovered sessions', fmtNum], ['load_max', 'Busiest facilitator (groups/week)', (x) => fmtNum(x, 1)]];

// Patients each plan takes off the waitlist into each group type
// (metrics.per_type.placed; the what-if reports no per-patient results).
const placedByType = (res) => (state.inst.group_types || []).map((t) => ((((res.metrics || {}).per_type || {})[t.id] || {}).placed) || 0);

function comparison(r) {
  const plans = [r.baseline, ...(r.scenarios || [])].filter(Boolean);
  const ok = plans.filter((p) => p.summary);
  return h('div.card.compare', null,
    h('h3#cmp-h', { tabindex: '-1' }, 'Side by side'),
    h('table.compact', null, h('caption', null, 'Baseline and scenarios (difference to the baseline in brackets)'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Figure'), plans.map((p) => h('th', { scope: 'col' }, p.name)))),
      h('tbody', null,
        h('tr', null, h('th', { scope: 'row' }, 'Status'), plans.map((p) => h('td', null, p.status + (p.error ? ': ' + p.error : '')))),
        FIGS.map(([k, label, fmt]) => h('tr', null, h('th', { scope: 'row' }, label), plans.map((p) => h('td.num', null,
          p.summary ? fmt(p.summary[k]) : '–',
          p.differences && p.differences[k] ? ` (${signed(p.differences[k], k === 'load_max' ? 1 : 0)})` : '')))))),
    plans.some((p) => p.errors) ? h('ul.error', null, plans.flatMap((p) => (p.errors || []).map((e) => h('li', null, `${p.name}: ${e.path}: ${e.message}`)))) : null,
    h('div.charts', null,
      barChart({ title: 'Placements from the waitlist', series: ['placements'], rows: ok.map((p) => ({ label: p.name, values: [p.summary.placed] })) }),
      barChart({ title: 'Seats filled of seats', series: ['seats filled', 'seats'], rows: ok.map((p) => ({ label: p.name, values: [p.summary.seats_filled, p.summary.seats] })) }),
      barChart({ title: 'Projected revenue per quarter', series: ['revenue'], rows: ok.map((p) => ({ label: p.name, values: [p.summary.projected_revenue] })), fmt: fmtMoney }),
      barChart({ title: 'Placed from the waitlist, per group type', series: ok.map((p) => p.name),
        rows: (state.inst.group_types || []).map((t, i) => ({ label: t.name.replace(/\s*\(.*\)\s*/, ''), values: ok.map((p) => placedByType(p)[i]) })) })),
    r.bottlenecks ? marginal(r) : null);
}

// Does some addition change placements or revenue (beyond rounding)?
const gains = (bs) => bs.some((b) => Math.abs(b.placements_per_quarter) >= 0.05 || Math.abs(b.revenue_per_quarter) >= 0.5);

function marginal(r) {
  const rows = (key) => r.bottlenecks.map((b) => ({ label: b.name, values: [b[key]] }));
  return h('div', null,
    h('h4', null, 'Marginal value: one more of each, ranked'),
    r.marginal_note ? h('p', null, r.marginal_note) : null,
    h('div.charts', null, table(null, [
      { label: 'Rank', cell: (b) => String(b.rank), cls: 'num' },
      { label: 'Addition', cell: (b) => b.name },
      { label: 'Placements per quarter', cell: (b) => signed(b.placements_per_quarter, 1), cls: 'num' },
      { label: 'Revenue per quarter', cell: (b) => signed(b.revenue_per_quarter, 0), cls: 'num' },
    ], r.bottlenecks, { class: 'compact' }),
    gains(r.bottlenecks) ? [
      barChart({ title: 'Extra placements per quarter', series: ['placements'], rows: rows('placements_per_quarter'), fmt: (v) => signed(v, 1) }),
      barChart({ title: 'Extra revenue per quarter', series: ['revenue'], rows: rows('revenue_per_quarter'), fmt: (v) => signed(v, 0) }),
    ] : h('p', null, 'No single addition in this list places more patients or earns more this quarter.')),
    h('p.hint', null, 'Differences of time-limited plans carry solver noise: a small negative value means no gain.'));
}
