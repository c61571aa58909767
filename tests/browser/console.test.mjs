// console.test.mjs - the web console in headless Chromium.
//
// Starts `cohort serve` on a free loopback port with a temporary store,
// creates tokens, imports datasets/sample.json, plans and publishes it
// through the API, then in the browser: signs in, finds every running
// group of the plan in the week grid, records a drop and places the top
// candidate, downloads each export (iCalendar, CSV, FHIR, printable) and
// checks its content, creates, reads and revokes a calendar subscription,
// reviews and publishes a relaxed plan of an infeasible program (its
// exceptions in words), runs a what-if and sees its charts, checks that a viewer is
// offered no edit controls (and that the API refuses them), that the week
// prints on one landscape page, that no console error happened, and runs
// axe-core on every view (no serious or critical violation).
// Screenshots go to <build>/browser-screenshots/.
//
// usage: node console.test.mjs COHORT_BINARY BUILD_DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const [bin, buildDir] = process.argv.slice(2);
if (!bin || !buildDir) { console.error('usage: node console.test.mjs COHORT_BINARY BUILD_DIR'); process.exit(2); }
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = join(resolve(buildDir), 'browser-screenshots');
mkdirSync(shots, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'cohort-browser-'));
const db = join(tmp, 'console.db');
let server = null, browser = null;

function step(msg) { console.log(`browser: ${msg}`); }

function token(role) {
  const out = execFileSync(bin, ['token', 'create', '--role', role, '--name', `browser-${role}`, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /cht_[0-9a-f]+/.exec(out);
  assert.ok(m, `no token in: ${out}`);
  return m[0];
}

function startServer() {
  return new Promise((res, rej) => {
    server = spawn(bin, ['serve', '--db', db, '--port', '0', '--bind', '127.0.0.1', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const t = setTimeout(() => rej(new Error('cohort serve did not start: ' + out)), 20000);
    const on = (d) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.]+:[0-9]+)/.exec(out);
      if (m) { clearTimeout(t); res(m[1]); }
    };
    server.stdout.on('data', on);
    server.stderr.on('data', on);
    server.on('exit', (code) => rej(new Error(`cohort serve exited (${code}): ${out}`)));
  });
}

async function api(base, tok, method, path, body) {
  const r = await fetch(base + '/v1' + path, {
    method, headers: { Authorization: 'Bearer ' + tok, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function waitJob(base, tok, id) {
  for (let i = 0; i < 600; i++) {
    const r = await api(base, tok, 'GET', '/jobs/' + id);
    if (r.json.status !== 'queued' && r.json.status !== 'running') return r.json;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error('job ' + id + ' did not finish');
}

const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
async function axe(page, name) {
  // evaluated through the DevTools protocol: the console's CSP (rightly) refuses inline scripts
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  // no value leaks into the page as a word a reader cannot use
  const shown = await page.locator('main').innerText();
  assert.doesNotMatch(shown, /\b(null|undefined|NaN)\b|\[object /, `${name}: the page shows a missing value`);
  const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(res.passes.length > 10, `axe on ${name} checked nothing`);
  step(`axe ${name}: ${res.passes.length} rules pass, ${res.violations.length} violations`);
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of res.violations)
    console.log(`browser: axe ${name}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')})`);
  assert.equal(bad.length, 0, `axe on ${name}: ${bad.length} serious/critical violations: ${bad.map((v) => v.id).join(', ')}`);
}

const count = (text, re) => (text.match(re) || []).length;

// Click the export button named label; the browser's download, checked for
// its file name, as text.
async function download(page, label, filename) {
  const [dl] = await Promise.all([page.waitForEvent('download'),
    page.locator('.exportcard').getByRole('button', { name: new RegExp('^' + label) }).click()]);
  assert.equal(dl.suggestedFilename(), filename);
  const path = await dl.path();
  assert.ok(path, `the ${label} download failed: ${await dl.failure()}`);
  return readFileSync(path, 'utf8');
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
}

async function signIn(page, base, tok) {
  await page.goto(base + '/');
  await page.getByLabel('Token', { exact: true }).fill(tok);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#role-badge').filter({ hasText: 'signed in as' }).waitFor();
}

async function main() {
  const admin = token('admin');
  const viewer = token('viewer');
  const base = await startServer();
  step('server at ' + base);

  // the sample, planned and published through the API
  let r = await api(base, admin, 'POST', '/programs?id=riverside', readFileSync(join(root, 'datasets/sample.json'), 'utf8'));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  r = await api(base, admin, 'POST', '/programs/riverside/plan', { time_limit_s: 20 });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  const job = await waitJob(base, admin, r.json.job);
  assert.equal(job.status, 'done', JSON.stringify(job).slice(0, 500));
  r = await api(base, admin, 'POST', `/programs/riverside/schedules/${job.version}/publish`);
  assert.equal(r.status, 200);
  const running = job.result.groups.filter((g) => g.running).map((g) => g.id);
  assert.ok(running.length > 0);
  step(`planned version ${job.version}: ${running.length} running groups`);

  // a fresh profile (--user-data-dir) in the temporary folder
  browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1600, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('pageerror', (e) => errors.push('page: ' + e.message));
  page.on('requestfailed', (q) => errors.push('request failed: ' + q.url()));
  page.on('response', (resp) => {
    // the only expected non-2xx: none in this walk
    if (resp.status() >= 400) errors.push(`HTTP ${resp.status()} ${resp.url().replace(base, '')}`);
  });
  page.setDefaultTimeout(60000);

  // the console's own answers: a strict policy, revalidation by ETag
  const home = await fetch(base + '/');
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-security-policy') || '', /default-src 'none'; script-src 'self'/);
  assert.equal((await fetch(base + '/', { headers: { 'If-None-Match': home.headers.get('etag') } })).status, 304);

  // sign in (a wrong token is refused in words); the token never appears in the URL
  await page.goto(base + '/');
  await page.getByLabel('Token', { exact: true }).fill('cht_not_a_token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signin-error').filter({ hasText: 'unknown or revoked' }).waitFor();
  assert.equal(await page.locator('#tabs').isVisible(), false, 'no sections before sign-in');
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false, 'no sign-out before sign-in');
  await shot(page, '00-sign-in');
  await axe(page, 'sign-in');
  errors.length = 0;   // the refused whoami (401) above was expected
  await signIn(page, base, admin);
  assert.ok(!page.url().includes(admin), 'the token is in the URL');
  await page.locator('.weekgrid').waitFor();
  const shown = await page.$$eval('.weekgrid [data-group]', (els) => [...new Set(els.map((e) => e.dataset.group))]);
  assert.deepEqual([...shown].sort(), [...running].sort(), 'the week grid shows every running group once');
  const txt = await page.locator('.weekgrid').innerText();
  assert.match(txt, /\d+\/\d+/, 'fill shown as n/max');
  step(`week grid shows all ${shown.length} running groups`);
  await shot(page, '01-week-by-room');
  await axe(page, 'week');
  await page.getByRole('button', { name: 'by facilitator' }).click();
  await page.locator('button[data-lanes=facilitator][aria-pressed=true]').waitFor();
  await shot(page, '02-week-by-facilitator');
  // keyboard: a block is a button; Enter opens its details
  await page.locator('.weekgrid [data-group]').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('.details h3').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.group !== undefined), true, 'focus stays on the block');
  await page.locator('.details').screenshot({ path: join(shots, '02b-week-group-details.png') });
  await axe(page, 'week with details');

  // waitlist: filter and a patient's history
  await page.locator('#tabs').getByRole('link', { name: 'Waitlist', exact: true }).click();
  await page.locator('table.waitlist').waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('unplaced');
  const unplacedRows = await page.locator('table.waitlist tbody tr').count();
  assert.equal(unplacedRows, job.result.unplaced.length, 'unplaced filter lists the plan\'s unplaced patients');
  await page.getByLabel('Search', { exact: true }).pressSequentially('P0044');   // key by key, as typed
  await page.locator('p[role=status]').filter({ hasText: /^1 shown/ }).waitFor();
  assert.equal(await page.locator('table.waitlist tbody tr td').first().innerText(), 'P0044', 'search finds the patient');
  assert.equal(await page.getByLabel('Search', { exact: true }).evaluate((e) => e === document.activeElement), true, 'typing keeps the focus in the search box');
  await page.getByLabel('Search', { exact: true }).fill('');
  await page.locator('table.waitlist tbody tr').first().getByRole('button').click();
  await page.locator('#hist-h').waitFor();
  await shot(page, '03-waitlist');
  await axe(page, 'waitlist');

  // plan view: versions and review of the published one
  await page.locator('#tabs').getByRole('link', { name: 'Plan', exact: true }).click();
  await page.getByRole('button', { name: `Review version ${job.version}` }).click();
  await page.locator('#review-h').waitFor();
  await shot(page, '04-plan');
  await axe(page, 'plan');
  await page.getByLabel('Time limit (seconds)', { exact: true }).fill('5');
  await page.getByRole('button', { name: 'Start plan' }).click();
  await page.locator('#plan-prog').waitFor();
  await page.locator('.status .ok').filter({ hasText: 'Plan finished' }).waitFor({ timeout: 120000 });
  const next = job.version + 1;
  await page.locator('#review-h').filter({ hasText: `version ${next}` }).waitFor();
  assert.ok(await page.locator('.review').getByText(/changes against the published schedule|No change against the published schedule/).count() > 0,
    'the new version is compared with the published one');
  await shot(page, '04b-plan-new-version');
  await page.getByRole('button', { name: `Publish version ${next}` }).click();
  await page.locator('.status .ok').filter({ hasText: `version ${next} is published` }).waitFor();
  r = await api(base, admin, 'GET', '/programs/riverside/schedules');
  assert.equal(r.json.items.find((v) => v.published).version, next, 'the console published the new version');
  step(`planned and published version ${next} from the console`);

  // exports: each button downloads the real file of the shown version
  await page.locator('#tabs').getByRole('link', { name: 'Week', exact: true }).click();
  await page.locator('.lede').filter({ hasText: `schedule version ${next} (published)` }).waitFor();
  const pubSol = (await api(base, admin, 'GET', `/programs/riverside/schedules/${next}`)).json;
  const nRunning = pubSol.groups.filter((g) => g.running).length;
  const ics = await download(page, 'iCalendar', `riverside-v${next}.ics`);
  assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n'), 'the iCalendar starts with BEGIN:VCALENDAR: ' + ics.slice(0, 40));
  assert.equal(count(ics, /^RRULE:/gm), nRunning, 'one recurring VEVENT per running group');
  assert.equal(count(ics, /^BEGIN:VEVENT/gm) - count(ics, /^RECURRENCE-ID/gm), nRunning, 'no VEVENT besides the groups and their overrides');
  const csv = await download(page, 'CSV', `riverside-v${next}.csv`);
  const lines = csv.split('\r\n').filter((l) => l);
  assert.match(lines[0], /^group,type,type_name,day,start,end,cadence,room,facilitators,facilitator_names,substitute,patient,status$/, 'the CSV has its header row');
  assert.equal(lines.length - 1, pubSol.metrics.seats_filled, 'one roster row per seat filled');
  const fhir = JSON.parse(await download(page, 'FHIR', `riverside-v${next}.json`));
  assert.equal(fhir.resourceType, 'Bundle');
  assert.equal(fhir.type, 'collection');
  const kinds = (k) => fhir.entry.filter((e) => e.resource.resourceType === k).length;
  assert.equal(kinds('Schedule'), nRunning, 'a FHIR Schedule per running group');
  assert.equal(kinds('Appointment'), pubSol.sessions.length, 'a FHIR Appointment per session');
  const html = await download(page, 'Printable', `riverside-v${next}.html`);
  assert.match(html, /^<!DOCTYPE html>/i);
  assert.ok(html.includes('Riverside'), 'the printable schedule names the program');
  step(`exports downloaded: ics (${nRunning} groups), csv (${lines.length - 1} rows), fhir (${fhir.entry.length} entries), html`);

  // a calendar subscription: created from the console (URL shown once), read without a token, revoked
  const chen = pubSol.groups.find((g) => g.running).facilitators[0];
  await page.getByLabel('Calendar of', { exact: true }).selectOption(`facilitator:${chen}`);
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  const subUrl = await page.locator('#sub-url').inputValue();
  assert.match(subUrl, new RegExp(`^${base}/v1/calendars/[^/]+\\.ics$`), 'the subscription URL is absolute: ' + subUrl);
  let feed = await fetch(subUrl);
  assert.equal(feed.status, 200, 'the subscription answers without a token');
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  assert.ok((await feed.text()).startsWith('BEGIN:VCALENDAR'));
  assert.equal(await page.locator('table.subs-table tbody tr').count(), 1, 'one live subscription listed');
  await page.locator('.exportcard').screenshot({ path: join(shots, '04c-week-exports-subscribed.png') });
  await axe(page, 'week with a subscription');
  await page.locator('table.subs-table').getByRole('button', { name: /^Revoke/ }).click();
  await page.locator('.status .ok').filter({ hasText: 'revoked' }).waitFor();
  assert.equal(await page.locator('#sub-url').count(), 0, 'the revoked URL is no longer shown');
  assert.equal(await page.locator('table.subs-table').count(), 0, 'no live subscription left');
  feed = await fetch(subUrl);
  assert.equal(feed.status, 404, 'a revoked subscription answers 404');
  r = await api(base, admin, 'GET', '/programs/riverside/calendars');
  assert.equal(r.json.items.length, 1);
  assert.ok(r.json.items[0].revoked, 'the store marks it revoked');
  step('calendar subscription created, read and revoked from the console');

  // vacated seat: a drop from dbt-tue-pm, then place the top candidate
  await page.locator('#tabs').getByRole('link', { name: 'Vacated seat', exact: true }).click();
  await page.getByLabel('Group', { exact: true }).selectOption('dbt-tue-pm');
  await page.getByLabel('Member', { exact: true }).selectOption('P0002');
  await page.getByLabel('Event', { exact: true }).selectOption('dropped');
  await page.getByLabel('Date', { exact: true }).fill('2027-01-18');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.locator('.candidates table').waitFor();
  const top = await page.locator('.candidates tbody tr').first().locator('td').nth(1).innerText();
  step('top candidate for the dropped seat: ' + top);
  await shot(page, '05-seat-candidates');
  await axe(page, 'vacated seat');
  await page.getByRole('button', { name: `Place ${top} in dbt-tue-pm` }).click();
  await page.locator('.status .ok').filter({ hasText: `${top} is placed` }).waitFor();
  r = await api(base, admin, 'GET', '/programs/riverside/groups/dbt-tue-pm');
  const entry = r.json.members.find((m) => m.patient === top);
  assert.ok(entry && entry.status === 'active', `${top} is an active member after placing: ${JSON.stringify(entry)}`);
  assert.equal(r.json.members.find((m) => m.patient === 'P0002').status, 'dropped');
  await shot(page, '06-seat-placed');

  // what-if: one scenario (a DBT facilitator and a room) with the marginal values, run as a job, charts drawn
  await page.locator('#tabs').getByRole('link', { name: 'What-if', exact: true }).click();
  await page.getByLabel('Change', { exact: true }).selectOption('add_facilitator');
  await page.getByLabel('Name', { exact: true }).fill('Second DBT lead');
  await page.getByLabel('DBT', { exact: true }).check();
  await page.getByRole('button', { name: 'Add this change' }).click();
  await page.getByLabel('Change', { exact: true }).selectOption('add_room');
  await page.getByLabel('Capacity', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Add this change' }).click();
  assert.equal(await page.locator('ol.changes li').count(), 2, 'two changes in the draft scenario');
  await page.getByLabel('Scenario name', { exact: true }).fill('DBT lead and a room');
  await page.getByRole('button', { name: 'Save scenario' }).click();
  await page.getByLabel('Time limit per plan (s)', { exact: true }).fill('5');
  await page.getByLabel(/marginal values/).check();
  await page.getByRole('button', { name: 'Run what-if' }).click();
  await page.locator('#cmp-h').waitFor({ timeout: 180000 });
  const charts = await page.locator('.compare svg.chart').count();
  assert.ok(charts >= 4, `what-if charts drawn (${charts})`);
  const heads = await page.locator('.compare thead th').allInnerTexts();
  assert.ok(heads.includes('baseline') && heads.includes('DBT lead and a room'), 'baseline and scenario side by side: ' + heads);
  const bars = await page.locator('.compare svg.chart rect.bar').count();
  assert.ok(bars >= 8, 'chart bars drawn: ' + bars);
  const ranked = await page.locator('.compare h4').filter({ hasText: 'Marginal value' }).count();
  assert.equal(ranked, 1, 'the marginal-value ranking is shown');
  const rank1 = await page.locator('.compare table').last().locator('tbody tr').first().locator('td').first().innerText();
  assert.equal(rank1, '1', 'ranked from 1');
  await shot(page, '07-whatif');
  await axe(page, 'what-if');

  // the week prints on one landscape page
  await page.locator('#tabs').getByRole('link', { name: 'Week', exact: true }).click();
  await page.locator('.weekgrid').waitFor();
  await page.emulateMedia({ media: 'print' });
  await shot(page, '08-week-print');
  await page.emulateMedia({ media: null });   // page.pdf prints with print CSS unless screen is forced
  const pdf = await page.pdf({ landscape: true, format: 'Letter', printBackground: true, preferCSSPageSize: true });
  writeFileSync(join(shots, 'week-print.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 1, `the printed week is one page (got ${pages})`);

  // uncovered sessions are highlighted: a program where everyone is off on one Tuesday
  const inst = JSON.parse(readFileSync(join(root, 'datasets/sample.json'), 'utf8'));
  for (const f of inst.facilitators) (f.time_off = f.time_off || []).push({ from: '2027-02-09', to: '2027-02-09' });
  r = await api(base, admin, 'POST', '/programs?id=uncovered', inst);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  r = await api(base, admin, 'POST', '/programs/uncovered/plan', { time_limit_s: 10 });
  const ujob = await waitJob(base, admin, r.json.job);
  assert.ok(ujob.result.metrics.uncovered_sessions > 0, 'the crafted program has uncovered sessions');
  await page.reload();
  await page.locator('#program').selectOption('uncovered');
  await page.locator('.lede').filter({ hasText: 'not published' }).waitFor();   // its latest version
  const cell = page.locator('table.calendar td.uncovered');
  assert.equal(await cell.count(), 1, 'one day with uncovered sessions is highlighted');
  assert.match(await cell.innerText(), new RegExp(`⚠ ${ujob.result.metrics.uncovered_sessions} uncovered`));
  assert.equal(await page.locator('.quarter strong.bad').count(), ujob.result.metrics.uncovered_sessions, 'each uncovered session is listed');
  await page.locator('.quarter').screenshot({ path: join(shots, '10-quarter-uncovered.png') });

  // a relaxed plan: a program that cannot keep every rule, planned from the console
  r = await api(base, admin, 'POST', '/programs?id=onesud', readFileSync(join(root, 'datasets/fixtures/relax/one-sud.json'), 'utf8'));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  await page.reload();
  await page.locator('#program').selectOption('onesud');
  await page.locator('#tabs').getByRole('link', { name: 'Plan', exact: true }).click();
  await page.locator('#view-plan h2').waitFor();
  assert.equal(await page.locator('#view-plan').getByText('No schedule saved yet.').count(), 1, 'a new program has no version');
  await page.getByRole('button', { name: 'Start plan' }).click();
  await page.locator('.status .ok').filter({ hasText: 'Plan finished' }).waitFor({ timeout: 120000 });
  await page.locator('#review-h').filter({ hasText: 'infeasible' }).waitFor();
  const st = await page.locator('.review .statusline').innerText();
  assert.match(st, /^Infeasible: no schedule can keep every rule/, 'the status is explained: ' + st);
  assert.match(st, /relaxed plan/, 'the relaxed plan is named: ' + st);
  const relaxed = (await api(base, admin, 'GET', '/programs/onesud/schedules/newest')).json;
  assert.equal(relaxed.status, 'infeasible');
  assert.ok(relaxed.exceptions.length > 0, 'the stored plan carries its exceptions');
  const excRows = page.locator('.exceptions table.exc-table tbody tr');
  assert.equal(await excRows.count(), relaxed.exceptions.length, 'one row per exception');
  const rulesShown = await excRows.locator('td:nth-child(1)').allInnerTexts();
  const words = { 1: 'A must-run group does not run (rule 1)', 5: 'No designated substitute (rule 5)', 8: 'A continuing group runs below its minimum size (rule 8)' };
  assert.deepEqual(rulesShown, relaxed.exceptions.map((e) => words[e.rule]), 'each rule in words');
  const onesud = JSON.parse(readFileSync(join(root, 'datasets/fixtures/relax/one-sud.json'), 'utf8'));
  const whys = await excRows.locator('td:nth-child(4)').allInnerTexts();
  relaxed.exceptions.forEach((e, i) => {
    assert.ok(whys[i].length > 20, 'a reason is given: ' + whys[i]);
    for (const f of e.facilitators || []) {
      const name = onesud.facilitators.find((x) => x.id === f).name;
      assert.ok(whys[i].includes(name) && !new RegExp(`\\b${f}\\b`).test(whys[i]), `the reason names ${name}, not ${f}: ${whys[i]}`);
    }
  });
  assert.ok(await page.locator('.exceptions li').count() >= 1, 'the diagnosis is listed');
  await shot(page, '11-plan-relaxed');
  await axe(page, 'plan with a relaxed plan');
  step(`relaxed plan reviewed: ${relaxed.exceptions.length} exception(s) shown`);
  const nb = relaxed.exceptions.length;
  await page.getByRole('button', { name: `Publish version 1 (breaks ${nb} rule${nb > 1 ? 's' : ''})` }).click();
  await page.locator('.status .ok').filter({ hasText: 'version 1 is published' }).waitFor();
  await page.locator('#tabs').getByRole('link', { name: 'Week', exact: true }).click();
  await page.locator('.lede').filter({ hasText: 'schedule version 1 (published)' }).waitFor();
  assert.equal(await page.locator('.weekgrid [data-group]').count() > 0, true, 'the published relaxed plan shows in the week');
  assert.match(await page.locator('#view-week p.warn').innerText(), new RegExp(`relaxed plan.*breaks ${nb} rule`), 'the week says the plan is relaxed');
  for (const e of relaxed.exceptions.filter((x) => x.rule === 5))
    assert.match(await page.locator(`.weekgrid [data-group="${e.group}"]`).first().innerText(), /no substitute/, `${e.group} shows it has no substitute`);
  await shot(page, '12-week-relaxed');
  // the review belongs to its program: riverside's Plan view does not show onesud's
  await page.locator('#program').selectOption('riverside');
  await page.locator('.lede').filter({ hasText: 'Riverside' }).waitFor();
  await page.locator('#tabs').getByRole('link', { name: 'Plan', exact: true }).click();
  await page.getByRole('button', { name: 'Review version 1' }).waitFor();
  assert.equal(await page.locator('#review-h').count(), 0, 'no review carried over from another program');
  await page.locator('#program').selectOption('riverside');

  assert.deepEqual(errors, [], 'no console errors, failed requests or error answers');

  // a viewer is offered nothing it may not do, and the API refuses it anyway
  const vpage = await browser.newPage();   // a new tab: its own sessionStorage
  const verrors = [];
  vpage.on('pageerror', (e) => verrors.push(e.message));
  vpage.on('console', (m) => { if (m.type() === 'error') verrors.push(m.text()); });
  await signIn(vpage, base, viewer);
  await vpage.locator('.weekgrid').waitFor();
  assert.equal(await vpage.locator('#tabs a[data-tab=seat]').isHidden(), true, 'no Vacated seat tab for a viewer');
  assert.equal(await vpage.locator('#tabs a[data-tab=whatif]').isHidden(), true, 'no What-if tab for a viewer');
  for (const tab of ['plan', 'seat', 'whatif']) {
    await vpage.goto(base + '/#' + tab);
    await vpage.locator(`#view-${tab}:not([hidden]) h2`).waitFor();
    const edits = await vpage.locator(`#view-${tab} form, #view-${tab} button.primary`).count();
    assert.equal(edits, 0, `viewer sees no edit controls on ${tab}`);
  }
  await shot(vpage, '09-viewer-plan');
  await vpage.goto(base + '/#week');
  await vpage.locator('.exportcard').waitFor();
  assert.equal(await vpage.locator('.exportcard button[data-format]').count(), 4, 'a viewer can download the exports');
  assert.equal(await vpage.getByRole('button', { name: 'Subscribe', exact: true }).count(), 0, 'a viewer is not offered subscriptions');
  r = await api(base, viewer, 'POST', '/programs/riverside/calendars', { for: 'program' });
  assert.equal(r.status, 403, 'the API refuses a viewer\'s subscription');
  r = await api(base, viewer, 'POST', '/programs/riverside/plan', {});
  assert.equal(r.status, 403, 'the API refuses a viewer\'s plan');
  assert.deepEqual(verrors, [], 'no console errors for the viewer');

  // signing out forgets the token
  await vpage.getByRole('button', { name: 'Sign out' }).click();
  assert.equal(await vpage.evaluate(() => sessionStorage.getItem('cohort.token')), null);
  step('all checks passed; screenshots in ' + shots);
}

try {
  await main();
} catch (e) {
  console.error('browser: FAILED: ' + (e.stack || e));
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
