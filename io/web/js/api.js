// api.js - the /v1 API: the bearer token (sessionStorage only), JSON
// requests with readable errors, and job polling.

const KEY = 'cohort.token';

export const getToken = () => sessionStorage.getItem(KEY);
export const setToken = (t) => sessionStorage.setItem(KEY, t);
export const clearToken = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// One request; resolves to {data, headers}, rejects with ApiError
// carrying the server's message (and, for 400, its error paths).
export async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + (getToken() || '') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch('/v1' + path, {
    method, headers, cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!r.ok) {
    // every error is an RFC 9457 problem: {type, title, status, detail, errors[]}
    let msg = data && data.detail ? data.detail : (r.statusText || 'request failed');
    const errs = data && data.errors;
    if (Array.isArray(errs) && errs.length)
      msg += ': ' + errs.slice(0, 5).map((x) => (x.path ? x.path + ': ' : '') + x.message).join('; ');
    throw new ApiError(r.status, msg, data);
  }
  return { data, headers: r.headers };
}

export const get = async (path) => (await api('GET', path)).data;

// Every item of a list endpoint ({items, next_page_token}), following the
// pages to the end.
export async function list(path) {
  const out = [];
  let token = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(path + sep + 'page_size=1000' +
      (token ? '&page_token=' + encodeURIComponent(token) : ''));
    out.push(...page.items);
    token = page.next_page_token;
  } while (token);
  return out;
}
export const post = async (path, body) => (await api('POST', path, body === undefined ? {} : body)).data;

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

// Poll a job until it is done, failed or cancelled; onTick(job, seconds)
// after each poll.  Resolves to the final job.
export async function waitJob(id, onTick) {
  const t0 = Date.now();
  for (;;) {
    const job = await get('/jobs/' + encodeURIComponent(id));
    if (onTick) onTick(job, (Date.now() - t0) / 1000);
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await sleep(600);
  }
}

export const ROLES = ['viewer', 'coordinator', 'admin'];
// Does the role reach the least role `need`?
export const can = (role, need) => ROLES.indexOf(role) >= ROLES.indexOf(need);
