// plan.js - the Plan view: saved versions, start a plan job and watch it,
// the result against the published schedule (changes, relaxed-plan
// exceptions) and publishing.

import { h, clear, table, fmtNum, fmtMoney, signed } from './dom.js';
import { api, get, post, waitJob, can } from './api.js';
import { state, facName, onProgram } from './state.js';

let job = null;      // the running or last job
let shown = null;    // {version, sol}: the schedule under review
const form = { tl: null, base: null };  // what the user typed, kept across redraws

const P = () => `/programs/${encodeURIComponent(state.program)}`;

export function render(sec, ctx) {
  onProgram('plan', () => { job = null; shown = null; });
  clear(sec, h('h2#plan-h', null, 'Plan'));
  const coord = can(state.role, 'coordinator');
  const tl = (state.inst.settings && state.inst.settings.time_limit_s) || 30;
  sec.append(coord ? h('form.card.noprint', { id: 'plan-form', on: { submit: (e) => { e.preventDefault(); start(sec, ctx); } } },
    h('h3', null, 'Plan the quarter'),
    h('div.row', null,
      h('label', { for: 'plan-tl' }, 'Time limit (seconds)'),
      h('input#plan-tl', { type: 'number', min: 1, max: 3600, value: form.tl || tl, required: true, on: { change: (e) => { form.tl = e.target.value; } } }),
      h('input#plan-base', { type: 'checkbox', checked: state.schedPublished && form.base !== false, disabled: !state.schedPublished, on: { change: (e) => { form.base = e.target.checked; } } }),
      h('label', { for: 'plan-base' }, 'keep close to the published schedule (each change costs)')),
    h('button', { type: 'submit', disabled: job && (job.status === 'queued' || job.status === 'running') }, 'Start plan'),
    progress(sec, ctx)) : h('p', null, 'Your role (viewer) can look at saved schedules; planning and publishing need a coordinator.'));
  sec.append(versions(sec, ctx));
  if (shown) sec.append(review(sec, ctx, coord));
}

function progress(sec, ctx) {
  if (!job) return null;
  const tl = Number(job.time_limit_s || job.limit || 0);
  const pct = Math.min(100, Math.round(((job.elapsed || 0) / Math.max(1, job.expect || tl || 30)) * 100));
  const busy = job.status === 'queued' || job.status === 'running';
  return h('div.progress', { role: 'status' },
    h('label', { for: 'plan-prog' }, `Job ${job.job}: ${job.status}${busy ? ` (${fmtNum(job.elapsed || 0, 0)} s)` : ''}`),
    h('progress#plan-prog', { max: 100, value: busy ? pct : 100 }, `${pct}%`),
    busy ? h('button', { type: 'button', on: { click: () => cancel(sec, ctx) } }, 'Cancel') : null,
    job.status === 'failed' ? h('p.error', null, job.error || 'the plan failed') : null);
}

async function start(sec, ctx) {
  const tlv = Number(document.getElementById('plan-tl').value);
  const body = { time_limit_s: tlv };
  if (document.getElementById('plan-base').checked) body.baseline = 'published';
  try {
    const j = await post(`${P()}/plan`, body);
    job = { job: j.job, status: j.status, elapsed: 0, expect: tlv };
    render(sec, ctx);
    const done = await waitJob(j.job, (st, secs) => {
      job = { ...job, status: st.status, elapsed: secs, error: st.error };
      const old = document.getElementById('plan-prog');
      if (old) old.closest('.progress').replaceWith(progress(sec, ctx));
    });
    job = { ...job, ...done };
    if (done.status === 'done' && done.version) {
      shown = { version: done.version, sol: done.result };
      await ctx.reload(`Plan finished: saved as schedule version ${done.version} (${done.result.status}).`);
    } else {
      render(sec, ctx);
      ctx.notify(`The plan job ended ${done.status}${done.error ? ': ' + done.error : ''}.`, done.status === 'done' ? 'info' : 'error');
    }
  } catch (e) { ctx.fail(e); render(sec, ctx); }
}

async function cancel(sec, ctx) {
  try { await api('DELETE', '/jobs/' + encodeURIComponent(job.job)); } catch (e) { ctx.fail(e); }
}

function versions(sec, ctx) {
  if (!state.versions.length) return h('p', null, 'No schedule saved yet.');
  return table('Saved schedule versions (score: the planner\'s objective, higher is better)', [
    { label: 'Version', cell: (v) => String(v.version), cls: 'num' },
    { label: 'Status', cell: (v) => v.status },
    { label: 'Score', cell: (v) => fmtNum(v.objective, 1), cls: 'num' },
    { label: 'Saved', cell: (v) => v.created.replace('T', ' ').slice(0, 16) },
    { label: 'Published', cell: (v) => (v.published ? h('strong', null, '✓ published') : 'no') },
    { label: 'Review', cell: (v) => h('button', { type: 'button', class: 'link', 'aria-label': `Review version ${v.version}`, on: { click: () => show(sec, ctx, v.version) } }, 'review') },
  ], [...state.versions].reverse(), { class: 'compact' });
}

async function show(sec, ctx, version) {
  try {
    shown = { version, sol: await get(`${P()}/schedules/${version}`) };
    render(sec, ctx);
    document.getElementById('review-h').focus();
  } catch (e) { ctx.fail(e); }
}

// Field by field differences of each group against the published schedule.
function diff(pub, sol) {
  const out = [];
  const by = new Map(pub.groups.map((g) => [g.id, g]));
  const txt = (v) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : String(v));
  for (const g of sol.groups) {
    const b = by.get(g.id);
    if (!b) { out.push({ group: g.id, field: 'group', before: '—', after: 'new' }); continue; }
    for (const f of ['running', 'day', 'start', 'room', 'facilitators', 'substitute', 'week_parity']) {
      if (!g.running && !b.running && f !== 'running') continue;
      if (txt(g[f]) !== txt(b[f])) out.push({ group: g.id, field: f, before: txt(b[f]), after: txt(g[f]) });
    }
    const bm = new Set(b.members || []), gm = new Set(g.members || []);
    const gone = [...bm].filter((p) => !gm.has(p)), came = [...gm].filter((p) => !bm.has(p));
    if (gone.length) out.push({ group: g.id, field: 'members left', before: gone.join(', '), after: '—' });
    if (came.length) out.push({ group: g.id, field: 'members joined', before: '—', after: came.join(', ') });
  }
  return out;
}

// A relaxed plan's broken rules, in a director's words.
const RULES = {
  1: 'A must-run group does not run',
  5: 'No designated substitute',
  8: 'A continuing group runs below its minimum size',
};
const ruleText = (r) => `${RULES[r] || 'Rule ' + r} (rule ${r})`;

// The server's text with facilitator ids replaced by their names.
function named(text) {
  let t = String(text || '');
  for (const f of state.inst.facilitators || []) {
    const id = f.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    t = t.replace(new RegExp(`(?<![\\w-])${id}(?![\\w-])`, 'g'), f.name);
  }
  return t;
}

// What a solution's status means for the people who will use it.
function statusText(sol) {
  const gap = sol.gap != null ? ` (within ${fmtNum(sol.gap * 100, 1)}% of the best possible)` : '';
  switch (sol.status) {
    case 'optimal': return `Optimal: every rule holds, and the planner proved no schedule is more than ${fmtNum(((state.inst.settings && state.inst.settings.mip_gap) ?? 0.005) * 100, 1)}% better.`;
    case 'feasible': return `Feasible: every rule holds; the planner stopped at its time limit before proving it the best${gap}.`;
    case 'infeasible': return (sol.exceptions || []).length
      ? 'Infeasible: no schedule can keep every rule for this program as it stands. '
        + 'Below is a relaxed plan, the best schedule that breaks as few rules as possible; each break is listed with its reason.'
      : 'Infeasible: no schedule can keep every rule for this program as it stands, and no relaxed plan was found.';
    case 'time_limit': return 'Time limit: no schedule was found in the time allowed, and none was proven impossible; try a longer limit.';
    default: return `Status: ${sol.status}.`;
  }
}

function exceptionsBox(sol) {
  const exc = sol.exceptions || [];
  const diag = sol.diagnosis || [];
  if (!exc.length && !diag.length) return null;
  const who = (e) => [
    e.facilitators && e.facilitators.length ? `Facilitators: ${e.facilitators.map(facName).join(', ')}` : null,
    e.patients && e.patients.length ? `Members: ${e.patients.join(', ')}` : null,
  ].filter(Boolean).join('; ') || '—';
  return h('div.exceptions', null,
    diag.length ? [h('h4', null, 'Why every rule cannot hold'), h('ul', null, diag.map((d) => h('li', null, named(d))))] : null,
    exc.length ? [h('h4', null, `Rules this plan breaks (${exc.length})`),
      h('p', null, 'Review each break before publishing: the schedule is usable only if the clinic accepts these.'),
      table(null, [
        { label: 'Rule broken', cell: (e) => ruleText(e.rule) },
        { label: 'Group', cell: (e) => groupText(sol, e.group) },
        { label: 'Who', cell: who },
        { label: 'Why', cell: (e) => named(e.why) },
      ], exc, { class: 'compact exc-table' })] : null);
}

// "SUD recovery (sud-1)" for a group of the solution or the program.
function groupText(sol, id) {
  const g = (sol.groups || []).find((x) => x.id === id) || (state.inst.groups || []).find((x) => x.id === id);
  const t = g && (state.inst.group_types || []).find((x) => x.id === g.type);
  return t ? `${t.name || t.id} (${id})` : id;
}

function review(sec, ctx, coord) {
  const { version, sol } = shown;
  const m = sol.metrics || {};
  const v = state.versions.find((x) => x.version === version) || {};
  const pub = state.schedPublished && state.schedVersion !== version ? state.sched : null;
  const pm = pub ? pub.metrics : null;
  const fig = (label, key, fmt = fmtNum) => h('tr', null, h('th', { scope: 'row' }, label),
    pm ? h('td.num', null, fmt(pm[key])) : null, h('td.num', null, fmt(m[key])),
    pm ? h('td.num', null, signed((m[key] || 0) - (pm[key] || 0))) : null);
  const changes = pub ? diff(pub, sol) : [];
  return h('div.card.review', null,
    h('h3#review-h', { tabindex: '-1' }, `Schedule version ${version}: ${sol.status}${v.published ? ' (published)' : ''}`),
    h('p', { class: `statusline st-${sol.status}` }, statusText(sol)),
    h('table.compact', null, h('caption', null, pub ? `Figures against the published version ${state.schedVersion}` : 'Figures'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Figure'), pm ? h('th', { scope: 'col' }, `published v${state.schedVersion}`) : null,
        h('th', { scope: 'col' }, `v${version}`), pm ? h('th', { scope: 'col' }, 'change') : null)),
      h('tbody', null, fig('Groups running', 'groups_running'), fig('Placed from the waitlist', 'placed'), fig('Waitlist after', 'waitlist_after'),
        fig('Seats filled', 'seats_filled'), fig('Seats', 'seats'), fig('Projected revenue', 'projected_revenue', fmtMoney), fig('Uncovered sessions', 'uncovered_sessions'))),
    exceptionsBox(sol),
    pub ? (changes.length ? table(`${changes.length} changes against the published schedule`, [
      { label: 'Group', cell: (c) => c.group },
      { label: 'What', cell: (c) => c.field },
      { label: 'Published', cell: (c) => (c.field.includes('facilitator') || c.field === 'substitute' ? c.before.split(', ').map(facName).join(', ') : c.before) },
      { label: `v${version}`, cell: (c) => (c.field.includes('facilitator') || c.field === 'substitute' ? c.after.split(', ').map(facName).join(', ') : c.after) },
    ], changes, { class: 'compact changes' }) : h('p', null, 'No change against the published schedule.'))
      : h('p', null, state.schedPublished ? 'This is the published schedule.' : 'Nothing is published yet.'),
    coord && !v.published ? h('button.primary', { type: 'button', on: { click: () => publish(ctx, version) } },
      `Publish version ${version}`, brokenCount(sol)) : null);
}

// " (breaks 2 rules)" on the publish button of a relaxed plan.
function brokenCount(sol) {
  const n = (sol.exceptions || []).length;
  return n ? ` (breaks ${n} rule${n > 1 ? 's' : ''})` : '';
}

async function publish(ctx, version) {
  try {
    await post(`${P()}/schedules/${version}/publish`);
    await ctx.reload(`Schedule version ${version} is published.`);
  } catch (e) { ctx.fail(e); }
}
