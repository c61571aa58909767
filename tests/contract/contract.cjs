'use strict';
// contract.cjs NODE_MODULES DOC BASE_URL ADMIN_TOKEN TINY_JSON
// Sends valid and invalid requests to every operation of the OpenAPI
// document DOC on a live `cohort serve` at BASE_URL and validates every
// answer, errors included, against the document with closed objects
// (additionalProperties: false on every object schema that lists its
// properties, in this test's copy).  Fails (exit 1) on the first
// undocumented status, media type or body; fails too if an operation of the
// document was never called.
const path = require('path');
const fs = require('fs');
const [nm, docPath, base, adminToken, tinyPath] = process.argv.slice(2);
const Ajv = require(path.join(nm, 'ajv'));
const addFormats = require(path.join(nm, 'ajv-formats'));

const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));

/* Close every object schema that names its properties. */
function close(s) {
  if (Array.isArray(s)) return s.forEach(close);
  if (!s || typeof s !== 'object') return;
  if (s.properties && s.additionalProperties === undefined && !s.oneOf && !s.allOf)
    s.additionalProperties = false;
  for (const v of Object.values(s)) close(v);
}
const closed = JSON.parse(JSON.stringify(doc.components));
close(closed.schemas);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'api', components: closed });
// every schema compiles
for (const name of Object.keys(closed.schemas))
  ajv.compile({ $ref: `api#/components/schemas/${name}` });

/* The document's operations by (method, template). */
const ops = [];
for (const [tpl, item] of Object.entries(doc.paths))
  for (const [m, op] of Object.entries(item)) ops.push({ method: m.toUpperCase(), tpl, op });
const called = new Set();
let checks = 0;

function match(method, url) {
  const p = url.split('?')[0];
  for (const o of ops) {
    if (o.method !== method) continue;
    const re = new RegExp('^' + o.tpl.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(p)) return o;
  }
  throw new Error(`${method} ${url}: no operation in the document`);
}

function fail(msg) {
  console.error('contract: FAILED: ' + msg);
  process.exit(1);
}

/* Resolve a response object (maybe a $ref). */
function resolve(r) {
  if (r && r.$ref) return resolve(r.$ref.split('/').slice(1).reduce((o, k) => o[k], doc));
  return r;
}

function schemaFor(s) {
  // a schema with $refs into the document: rewrite them to the closed copy
  const t = JSON.parse(JSON.stringify(s).replace(/"#\/components\//g, '"api#/components/'));
  close(t);
  return t;
}

async function call(method, url, { token = adminToken, body, type = 'application/json', headers = {}, expect } = {}) {
  const o = match(method, url);
  called.add(o.method + ' ' + o.tpl);
  const h = { ...headers };
  if (token) h.Authorization = 'Bearer ' + token;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] = type;
  }
  const res = await fetch(base + url, { method, headers: h, body: payload });
  const text = await res.text();
  const status = String(res.status);
  if (expect && res.status !== expect) fail(`${method} ${url}: expected ${expect}, got ${status}: ${text}`);
  const resp = resolve(o.op.responses[status]);
  if (!resp) fail(`${method} ${url}: status ${status} is not documented for ${o.op.operationId}: ${text}`);
  const ctype = (res.headers.get('content-type') || '').split(';')[0];
  if (resp.content) {
    const media = resp.content[ctype];
    if (!media) fail(`${method} ${url}: ${status} answered ${ctype}, documented ${Object.keys(resp.content)}`);
    const v = ajv.compile(schemaFor(media.schema));
    const j = JSON.parse(text);
    if (!v(j)) fail(`${method} ${url}: ${status} body does not match ${JSON.stringify(media.schema)}: ` +
                    ajv.errorsText(v.errors) + '\n' + text.slice(0, 2000));
    checks++;
    return { status: res.status, json: j, headers: res.headers };
  }
  if (text.length && res.status !== 200) fail(`${method} ${url}: ${status} has an undocumented body`);
  checks++;
  return { status: res.status, text, headers: res.headers };
}

async function poll(job) {
  for (let i = 0; i < 600; i++) {
    const r = await call('GET', `/v1/jobs/${job}`, { expect: 200 });
    if (!['queued', 'running'].includes(r.json.status)) return r.json;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  fail(`job ${job} did not finish`);
}

(async () => {
  const tiny = JSON.parse(fs.readFileSync(tinyPath, 'utf8'));
  // the stored copy: one payer authorization, so that the clinic answers below are real
  const stored = JSON.parse(JSON.stringify(tiny));
  stored.patients.find((p) => p.id === 'p02').authorizations = [
    { payer: 'Aetna', cpt: '90853', units: 4, used: 1, from: '2025-01-01', to: '2025-03-31' },
  ];
  // meta and stateless
  await call('GET', '/v1/health', { token: null, expect: 200 });
  await call('GET', '/v1/openapi.json', { token: null, expect: 200 });
  await call('GET', '/v1/whoami', { expect: 200 });
  await call('GET', '/v1/whoami', { token: null, expect: 401 });
  await call('POST', '/v1/validate', { body: tiny, expect: 200 });
  await call('POST', '/v1/validate', { body: { program: 7 }, expect: 400 });
  await call('POST', '/v1/validate', { body: '{"program":', expect: 400 });
  await call('POST', '/v1/validate', { token: null, body: tiny, expect: 401 });
  const plan = await call('POST', '/v1/plan', { body: { instance: tiny, time_limit_s: 5 }, expect: 200 });
  await call('POST', '/v1/plan', { body: [], expect: 400 });
  await call('POST', '/v1/check', { body: { instance: tiny, solution: plan.json }, expect: 200 });
  await call('POST', '/v1/check', { body: { instance: tiny }, expect: 400 });
  await call('POST', '/v1/fill', { body: { instance: tiny }, expect: 400 });
  const running = plan.json.groups.find((x) => x.running && x.members.length);
  await call('POST', '/v1/fill', {
    body: { instance: tiny, solution: plan.json, events: { event: 'dropped', group: running.id, patient: running.members[0] } },
    expect: 200,
  });
  await call('POST', '/v1/whatif', {
    body: { instance: tiny, scenarios: [{ name: 'as is', changes: [] }], time_limit_s: 3 },
    expect: 200,
  });
  await call('POST', '/v1/whatif', { body: { scenarios: [] }, expect: 400 });
  // programs
  await call('POST', '/v1/programs?id=t', { body: stored, expect: 201 });
  await call('POST', '/v1/programs?id=t', { body: stored, expect: 409 });
  await call('GET', '/v1/programs', { expect: 200 });
  await call('GET', '/v1/programs?page_size=0', { expect: 400 });
  const g = await call('GET', '/v1/programs/t', { expect: 200 });
  let etag = g.headers.get('etag');
  await call('GET', '/v1/programs/none', { expect: 404 });
  const put = await call('PUT', '/v1/programs/t', { body: stored, headers: { 'If-Match': etag }, expect: 200 });
  await call('PUT', '/v1/programs/t', { body: stored, headers: { 'If-Match': etag }, expect: 412 });
  etag = put.headers.get('etag');
  // entities: every collection, every method
  const samples = {
    group_types: ['cbt-anx', { id: 'gt-x', name: 'X', duration_min: 60, min_size: 2, max_size: 8 }],
    groups: ['cbt-1', null],
    rooms: ['room-a', { id: 'room-x', capacity: 6 }],
    facilitators: ['ana', { id: 'fac-x', name: 'X' }],
    patients: ['p01', { id: 'p-x', added: '2025-01-02' }],
  };
  for (const [coll, [first, fresh]] of Object.entries(samples)) {
    const l = await call('GET', `/v1/programs/t/${coll}?page_size=2`, { expect: 200 });
    if (l.json.next_page_token)
      await call('GET', `/v1/programs/t/${coll}?page_size=2&page_token=${l.json.next_page_token}`, { expect: 200 });
    await call('GET', `/v1/programs/t/${coll}?page_token=zz`, { expect: 400 });
    const e = await call('GET', `/v1/programs/t/${coll}/${first}`, { expect: 200 });
    await call('GET', `/v1/programs/t/${coll}/none`, { expect: 404 });
    await call('PUT', `/v1/programs/t/${coll}/${first}`, { body: e.json, expect: 200 });
    await call('PATCH', `/v1/programs/t/${coll}/${first}`, { body: {}, type: 'application/merge-patch+json', expect: 200 });
    await call('PATCH', `/v1/programs/t/${coll}/${first}`, { body: {}, expect: 415 });
    await call('PATCH', `/v1/programs/t/${coll}/${first}`, { body: {}, type: 'application/merge-patch+json', headers: { 'If-Match': '"0000000000000001"' }, expect: 412 });
    await call('POST', `/v1/programs/t/${coll}`, { body: { nope: 1 }, expect: 400 });
    await call('POST', `/v1/programs/t/${coll}`, { body: e.json, expect: 409 });
    if (fresh) {
      await call('POST', `/v1/programs/t/${coll}`, { body: { ...e.json, id: fresh.id }, expect: 201 });
      await call('DELETE', `/v1/programs/t/${coll}/${fresh.id}`, { expect: 204 });
    }
    await call('DELETE', `/v1/programs/t/${coll}/none`, { expect: 404 });
  }
  // plan the stored program, schedules, versions
  const job = await call('POST', '/v1/programs/t/plan', { body: { time_limit_s: 5 }, expect: 202 });
  const done = await poll(job.json.job);
  if (done.status !== 'done') fail('plan job: ' + JSON.stringify(done));
  await call('POST', '/v1/programs/t/plan', { body: { baseline: 'soon' }, expect: 400 });
  await call('GET', '/v1/programs/t/schedules', { expect: 200 });
  const s = await call('GET', '/v1/programs/t/schedules/newest', { expect: 200 });
  await call('GET', '/v1/programs/t/schedules/published', { expect: 404 });
  await call('POST', '/v1/programs/t/schedules', { body: s.json, expect: 201 });
  await call('POST', '/v1/programs/t/schedules', { body: { status: 'optimal', groups: 7 }, expect: 400 });
  await call('POST', '/v1/programs/t/schedules/newest/publish', { expect: 200 });
  await call('POST', '/v1/programs/t/schedules/99/publish', { expect: 404 });
  await call('GET', '/v1/programs/t/schedules/published/export?format=csv', { expect: 200 });
  await call('GET', '/v1/programs/t/schedules/published/export?format=pdf', { expect: 400 });
  // calendars
  const cal = await call('POST', '/v1/programs/t/calendars', { body: { for: 'program', version: 'published' }, expect: 201 });
  await call('POST', '/v1/programs/t/calendars', { body: { version: 'soon' }, expect: 400 });
  await call('GET', '/v1/programs/t/calendars', { expect: 200 });
  await call('GET', cal.json.url, { token: null, expect: 200 });
  await call('GET', '/v1/calendars/nope.ics', { token: null, expect: 404 });
  await call('DELETE', `/v1/programs/t/calendars/${cal.json.id}`, { expect: 204 });
  await call('DELETE', '/v1/programs/t/calendars/999', { expect: 404 });
  // events
  await call('POST', '/v1/programs/t/events', { body: { event: 'dropped', group: 'dbt-1', patient: 'p01', date: '2025-01-20' }, expect: 201 });
  await call('POST', '/v1/programs/t/events', { body: { event: 'vanished' }, expect: 400 });
  await call('GET', '/v1/programs/t/events?page_size=1', { expect: 200 });
  // clinic operations: real answers on dbt-1 (p01, p02; p01 dropped on 2025-01-20 above)
  const dbt = s.json.sessions.filter((x) => x.group === 'dbt-1').map((x) => x.date).sort();
  if (dbt.length < 3) fail('dbt-1 needs 3 sessions in the schedule: ' + JSON.stringify(dbt));
  await call('POST', '/v1/programs/t/attendance', {
    body: { group: 'dbt-1', date: dbt[0], marks: [{ patient: 'p01', status: 'present' }, { patient: 'p02', status: 'cancel', notice_hours: 2, note: 'sick' }] },
    expect: 201,
  });
  await call('POST', '/v1/programs/t/attendance', {
    body: { group: 'dbt-1', date: dbt[0], correct: true, marks: [{ patient: 'p01', status: 'late' }] },
    expect: 201,
  });
  await call('POST', '/v1/programs/t/attendance', { body: { group: 'dbt-1', date: dbt[1], cancelled: { reason: 'closed' } }, expect: 201 });
  await call('POST', '/v1/programs/t/attendance', { body: {}, expect: 400 });
  await call('POST', '/v1/programs/t/attendance', { body: { group: 'dbt-1', date: dbt[2], marks: [], extra: 1 }, expect: 400 });
  const al = await call('GET', '/v1/programs/t/attendance?page_size=1', { expect: 200 });
  if (!al.json.next_page_token) fail('attendance: one mark a page leaves more');
  await call('GET', `/v1/programs/t/attendance?page_size=1&page_token=${al.json.next_page_token}`, { expect: 200 });
  await call('GET', '/v1/programs/t/attendance?page_token=zz', { expect: 400 });
  await call('GET', '/v1/programs/t/attendance/flags', { expect: 200 });
  await call('GET', '/v1/programs/t/attendance/flags?all=true', { expect: 200 });
  await call('GET', `/v1/programs/t/roster?group=dbt-1&date=${dbt[2]}`, { expect: 200 });
  await call('GET', '/v1/programs/t/roster', { expect: 400 });
  const ex = await call('GET', `/v1/programs/t/authorizations/expiring?today=${dbt[2]}&within_days=60`, { expect: 200 });
  if (ex.json.authorizations.length !== 1) fail('expiring: p02\'s authorization: ' + JSON.stringify(ex.json));
  await call('GET', '/v1/programs/t/authorizations/expiring?within_days=999', { expect: 400 });
  await call('GET', '/v1/programs/t/census?period=month&start=2025-01', { expect: 200 });
  await call('GET', '/v1/programs/t/census?period=week&start=2025-01-06', { expect: 200 });
  await call('GET', '/v1/programs/t/census?period=fortnight&start=2027-01', { expect: 400 });
  const wl = await call('GET', '/v1/programs/t/waitlist?page_size=2', { expect: 200 });
  if (wl.json.next_page_token)
    await call('GET', `/v1/programs/t/waitlist?page_size=2&page_token=${wl.json.next_page_token}`, { expect: 200 });
  await call('GET', '/v1/programs/nope/seats/g1/candidates', { expect: 404 });
  for (const id of ['r1', 'r2', 'r3'])
    await call('POST', '/v1/programs/t/events', {
      body: {
        event: 'referral', date: '2025-01-20',
        patient: { id, diagnoses: ['F60.3'], available: [{ day: 'mon', from: '09:00', to: '20:00' }, { day: 'tue', from: '09:00', to: '20:00' }, { day: 'wed', from: '09:00', to: '20:00' }, { day: 'thu', from: '09:00', to: '20:00' }], screened: true, insurance_verified: true, age: 30 },
      },
      expect: 201,
    });
  const cands = await call('GET', '/v1/programs/t/seats/dbt-1/candidates', { expect: 200 });
  const top = cands.json.candidates.map((c) => c.patient);
  await call('POST', '/v1/programs/t/offers', { body: {}, expect: 400 });
  await call('POST', '/v1/programs/t/offers', { body: { group: 'dbt-1', patient: 'p01', seat: 1 }, expect: 400 });
  if (top.length >= 2) {
    const o1 = await call('POST', '/v1/programs/t/offers', { body: { group: 'dbt-1', patient: top[0], at: '2025-01-21T09:00:00Z' }, expect: 201 });
    await call('POST', `/v1/programs/t/offers/${o1.json.id}/contacts`, { body: { channel: 'phone', outcome: 'voicemail', note: 'left a message', at: '2025-01-21T10:00:00Z' }, expect: 201 });
    await call('POST', `/v1/programs/t/offers/${o1.json.id}/decision`, { body: { decision: 'declined', reason: 'work', at: '2025-01-21T11:00:00Z' }, expect: 200 });
    const o2 = await call('POST', '/v1/programs/t/offers', { body: { group: 'dbt-1', patient: top[1], at: '2025-01-21T12:00:00Z' }, expect: 201 });
    await call('POST', `/v1/programs/t/offers/${o2.json.id}/decision`, { body: { decision: 'accepted', at: '2025-01-21T13:00:00Z' }, expect: 200 });
    await call('POST', '/v1/programs/t/attendance/confirm', { body: { group: 'dbt-1', patient: 'p02', action: 'drop', date: '2025-01-22' }, expect: 201 });
    const c2 = await call('GET', '/v1/programs/t/seats/dbt-1/candidates', { expect: 200 });
    if (c2.json.candidates.length)
      await call('POST', '/v1/programs/t/offers', { body: { group: 'dbt-1', patient: c2.json.candidates[0].patient, at: '2025-01-22T09:00:00Z' }, expect: 201 });
  } else {
    fail('dbt-1 needs two ranked candidates: ' + JSON.stringify(cands.json));
  }
  await call('GET', '/v1/programs/t/offers?at=2025-02-01T00:00:00Z', { expect: 200 });
  await call('GET', '/v1/programs/t/offers?at=soon', { expect: 400 });
  await call('POST', '/v1/programs/t/offers/999/decision', { body: { decision: 'accepted' }, expect: 404 });
  await call('POST', '/v1/programs/t/offers/999/contacts', { body: { channel: 'phone', outcome: 'no_answer' }, expect: 404 });
  await call('POST', '/v1/programs/t/attendance/confirm', { body: {}, expect: 400 });
  await call('POST', '/v1/programs/t/attendance/confirm', { body: { group: 'dbt-1', patient: 'p01', action: 'hold_admin', date: '2025-01-23' }, expect: 400 });
  // jobs
  const j2 = await call('POST', '/v1/plan?async=true', { body: { instance: tiny, time_limit_s: 5 }, expect: 202 });
  await call('DELETE', `/v1/jobs/${j2.json.job}`, { expect: 200 });
  await call('GET', '/v1/jobs/none', { expect: 404 });
  // tokens and audit
  const tok = await call('POST', '/v1/tokens', { body: { role: 'viewer', name: 'contract' }, expect: 201 });
  await call('POST', '/v1/tokens', { body: { role: 'root' }, expect: 400 });
  await call('GET', '/v1/tokens', { expect: 200 });
  await call('GET', '/v1/tokens', { token: tok.json.token, expect: 403 });
  await call('DELETE', `/v1/tokens/${tok.json.id}`, { expect: 204 });
  await call('DELETE', '/v1/tokens/999', { expect: 404 });
  const a = await call('GET', '/v1/audit?page_size=3', { expect: 200 });
  await call('GET', `/v1/audit?page_size=3&page_token=${a.json.next_page_token}`, { expect: 200 });
  await call('DELETE', '/v1/programs/t', { headers: { 'If-Match': '"0000000000000001"' }, expect: 412 });
  await call('DELETE', '/v1/programs/t', { expect: 204 });
  await call('DELETE', '/v1/programs/t', { expect: 404 });
  const missing = ops.filter((o) => !called.has(o.method + ' ' + o.tpl)).map((o) => o.op.operationId);
  const allowed = ['fill_seats', 'compare_scenarios']; // called with invalid bodies above
  if (missing.some((m) => !allowed.includes(m))) fail('operations never called: ' + missing);
  console.log(`contract: ${checks} answers of ${called.size} operations match docs/openapi.json (closed objects); ${Object.keys(closed.schemas).length} schemas compile`);
})().catch((e) => fail(e.stack || String(e)));
