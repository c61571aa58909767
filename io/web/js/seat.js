// seat.js - the Vacated seat view: record dropped / graduated / hold /
// returned for a member, see the ranked candidates for an opened seat
// (why each fits, the composition after they join) and place one.

import { h, clear, table, fmtNum } from './dom.js';
import { post, can } from './api.js';
import { state, membersNow, typeName, today, DAY_NAMES, onProgram } from './state.js';

const EVENTS = [['dropped', 'dropped out'], ['graduated', 'graduated'], ['hold_clinical', 'on clinical hold'],
  ['hold_admin', 'on administrative hold'], ['returned', 'returned from hold']];
let form = { group: '', patient: '', event: 'dropped', date: '' };
let answer = null;   // the last events answer: {recorded, suggestions, date}

const P = () => `/programs/${encodeURIComponent(state.program)}`;

export function render(sec, ctx) {
  onProgram('seat', () => { form = { group: '', patient: '', event: 'dropped', date: '' }; answer = null; });
  clear(sec, h('h2#seat-h', null, 'Vacated seat'));
  if (!state.sched) { sec.append(h('p', null, 'Plan and publish a schedule first.')); return; }
  if (!can(state.role, 'coordinator')) {
    sec.append(h('p', null, 'Recording roster events and placing patients needs a coordinator; your role can see the week and the waitlist.'));
    return;
  }
  const running = state.sched.groups.filter((g) => g.running);
  if (!running.some((g) => g.id === form.group)) form.group = running[0].id;
  const grp = running.find((g) => g.id === form.group);
  const members = membersNow(grp);
  if (!members.includes(form.patient)) form.patient = members[0] || '';
  if (!form.date) form.date = today() < state.inst.program.horizon.start ? state.inst.program.horizon.start : today();
  const sel = (id, key, opts) => h('select', { id, on: { change: (e) => { form[key] = e.target.value; render(sec, ctx); document.getElementById(id).focus(); } } },
    opts.map(([v, l]) => h('option', { value: v, selected: form[key] === v }, l)));
  sec.append(h('form.card.noprint', { on: { submit: (e) => { e.preventDefault(); record(sec, ctx); } } },
    h('h3', null, 'Record a roster event'),
    h('div.row', null,
      h('label', { for: 'seat-group' }, 'Group'),
      sel('seat-group', 'group', running.map((g) => [g.id, `${g.id} — ${typeName(g.type)}, ${DAY_NAMES[g.day]} ${g.start}`])),
      h('label', { for: 'seat-patient' }, 'Member'),
      sel('seat-patient', 'patient', members.map((p) => [p, p])),
      h('label', { for: 'seat-event' }, 'Event'),
      sel('seat-event', 'event', EVENTS),
      h('label', { for: 'seat-date' }, 'Date'),
      h('input#seat-date', { type: 'date', value: form.date, required: true, on: { change: (e) => { form.date = e.target.value; } } })),
    h('button.primary', { type: 'submit', disabled: !form.patient }, 'Record')));
  if (answer) sec.append(result(sec, ctx));
}

async function record(sec, ctx) {
  const ev = { event: form.event, group: form.group, patient: form.patient, date: form.date };
  try {
    const r = await post(`${P()}/events`, ev);
    answer = { ...r, date: form.date };
    await ctx.reload(`Recorded: ${form.patient} ${EVENTS.find((e) => e[0] === form.event)[1]} (${form.group}).`);
    const el = document.getElementById('cand-h');
    if (el) el.focus();
  } catch (e) { ctx.fail(e); }
}

async function place(sec, ctx, group, patient) {
  try {
    await post(`${P()}/events`, { event: 'placed', group, patient, date: answer.date });
    answer.placed = { group, patient };
    await ctx.reload(`${patient} is placed in ${group}.`);
  } catch (e) { ctx.fail(e); }
}

function result(sec, ctx) {
  const sg = answer.suggestions || {};
  const seats = sg.seats || [];
  return h('div.card.candidates', null,
    h('h3#cand-h', { tabindex: '-1' }, 'Who could take the seat'),
    (sg.events || []).map((e) => h('p', null, e)),
    seats.length ? null : h('p', null, 'No seat opened (a hold keeps the seat; a return takes it back).'),
    seats.map((s) => h('div.seat', null,
      h('h4', null, `Seat in ${s.group}: ${s.eligible} eligible`,
        s.excluded_by_composition ? `; excluded by composition: ${Object.entries(s.excluded_by_composition).filter(([, n]) => n).map(([k, n]) => `${n} by ${k}`).join(', ') || 'none'}` : ''),
      answer.placed && answer.placed.group === s.group ? h('p.ok', null, `✓ ${answer.placed.patient} placed.`) : null,
      s.candidates.length ? table(`Ranked candidates for ${s.group} (score: the planner's value of placing them, higher first)`, [
        { label: 'Rank', cell: (c) => String(c.rank), cls: 'num' },
        { label: 'Patient', cell: (c) => c.patient },
        { label: 'Score', cell: (c) => fmtNum(c.value, 1), cls: 'num' },
        { label: 'Waiting', cell: (c) => `${c.wait_days} days`, cls: 'num' },
        { label: 'Priority', cell: (c) => String(c.priority), cls: 'num' },
        { label: 'Why they fit', cell: (c) => h('ul.reasons', null, c.why.map((w) => h('li', null, w))) },
        { label: 'Group after they join', cell: (c) => composition(c.composition_after) },
        { label: 'Place', cell: (c) => (answer.placed && answer.placed.group === s.group ? (answer.placed.patient === c.patient ? h('strong.ok', null, '✓ placed') : 'seat taken') : h('button', {
          type: 'button', class: c.rank === 1 ? 'primary' : '', 'aria-label': `Place ${c.patient} in ${s.group}`,
          on: { click: () => place(sec, ctx, s.group, c.patient) } }, c.rank === 1 ? 'Place (top)' : 'Place')) },
      ], s.candidates, { class: 'compact' }) : h('p', null, 'Nobody on the waitlist fits this seat.'))),
    (sg.below_minimum || []).map((b) => h('div.warn', null, h('h4', null, `⚠ ${b.group} is below its minimum (${b.size} of ${b.min_size})`),
      h('ul', null, (b.options || []).map((o) => h('li', null, typeof o === 'string' ? o : JSON.stringify(o)))))));
}

function composition(c) {
  if (!c) return '';
  return h('ul.reasons', null,
    h('li', null, `size ${c.size} of ${c.max_size}`),
    h('li', null, `new members ${Math.round(c.new_share * 100)}%`),
    h('li', null, `high acuity ${c.high_acuity}`),
    h('li', null, `age spread ${c.age_spread} years`));
}
