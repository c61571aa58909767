// waitlist.js - the Waitlist view: every waitlisted patient with wait,
// priority, the types they fit, where the current schedule places them or
// why it does not; filter, search, and a patient's status history.

import { h, clear, table } from './dom.js';
import { list } from './api.js';
import { state, waitlist, typesFor, typeName, daysBetween, today, onProgram } from './state.js';

const filt = { q: '', type: '', status: '' };
let history = null; // {patient, rows} | {patient, error}

export function render(sec, ctx) {
  onProgram('waitlist', () => { history = null; });
  clear(sec, h('h2#waitlist-h', null, 'Waitlist'));
  const sched = state.sched;
  const placedIn = new Map();
  if (sched) for (const g of sched.groups) for (const p of g.new_members || []) placedIn.set(p, g.id);
  const reasons = new Map(((sched && sched.unplaced) || []).map((u) => [u.patient, u.reasons || []]));
  const now = today();
  const all = waitlist().map((p) => ({
    p, wait: Math.max(0, daysBetween(p.added, now)), types: typesFor(p),
    placed: placedIn.get(p.id) || null, reasons: reasons.get(p.id) || null,
  })).sort((a, b) => b.wait - a.wait || a.p.id.localeCompare(b.p.id));
  const q = filt.q.trim().toLowerCase();
  const rows = all.filter((r) => (!q || r.p.id.toLowerCase().includes(q) || (r.p.diagnoses || []).some((d) => d.toLowerCase().includes(q)))
    && (!filt.type || r.types.includes(filt.type))
    && (!filt.status || (filt.status === 'placed' ? r.placed : !r.placed)));
  // redraw and give the focus back to the control that changed (caret at the end of a text)
  const redraw = (focusId) => {
    render(sec, ctx);
    const el = focusId && document.getElementById(focusId);
    if (!el) return;
    el.focus();
    if (el.type === 'search') el.setSelectionRange(el.value.length, el.value.length);
  };
  sec.append(
    h('p.lede', null, `${all.length} patients are on the waitlist; `,
      sched ? `schedule version ${state.schedVersion} places ${all.filter((r) => r.placed).length} of them.` : 'no schedule is saved yet.'),
    h('div.filters', null,
      h('label', { for: 'wl-q' }, 'Search'),
      h('input#wl-q', { type: 'search', value: filt.q, placeholder: 'patient id or diagnosis', on: { input: (e) => { filt.q = e.target.value; redraw('wl-q'); } } }),
      h('label', { for: 'wl-type' }, 'Fits type'),
      h('select#wl-type', { on: { change: (e) => { filt.type = e.target.value; redraw('wl-type'); } } },
        h('option', { value: '' }, 'any'),
        (state.inst.group_types || []).map((t) => h('option', { value: t.id, selected: filt.type === t.id }, t.name))),
      h('label', { for: 'wl-status' }, 'Status'),
      h('select#wl-status', { on: { change: (e) => { filt.status = e.target.value; redraw('wl-status'); } } },
        [['', 'all'], ['placed', 'placed by the schedule'], ['unplaced', 'unplaced']].map(([v, l]) => h('option', { value: v, selected: filt.status === v }, l)))),
    h('p', { role: 'status' }, `${rows.length} shown.`),
    history ? historyPanel(sec, ctx) : null,
    table('Waitlisted patients', [
      { label: 'Patient', cell: (r) => r.p.id },
      { label: 'Waiting', cell: (r) => `${Math.round(r.wait / 7)} wk (since ${r.p.added})`, cls: 'num' },
      { label: 'Priority', cell: (r) => String(r.p.priority || 0), cls: 'num' },
      { label: 'Acuity', cell: (r) => r.p.acuity || '' },
      { label: 'Fits', cell: (r) => (r.types.length ? r.types.map(typeName).join('; ') : h('em', null, 'no type')) },
      { label: 'Schedule', cell: (r) => (r.placed ? h('span.ok', null, '✓ placed in ' + r.placed)
        : h('div', null, h('span.bad', null, '✗ unplaced'), r.reasons && r.reasons.length ? h('ul.reasons', null, r.reasons.map((x) => h('li', null, x))) : null)) },
      { label: 'History', cell: (r) => h('button', { type: 'button', class: 'link', 'aria-label': `Status history of ${r.p.id}`, on: { click: () => showHistory(sec, ctx, r.p.id) } }, 'history') },
    ], rows, { class: 'waitlist' }));
}

async function showHistory(sec, ctx, patient) {
  try {
    const rows = await list(`/programs/${encodeURIComponent(state.program)}/events?patient=${encodeURIComponent(patient)}`);
    history = { patient, rows };
  } catch (e) { history = { patient, error: e.message }; }
  render(sec, ctx);
  const el = document.getElementById('hist-h');
  if (el) el.focus();
}

function historyPanel(sec, ctx) {
  return h('div.card.history', null,
    h('h3#hist-h', { tabindex: '-1' }, `Status history of ${history.patient}`),
    history.error ? h('p.error', null, history.error)
      : history.rows.length ? table(null, [
        { label: 'Date', cell: (r) => r.date || '' },
        { label: 'Event', cell: (r) => r.event },
        { label: 'Group', cell: (r) => r.group || '' },
        { label: 'Status', cell: (r) => r.status || '' },
        { label: 'Recorded', cell: (r) => r.at },
      ], history.rows, { class: 'compact' }) : h('p', null, 'No events: still waiting since the referral.'),
    h('button', { type: 'button', on: { click: () => { history = null; render(sec, ctx); } } }, 'Close history'));
}
