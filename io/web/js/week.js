// week.js - the Week view: the weekly timetable (days x times, lanes by
// room or by facilitator), a group's details, the quarter calendar
// (closed dates, time off, covered and uncovered sessions), the charts
// and the exports card (exports.js).

import { h, clear, table, fmtNum } from './dom.js';
import { can } from './api.js';
import { card as exportsCard } from './exports.js';
import { barChart, weekBars } from './charts.js';
import {
  state, typeById, typeName, facName, typeIndex, membersNow, toMin, addDays, daysBetween,
  DAY_NAMES, cadenceText, waitlist, typesFor,
} from './state.js';

let lanesBy = 'room';   // room | facilitator
let selected = null;    // group id shown in the details panel
let lastCtx = null;

const STEP = 15;        // minutes per grid row
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const roomLabel = (r) => (r ? r : 'telehealth');
// "Dr. Maya Chen, PsyD" -> "Maya Chen"; "Priya Natarajan, LPC" -> "Priya Natarajan"
const short = (id) => facName(id).replace(/,.*$/, '').replace(/^(Dr|Mr|Ms|Mrs)\.?\s+/, '');
const surname = (id) => short(id).split(' ').pop();

export function render(sec, ctx) {
  lastCtx = ctx;
  clear(sec, h('h2#week-h', null, 'Week'));
  const sched = state.sched;
  if (!sched) {
    sec.append(h('p', null, 'No schedule is saved for this program yet. ',
      h('a', { href: '#plan' }, 'Plan the quarter'), ' to see its timetable.'));
    return;
  }
  const running = sched.groups.filter((g) => g.running);
  sec.append(
    h('p.lede', null, h('strong', null, state.inst.program.name), ': ',
      `schedule version ${state.schedVersion} (${state.schedPublished ? 'published' : 'latest saved, not published'}), `,
      `${running.length} running groups, ${sched.metrics.seats_filled}/${sched.metrics.seats} seats filled, `,
      `${sched.metrics.waitlist_after} left on the waitlist.`),
    relaxedNote(sched) || '',
    toolbar(sec, ctx),
    h('div.gridcol', null, grid(running), details(running)),
    h('div.weekwrap', null,
      h('div.calcol', null, calendar(sched)),
      h('div.charts', null, loadChart(sched), fillChart(sched), waitChart(sched))),
    exportsCard(ctx));
}

// A relaxed plan says so above its timetable (the rules are listed under Plan).
function relaxedNote(sched) {
  const n = (sched.exceptions || []).length;
  if (sched.status !== 'infeasible' || !n) return null;
  return h('p.warn', null, `⚠ This is a relaxed plan: the program cannot keep every rule, and this schedule breaks ${n} rule${n > 1 ? 's' : ''}. `,
    h('a', { href: '#plan' }, 'See each break under Plan'), '.');
}

function toolbar(sec, ctx) {
  const btn = (key, label) => h('button', {
    type: 'button', 'aria-pressed': String(lanesBy === key),
    on: { click: () => { lanesBy = key; render(sec, ctx); sec.querySelector(`[data-lanes=${key}]`).focus(); } },
    'data-lanes': key,
  }, label);
  return h('div.toolbar.noprint', null,
    h('span', { id: 'lanes-l' }, 'Lanes:'),
    h('span', { role: 'group', 'aria-labelledby': 'lanes-l', class: 'seg' }, btn('room', 'by room'), btn('facilitator', 'by facilitator')),
    h('button', { type: 'button', on: { click: () => window.print() } }, 'Print week'),
    h('button', { type: 'button', class: 'link', on: { click: () => { const x = document.getElementById('exports-h'); x.scrollIntoView(); x.focus(); } } },
      can(state.role, 'coordinator') ? 'Export or subscribe…' : 'Export…'));
}

// Lanes of one day: rooms (or facilitators) that hold a group that day.
function lanesOf(groups) {
  const keys = new Set();
  for (const g of groups) for (const k of laneKeys(g)) keys.add(k);
  return [...keys].sort();
}
const laneKeys = (g) => (lanesBy === 'room' ? [roomLabel(g.room)] : g.facilitators);

// The grid's time rows: the hours some group meets in, STEP minutes a row;
// a run of hours without any group folds into one row (a gap).
// {hours, gaps: [{row, from, to}], rows, at(minute) -> grid row}.
function timeRows(running) {
  const busy = new Set();
  for (const g of running)
    for (let m = Math.floor(toMin(g.start) / 60) * 60; m < toMin(g.end); m += 60) busy.add(m);
  const hours = [...busy].sort((a, b) => a - b);
  const rowOf = new Map();
  const gaps = [];
  let r = 3;   // rows 1 and 2 hold the day and lane headers
  hours.forEach((m, i) => {
    if (i && m - hours[i - 1] > 60) gaps.push({ row: r++, from: hours[i - 1] + 60, to: m });
    rowOf.set(m, r);
    r += 60 / STEP;
  });
  return { hours, gaps, rows: r - 3, at: (min) => rowOf.get(Math.floor(min / 60) * 60) + (min % 60) / STEP };
}

function grid(running) {
  const days = state.inst.program.days;
  const tr = timeRows(running);
  const cols = [];   // {day, lane}
  for (const d of days) {
    const lanes = lanesOf(running.filter((g) => g.day === d));
    for (const l of lanes.length ? lanes : ['']) cols.push({ day: d, lane: l });
  }
  const g = h('div.weekgrid', { role: 'region', 'aria-label': `Weekly timetable, lanes by ${lanesBy}` });
  g.style.setProperty('--lanes', cols.length);
  g.style.setProperty('--rows', tr.rows);
  const place = (el, r, c, rs = 1, cs = 1) => { el.style.gridRow = `${r} / span ${rs}`; el.style.gridColumn = `${c} / span ${cs}`; g.append(el); return el; };
  // day headers spanning their lanes, then lane headers
  let c = 2;
  for (const d of days) {
    const n = cols.filter((x) => x.day === d).length;
    place(h('div.dayh', null, DAY_NAMES[d] || d), 1, c, 1, n);
    c += n;
  }
  cols.forEach((col, i) => place(h('div.laneh', { title: col.lane ? laneName(col.lane) : null },
    col.lane ? laneName(col.lane) : 'no groups'), 2, i + 2));
  for (const m of tr.hours) {
    place(h('div.timeh', null, hhmm(m)), tr.at(m), 1, 60 / STEP);
    place(h('div.hourline', { 'aria-hidden': 'true' }), tr.at(m), 2, 60 / STEP, cols.length);
  }
  for (const gap of tr.gaps)
    place(h('div.gaprow', null, `no groups ${hhmm(gap.from)}–${hhmm(gap.to)}`), gap.row, 1, 1, cols.length + 1);
  for (const grp of running)
    for (const k of laneKeys(grp)) {
      const ci = cols.findIndex((x) => x.day === grp.day && x.lane === k);
      if (ci < 0) continue;
      place(block(grp, k), tr.at(toMin(grp.start)), ci + 2, Math.max(1, (toMin(grp.end) - toMin(grp.start)) / STEP));
    }
  return g;
}

const laneName = (lane) => (lanesBy === 'room' ? lane : short(lane));

function fillOf(g) {
  const t = typeById(g.type) || {};
  return { n: membersNow(g).length, max: t.max_size || 0 };
}

function block(g, laneKey) {
  const t = typeById(g.type) || {};
  const f = fillOf(g);
  const facs = g.facilitators.map((id, i) => short(id) + (i ? ' (co)' : ''));
  const label = `${t.name || g.type}, group ${g.id}, ${DAY_NAMES[g.day]} ${g.start} to ${g.end}, room ${roomLabel(g.room)}, `
    + `facilitators ${facs.join(' and ')}${g.substitute ? ', substitute ' + facName(g.substitute) : ''}, `
    + `${f.n} of ${f.max} seats filled, ${cadenceText(g)}`;
  const co = lanesBy === 'facilitator' && g.facilitators.indexOf(laneKey) > 0;
  const short60 = toMin(g.end) - toMin(g.start) < 75;
  const cad = t.cadence === 'biweekly' ? `biweekly, ${g.week_parity ? 'even' : 'odd'} wks` : 'weekly';
  return h('button', {
    type: 'button', class: `blk t${typeIndex(g.type) % 10}${short60 ? ' short' : ''}${selected === g.id ? ' sel' : ''}`,
    'aria-label': label, title: label, 'aria-expanded': String(selected === g.id), 'data-group': g.id,
    on: { click: (ev) => { selected = selected === g.id ? null : g.id; const sec = ev.target.closest('section'); render(sec, lastCtx); const b = sec.querySelector(`[data-group="${g.id}"]`); if (b) b.focus(); } },
  },
  h('span.bt', null, t.name ? shortName(t.name).replace(/\s+—.*$/, '') : g.type),
  h('span.bl.tm', null, `${g.start}–${g.end}`),
  // the lane names the room (or the facilitator): the block names the other
  lanesBy === 'room' ? h('span.bl', null, facs.join(', ')) : h('span.bl', null, roomLabel(g.room), co ? ' · co-lead' : facs.length > 1 ? ' · + ' + facs[1].replace(' (co)', '') : ''),
  g.substitute ? h('span.bl', null, 'sub ' + surname(g.substitute)) : h('span.bl.nosub', null, '⚠ no substitute'),
  // a short block has no line to spare: the cadence follows the fill
  short60 ? h('span.bl.fill', null, `${f.n}/${f.max}${f.n >= f.max ? ' full' : ''}`, h('span.cad', null, ` · ${cad}`))
    : [h('span.bl.fill', null, `${f.n}/${f.max}${f.n >= f.max ? ' full' : ''}`), h('span.bl.cad', null, cad)]);
}

const shortName = (n) => n.replace(/\s*\(.*\)\s*/, '');

function details(running) {
  const g = running.find((x) => x.id === selected);
  if (!g) return h('p.hint.noprint', null, 'Select a group to see its members and dated sessions.');
  const stored = (state.inst.groups || []).find((x) => x.id === g.id);
  const roster = new Map(((stored && stored.members) || []).map((m) => [m.patient, m]));
  const mem = membersNow(g);
  const sessions = state.sched.sessions.filter((s) => s.group === g.id);
  return h('div.card.details', { 'aria-live': 'polite' },
    h('h3', null, `${typeName(g.type)} — ${g.id}`),
    h('p', null, `${DAY_NAMES[g.day]} ${g.start}–${g.end}, ${roomLabel(g.room)}, ${cadenceText(g)}. `,
      `Facilitators: ${g.facilitators.map(facName).join(' with ')}; substitute: ${g.substitute ? facName(g.substitute) : 'none'}.`),
    h('p', null, `Members (${mem.length}): `, mem.map((p) => {
      const r = roster.get(p);
      const tag = r ? r.status.replace('_', ' ') : (g.new_members || []).includes(p) ? 'new' : '';
      return `${p}${tag && tag !== 'active' ? ' (' + tag + ')' : ''}`;
    }).join(', ')),
    h('p', null, `${sessions.length} sessions: `, sessions.map((s) =>
      s.date.slice(5) + (s.uncovered ? ' (UNCOVERED)' : s.covered_by && !g.facilitators.includes(s.covered_by) ? ` (cover ${short(s.covered_by)})` : '')).join(', ')));
}

// The quarter: one row per horizon week, one column per program day.
function calendar(sched) {
  const p = state.inst.program;
  const closed = new Set(p.closed_dates || []);
  const byDate = new Map();
  for (const s of sched.sessions) {
    const e = byDate.get(s.date) || { n: 0, covered: [], uncovered: [] };
    e.n++;
    const grp = sched.groups.find((g) => g.id === s.group);
    if (s.uncovered) e.uncovered.push(s);
    else if (s.covered_by && grp && !grp.facilitators.every((f) => s.facilitators.includes(f))) e.covered.push(s);
    byDate.set(s.date, e);
  }
  const off = (date) => (state.inst.facilitators || []).filter((f) => (f.time_off || []).some((o) => o.from <= date && date <= o.to));
  const dayIdx = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };
  const startDow = (new Date(p.horizon.start + 'T00:00:00Z').getUTCDay() + 6) % 7;
  const monday0 = addDays(p.horizon.start, -startDow);
  const weeks = p.horizon.weeks;
  const rows = [];
  const exceptions = [];
  for (let w = 0; w < weeks; w++) {
    const cells = p.days.map((d) => {
      const date = addDays(monday0, w * 7 + dayIdx[d]);
      const e = byDate.get(date) || { n: 0, covered: [], uncovered: [] };
      const o = off(date);
      const cls = ['cal'];
      const marks = [];
      if (closed.has(date)) { cls.push('closed'); marks.push(h('span.mk', null, 'closed')); }
      if (o.length) {
        cls.push('off');
        const names = o.map((f) => surname(f.id));
        marks.push(h('span.mk', { title: 'off: ' + o.map((f) => short(f.id)).join(', ') },
          'off: ' + (names.length > 2 ? `${names.slice(0, 2).join(', ')} +${names.length - 2}` : names.join(', '))));
      }
      if (e.covered.length) { cls.push('covered'); marks.push(h('span.mk', null, `${e.covered.length} covered`)); }
      if (e.uncovered.length) { cls.push('uncovered'); marks.push(h('span.mk.bad', null, `⚠ ${e.uncovered.length} uncovered`)); }
      for (const s of [...e.uncovered, ...e.covered]) exceptions.push({ date, s });
      const label = new Date(date + 'T00:00:00Z').toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
      return h('td', { class: cls.join(' ') }, h('span.dn', null, label), e.n ? h('span.cnt', null, `${e.n} sess.`) : null, marks);
    });
    rows.push(h('tr', null, h('th', { scope: 'row' }, `w${w + 1}`), cells));
  }
  return h('div.card.quarter', null,
    h('h3', null, 'Quarter'),
    h('table.calendar', null,
      h('caption', null, `${p.horizon.start}, ${weeks} weeks: closed dates, facilitator time off, covered and uncovered sessions`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Week'), p.days.map((d) => h('th', { scope: 'col', abbr: DAY_NAMES[d] }, (DAY_NAMES[d] || d).slice(0, 3))))),
      h('tbody', null, rows)),
    h('p.legendline', null, h('span.key.closed', null, 'closed'), h('span.key.off', null, 'time off'),
      h('span.key.covered', null, 'covered'), h('span.key.uncovered', null, '⚠ uncovered')),
    exceptions.length ? table('Covered and uncovered sessions', [
      { label: 'Date', cell: (x) => x.date, cls: 'nowrap' },
      { label: 'Group', cell: (x) => x.s.group },
      { label: 'Time', cell: (x) => `${x.s.start}–${x.s.end}`, cls: 'nowrap' },
      { label: 'Off', cell: (x) => offOf(x.s).map(short).join(', ') },
      { label: 'Covered by', cell: (x) => (x.s.uncovered ? h('strong.bad', null, '⚠ nobody: uncovered') : x.s.covered_by ? short(x.s.covered_by) : '') },
    ], exceptions, { class: 'compact' }) : h('p', null, 'Every session is led by its own facilitators.'));
}

// The group's own facilitators who do not lead this session.
function offOf(sess) {
  const g = state.sched.groups.find((x) => x.id === sess.group);
  return g ? g.facilitators.filter((f) => !sess.facilitators.includes(f)) : [];
}

function loadChart(sched) {
  const start = state.inst.program.horizon.start, weeks = state.inst.program.horizon.weeks;
  const rows = (state.inst.facilitators || []).map((f) => {
    const v = new Array(weeks).fill(0);
    for (const s of sched.sessions)
      if (s.facilitators.includes(f.id)) {
        const w = Math.floor(daysBetween(start, s.date) / 7);
        if (w >= 0 && w < weeks) v[w]++;
      }
    return { label: short(f.id), values: v };
  });
  return weekBars({ title: 'Facilitator load: sessions led per week', weeks, rows });
}

function fillChart(sched) {
  const per = sched.metrics.per_type || {};
  const rows = (state.inst.group_types || []).filter((t) => per[t.id] && per[t.id].seats).map((t) => ({
    label: shortName(t.name), values: [per[t.id].seats_filled, per[t.id].seats],
  }));
  return barChart({ title: 'Fill per group type: seats filled of seats', series: ['seats filled', 'seats'], rows });
}

function waitChart(sched) {
  const unplaced = new Set((sched.unplaced || []).map((u) => u.patient));
  const wl = waitlist().filter((p) => unplaced.has(p.id));
  const rows = (state.inst.group_types || []).map((t) => ({
    label: shortName(t.name), values: [wl.filter((p) => typesFor(p).includes(t.id)).length],
  }));
  const title = 'Waitlist per group type: unplaced patients who fit it';
  if (!rows.some((r) => r.values[0])) return h('figure', { class: 'chartbox' }, h('figcaption', null, title), h('p', null, 'Nobody is left waiting for a group type.'));
  return barChart({ title, series: ['patients'], rows, fmt: (v) => fmtNum(v) });
}
