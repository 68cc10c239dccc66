// lib.mjs: shared plumbing of the AWS SDK for JavaScript v3 smoke test
// (smoke.mjs): loading the pinned SDK from where scripts/setup.sh installed
// it, the clients for one athena-local, and small checks that stop the run
// with a message saying what differed.
//
// The SDK lives outside this folder (ATHENA_JS_SDK_DIR, default
// <repo>/.deps/js, where setup.sh runs `npm ci` on package-lock.json), so it
// is loaded with createRequire rooted there instead of a bare import.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, inspect } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const PINNED = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8")).dependencies;

export class Mismatch extends Error {}

/** Stops the smoke test: what was checked, what was wanted, what came. */
export function fail(what, expected, actual) {
  throw new Mismatch(`${what}\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`);
}

function show(value) {
  return inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 20 });
}

export function check(condition, what, detail) {
  if (!condition) throw new Mismatch(detail === undefined ? what : `${what}: ${show(detail)}`);
}

export function checkEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) fail(what, expected, actual);
}

/** Runs promise-returning call, which must reject with an error whose
 * name is one of names; returns that error. */
export async function expectError(call, names, what) {
  let result;
  try {
    result = await call();
  } catch (err) {
    if (!names.includes(err.name)) {
      fail(`${what}: wrong error (message: ${err.message})`, names, err.name);
    }
    return err;
  }
  fail(`${what}: the call succeeded`, `one of ${names.join(", ")}`, result);
}

/** The pinned SDK packages, checked to be exactly the pinned versions. */
export function loadSdk() {
  const root = process.env.ATHENA_JS_SDK_DIR || path.join(here, "..", "..", ".deps", "js");
  const require = createRequire(path.join(root, "package.json"));
  const modules = {};
  for (const [name, pinned] of Object.entries(PINNED)) {
    let installed;
    try {
      installed = require(`${name}/package.json`).version;
    } catch (err) {
      throw new Mismatch(`${name} is not installed under ${root} (run scripts/setup.sh): ` +
                         err.message);
    }
    checkEqual(installed, pinned, `installed version of ${name}`);
    modules[name.replace("@aws-sdk/client-", "")] = require(name);
  }
  return modules;
}

/** Connection settings from the environment the python test sets:
 * ATHENA_LOCAL_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (read by the SDK's own default provider chain). */
export function settings() {
  const missing = ["ATHENA_LOCAL_ENDPOINT", "AWS_REGION", "AWS_ACCESS_KEY_ID",
                   "AWS_SECRET_ACCESS_KEY"].filter((name) => !process.env[name]);
  if (missing.length) throw new Mismatch(`missing environment: ${missing.join(", ")}`);
  return { endpoint: process.env.ATHENA_LOCAL_ENDPOINT, region: process.env.AWS_REGION };
}

/** The three clients with the SDK's defaults (credential chain, flexible
 * checksums) except the endpoint, path-style S3 and no retries, so that
 * every failure shows. Pass credentials to override the chain. */
export function makeClients(sdk, { endpoint, region }, credentials) {
  const common = { endpoint, region, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  return {
    s3: new sdk.s3.S3Client({ ...common, forcePathStyle: true }),
    glue: new sdk.glue.GlueClient(common),
    athena: new sdk.athena.AthenaClient(common),
  };
}

export function destroyClients(clients) {
  for (const client of Object.values(clients)) client.destroy();
}

/** Deterministic pseudo-random numbers (the same data on every run). */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Logs a step so a failure shows how far the run got. */
export function step(text) {
  console.log(`ok   ${text}`);
}
