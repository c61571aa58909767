// app.js - the console's shell: sign-in, the program picker, the tabs
// (from location.hash) and the status line.  Each view module renders its
// section from state.js.

import { ApiError, can, clearToken, get, getToken, list, setToken } from './api.js';
import { h, clear } from './dom.js';
import { state, loadProgram } from './state.js';
import * as week from './week.js';
import * as waitlist from './waitlist.js';
import * as plan from './plan.js';
import * as seat from './seat.js';
import * as whatif from './whatif.js';

const VIEWS = { week, waitlist, plan, seat, whatif };
const $ = (id) => document.getElementById(id);

// The status line (polite live region); kind: info | ok | error.
export function notify(text, kind = 'info') {
  clear($('status'), text ? h('p', { class: 'msg ' + kind }, text) : null);
}

// Report a failed action in the status line; a 401 signs out.
export function fail(err) {
  if (err instanceof ApiError && err.status === 401) { signOut('The token was refused: sign in again.'); return; }
  notify(err instanceof ApiError ? `The server refused: ${err.message}` : String(err.message || err), 'error');
}

const ctx = {
  notify, fail,
  // after a change: reload the program and redraw the current view
  async reload(msg) {
    await loadProgram(state.program);
    render();
    if (msg) notify(msg, 'ok');
  },
};

function currentTab() {
  const t = location.hash.replace('#', '');
  return VIEWS[t] ? t : 'week';
}

function render() {
  const tab = currentTab();
  for (const a of document.querySelectorAll('#tabs a'))
    if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  for (const sec of document.querySelectorAll('.view')) sec.hidden = sec.dataset.view !== tab;
  const sec = $('view-' + tab);
  try {
    VIEWS[tab].render(sec, ctx);
  } catch (e) {
    fail(e);
  }
}

function signOut(msg) {
  clearToken();
  Object.assign(state, { role: null, tokenId: null, inst: null, sched: null });
  $('who').hidden = true;
  $('tabs').hidden = true;
  for (const sec of document.querySelectorAll('.view')) { sec.hidden = true; sec.replaceChildren(); }
  $('signin').hidden = false;
  $('signin-error').textContent = msg || '';
  notify('');
  $('token').focus();
}

async function start() {
  let me;
  try {
    me = await get('/whoami');
  } catch (e) {
    signOut(e instanceof ApiError && e.status === 401 ? 'That token is unknown or revoked.' : 'Cannot reach the server: ' + e.message);
    return;
  }
  state.role = me.role;
  state.tokenId = me.token;
  $('signin').hidden = true;
  $('who').hidden = false;
  $('tabs').hidden = false;
  $('role-badge').textContent = `signed in as ${me.role} (token ${me.token})`;
  // sections the role cannot use are not offered (their pages say why if opened)
  for (const a of document.querySelectorAll('#tabs a[data-need]')) a.hidden = !can(me.role, a.dataset.need);
  state.programs = await list('/programs');
  const sel = $('program');
  clear(sel, state.programs.map((p) => h('option', { value: p.id }, `${p.name} (${p.id})`)));
  if (!state.programs.length) {
    notify('No program is stored yet: an administrator imports one (POST /v1/programs).', 'error');
    return;
  }
  const keep = sessionStorage.getItem('cohort.program');
  sel.value = state.programs.some((p) => p.id === keep) ? keep : state.programs[0].id;
  await switchProgram(sel.value);
}

async function switchProgram(id) {
  sessionStorage.setItem('cohort.program', id);
  notify('Loading ' + id + '…');
  try {
    await loadProgram(id);
    notify('');
    render();
  } catch (e) { fail(e); }
}

function init() {
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token').value.trim();
    $('token').value = '';
    if (!t) return;
    setToken(t);
    start();
  });
  $('signout').addEventListener('click', () => signOut('Signed out.'));
  $('program').addEventListener('change', (ev) => switchProgram(ev.target.value));
  window.addEventListener('hashchange', () => { if (state.inst) { notify(''); render(); $('main').focus(); } });
  if (getToken()) start(); else signOut('');
}

init();
