// exports.js - the schedule's exports in the Week view: downloads of the
// shown version (iCalendar, CSV, FHIR, printable HTML) and, for
// coordinators and admins, calendar subscriptions (create one: its URL is
// shown once; revoke one).  Viewers get the downloads only.

import { h, clear, table } from './dom.js';
import { api, list, post, can, getToken } from './api.js';
import { state, facName } from './state.js';

const FORMATS = [
  ['ics', 'iCalendar (.ics)', 'ics', 'for a calendar app'],
  ['csv', 'CSV rosters (.csv)', 'csv', 'for a spreadsheet'],
  ['fhir', 'FHIR R4 bundle (.json)', 'json', 'for an EHR or FHIR server'],
  ['html', 'Printable schedule (.html)', 'html', 'one page per week'],
];

let fresh = null;   // {id, url}: the subscription just created, its URL shown once
let subs = null;    // the program's subscriptions, or null before the first load
let subsOf = null;  // the program they belong to
let chosen = 'program';   // the calendar last subscribed to

const P = () => `/programs/${encodeURIComponent(state.program)}`;

// The card: download buttons, then subscriptions for a coordinator.
export function card(ctx) {
  const box = h('div.card.exportcard.noprint', { role: 'region', 'aria-labelledby': 'exports-h' },
    h('h3#exports-h', { tabindex: '-1' }, `Take version ${state.schedVersion} elsewhere`),
    h('ul.exportlist', null, FORMATS.map(([f, label, ext, use]) => h('li', null,
      h('button', { type: 'button', 'data-format': f, on: { click: () => download(ctx, f, ext) } }, label),
      h('span.hint', null, ' ', use)))),
    h('p.hint', null, 'How to subscribe in a calendar, open the CSV in a spreadsheet or post the bundle to a FHIR server: ',
      h('code', null, 'docs/EXPORTS.md'), ' in the cohort source.'));
  if (can(state.role, 'coordinator')) {
    const slot = h('div.subs');
    box.append(slot);
    drawSubs(slot, ctx);
  }
  return box;
}

// Fetch one export with the token and hand it to the browser as a file.
async function download(ctx, f, ext) {
  const path = `${P()}/schedules/${state.schedVersion}/export?format=${f}`;
  try {
    const r = await fetch('/v1' + path, { headers: { Authorization: 'Bearer ' + getToken() }, cache: 'no-store' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const url = URL.createObjectURL(await r.blob());
    const a = h('a', { href: url, download: `${state.program}-v${state.schedVersion}.${ext}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  } catch (e) { ctx.notify(`The ${f} export failed: ${e.message}`, 'error'); }
}

// "facilitator:F001" -> "Dr. Maya Chen's groups"; "program" -> "the whole program".
function scopeText(w) {
  const [kind, id] = (w || 'program').split(':');
  if (kind === 'facilitator') return `groups of ${facName(id)}`;
  if (kind === 'room') return `room ${id}`;
  if (kind === 'patient') return `patient ${id}`;
  return 'the whole program';
}

async function drawSubs(slot, ctx) {
  if (subsOf !== state.program) { subs = null; fresh = null; chosen = 'program'; }
  try {
    if (!subs) { subs = await list(`${P()}/calendars`); subsOf = state.program; }
  } catch (e) { ctx.fail(e); return; }
  const live = subs.filter((c) => !c.revoked);
  const scopes = [['program', 'the whole program'],
    ...(state.inst.facilitators || []).map((f) => [`facilitator:${f.id}`, `groups of ${f.name}`]),
    ...(state.inst.rooms || []).map((r) => [`room:${r.id}`, `room ${r.id}`])];
  clear(slot,
    h('h4', null, 'Calendar subscriptions'),
    h('p.hint', null, 'A subscription URL lets a calendar app follow the published schedule without a token. ',
      'Anyone with the URL can read that calendar: share it like a password.'),
    h('form.row', { on: { submit: (ev) => { ev.preventDefault(); create(slot, ctx); } } },
      h('label', { for: 'sub-for' }, 'Calendar of'),
      h('select#sub-for', null, scopes.map(([v, t]) => h('option', { value: v, selected: v === chosen }, t))),
      h('button.primary', { type: 'submit' }, 'Subscribe')),
    fresh ? h('div.fresh', { role: 'status' },
      h('p', null, h('strong', null, 'Copy this URL now: it is shown only once.')),
      h('label', { for: 'sub-url' }, `Subscription URL (${scopeText(fresh.for)})`),
      h('input#sub-url', { type: 'text', readonly: true, value: fresh.url, size: 70, on: { focus: (e) => e.target.select() } })) : null,
    live.length ? table(`${live.length} live subscription${live.length > 1 ? 's' : ''}`, [
      { label: 'Calendar of', cell: (c) => scopeText(c.for) },
      { label: 'Follows', cell: (c) => (typeof c.version === 'number' ? `version ${c.version}` : `the ${c.version} schedule`) },
      { label: 'Created', cell: (c) => String(c.created || '').replace('T', ' ').slice(0, 16) },
      { label: 'Revoke', cell: (c) => h('button', { type: 'button', 'aria-label': `Revoke the subscription to ${scopeText(c.for)} (number ${c.id})`, on: { click: () => revoke(slot, ctx, c) } }, 'Revoke') },
    ], live, { class: 'compact subs-table' }) : h('p', null, 'No live subscription.'));
}

async function create(slot, ctx) {
  const w = slot.querySelector('#sub-for').value;
  chosen = w;
  try {
    const c = await post(`${P()}/calendars`, { for: w, version: 'published' });
    fresh = { id: c.id, for: c.for, url: location.origin + c.url };
    subs = null;
    await drawSubs(slot, ctx);
    ctx.notify(`Subscription created for ${scopeText(w)}: copy its URL now.`, 'ok');
    slot.querySelector('#sub-url').focus();
  } catch (e) { ctx.fail(e); }
}

async function revoke(slot, ctx, c) {
  try {
    await api('DELETE', `${P()}/calendars/${c.id}`);
    if (fresh && fresh.id === c.id) fresh = null;
    subs = null;
    await drawSubs(slot, ctx);
    ctx.notify(`Subscription to ${scopeText(c.for)} revoked: its URL no longer answers.`, 'ok');
  } catch (e) { ctx.fail(e); }
}
