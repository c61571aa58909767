// state.js - the signed-in session and the selected program: its stored
// instance, its current schedule (published, else the latest saved) and
// what the views derive from them.

import { api, get, list } from './api.js';

export const state = {
  role: null,        // viewer | coordinator | admin
  tokenId: null,
  programs: [],
  program: null,     // id
  inst: null,        // the stored program (an instance)
  sched: null,       // the current schedule (a solution) or null
  schedVersion: null,
  schedPublished: false,
  versions: [],
};

// Load the program's instance, schedule versions and current schedule.
export async function loadProgram(id) {
  state.program = id;
  const p = encodeURIComponent(id);
  const [inst, versions] = await Promise.all([get(`/programs/${p}`), list(`/programs/${p}/schedules`)]);
  state.inst = inst;
  state.versions = versions;
  state.sched = null;
  state.schedVersion = null;
  state.schedPublished = false;
  const pub = versions.find((v) => v.published);
  const which = pub ? 'published' : versions.length ? 'newest' : null;
  if (which) {
    const r = await api('GET', `/programs/${p}/schedules/${which}`);
    state.sched = r.data;
    state.schedVersion = Number(r.headers.get('X-Schedule-Version')) || null;
    state.schedPublished = !!pub;
  }
}

export const typeById = (id) => (state.inst.group_types || []).find((t) => t.id === id);
export const typeName = (id) => (typeById(id) || { name: id }).name;
export const facName = (id) => ((state.inst.facilitators || []).find((f) => f.id === id) || { name: id }).name;
export const typeIndex = (id) => Math.max(0, (state.inst.group_types || []).findIndex((t) => t.id === id));

// The group types a patient fits: the referral's types, else every type
// with a diagnosis the patient's diagnosis starts with; age and gender
// restrictions apply (an unknown age fails a restricted type).
export function typesFor(p) {
  return (state.inst.group_types || []).filter((t) => {
    const typed = Array.isArray(p.group_types) && p.group_types.length
      ? p.group_types.includes(t.id)
      : (p.diagnoses || []).some((d) => (t.diagnoses || []).some((td) => d.startsWith(td)));
    if (!typed) return false;
    if ((t.age_min != null || t.age_max != null) && p.age == null) return false;
    if (t.age_min != null && p.age < t.age_min) return false;
    if (t.age_max != null && p.age > t.age_max) return false;
    if (t.gender && p.gender !== t.gender) return false;
    return true;
  }).map((t) => t.id);
}

// Roster entries by patient id: {group, status, since}.
export function rosterIndex() {
  const ix = new Map();
  for (const g of state.inst.groups || [])
    for (const m of g.members || []) ix.set(m.patient, { group: g.id, status: m.status, since: m.since });
  return ix;
}

// The waitlist: patients named in no roster.
export function waitlist() {
  const ix = rosterIndex();
  return (state.inst.patients || []).filter((p) => !ix.has(p.id));
}

// A running group's members now: the schedule's members, plus roster
// members placed since (active or on hold), minus those who left.
export function membersNow(g) {
  const stored = (state.inst.groups || []).find((x) => x.id === g.id);
  const set = new Set(g.members || []);
  for (const m of (stored && stored.members) || []) {
    if (m.status === 'dropped' || m.status === 'graduated') set.delete(m.patient);
    else set.add(m.patient);
  }
  return [...set];
}

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const DAY_NAMES = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
export const toMin = (hhmm) => { const [a, b] = hhmm.split(':').map(Number); return a * 60 + b; };
export const isoDay = (d) => d.toISOString().slice(0, 10);
export function addDays(iso, n) { const d = new Date(iso + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); }
export const daysBetween = (a, b) => Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
export const today = () => isoDay(new Date());

// "weekly", or "biweekly, weeks 1, 3, 5…" from the type's cadence and the group's parity
// (horizon weeks w, counted from 0, with w % 2 == week_parity).
export function cadenceText(g) {
  const t = typeById(g.type) || {};
  if (t.cadence === 'biweekly') return `biweekly, weeks ${g.week_parity ? '2, 4, 6…' : '1, 3, 5…'}`;
  return t.cadence || 'weekly';
}

// A view's own state (a review, an answer, a draft) belongs to one program:
// reset() runs when the view is drawn for another program than last time.
const drawnFor = new Map();
export function onProgram(view, reset) {
  if (drawnFor.get(view) !== state.program) {
    drawnFor.set(view, state.program);
    reset();
  }
}
