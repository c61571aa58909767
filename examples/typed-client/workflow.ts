// workflow.ts - the README's HTTP workflow through a client typed from
// docs/openapi.json (openapi-typescript generates api.d.ts; openapi-fetch
// sends the requests): import a program, plan it as a job, poll the job,
// publish the schedule, record a drop, place the top-ranked candidate.
// No casts and no non-null assertions: every value is narrowed from the
// generated types.  Usage: node workflow.js BASE_URL TOKEN INSTANCE_JSON
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Instance = components["schemas"]["Instance"];
type Problem = components["schemas"]["Problem"];

function fail(what: string, problem?: Problem): never {
  const errs = problem?.errors?.map((e) => `${e.path}: ${e.message}`).join("; ") ?? "";
  throw new Error(`${what}: ${problem ? `${problem.status} ${problem.detail} ${errs}` : "no answer"}`);
}

async function main(): Promise<void> {
  const [base, token, file] = process.argv.slice(2);
  if (!base || !token || !file) throw new Error("usage: node workflow.js BASE_URL TOKEN INSTANCE_JSON");
  const api = createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${token}` } });
  const instance: Instance = JSON.parse(readFileSync(file, "utf8"));

  // import
  const created = await api.POST("/v1/programs", { params: { query: { id: "riverside" } }, body: instance });
  if (!created.data) fail("import", created.error);
  const program = created.data.id;

  // plan as a job, poll it
  const accepted = await api.POST("/v1/programs/{program}/plan", {
    params: { path: { program } },
    body: { time_limit_s: 10 },
  });
  if (!accepted.data) fail("plan", accepted.error);
  let job = (await api.GET("/v1/jobs/{job}", { params: { path: { job: accepted.data.job } } })).data;
  while (job && (job.status === "queued" || job.status === "running")) {
    await new Promise((ok) => setTimeout(ok, 200));
    job = (await api.GET("/v1/jobs/{job}", { params: { path: { job: job.job } } })).data;
  }
  if (!job || job.status !== "done" || job.version == null) throw new Error(`plan job: ${job?.status} ${job?.error ?? ""}`);

  // publish the saved version
  const published = await api.POST("/v1/programs/{program}/schedules/{version}/publish", {
    params: { path: { program, version: String(job.version) } },
  });
  if (!published.data) fail("publish", published.error);

  // a member of a running group drops out: the answer ranks the waitlist
  const schedule = await api.GET("/v1/programs/{program}/schedules/{version}", {
    params: { path: { program, version: "published" } },
  });
  if (!schedule.data) fail("schedule", schedule.error);
  const group = schedule.data.groups?.find((g) => g.running && (g.members?.length ?? 0) > 0);
  const leaving = group?.members?.[0];
  if (!group || !leaving) throw new Error("no running group with members");
  const dropped = await api.POST("/v1/programs/{program}/events", {
    params: { path: { program } },
    body: { event: "dropped", group: group.id, patient: leaving, date: "2027-01-18" },
  });
  if (!dropped.data) fail("drop", dropped.error);
  const top = dropped.data.suggestions?.seats[0]?.candidates[0];
  if (!top) {
    console.log(`dropped ${leaving} from ${group.id}; no waitlisted patient fits the seat`);
    return;
  }

  // place the top candidate
  const placed = await api.POST("/v1/programs/{program}/events", {
    params: { path: { program } },
    body: { event: "placed", group: group.id, patient: top.patient, date: "2027-01-19" },
  });
  if (!placed.data) fail("place", placed.error);
  const recorded = placed.data.recorded?.[0];
  console.log(`typed client: version ${published.data.published} published; ${leaving} dropped from ` +
              `${group.id}; ${top.patient} placed (${recorded?.status ?? "?"})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
