#!/usr/bin/env node
// `npm run client:generate`: the typed client is checked against the API it talks to. This starts a
// throwaway local server, saves its OpenAPI document as client/openapi.json and regenerates the
// client's types (client/src/openapi.d.ts) from it with openapi-typescript. Tests fail when the
// served document and the snapshot differ (test/client/openapi-drift.test.ts) or when the types
// were not regenerated from the snapshot (test/node/client-types.test.ts).
//
//   npm run client:generate             both steps
//   npm run client:generate -- --types  only the types, from the committed snapshot
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCommand } from "./lib/cli.mjs";
import { root, startServer } from "./lib/dev-server.mjs";
import { SNAPSHOT, TYPES, typesFromSnapshot, snapshotOf } from "./lib/client-types.mjs";

const USAGE = `Usage: npm run client:generate -- [--types]

Starts a throwaway local server, saves its OpenAPI document as client/openapi.json and regenerates
the typed client's types (client/src/openapi.d.ts) from it. Run it after changing a route's schema.

  --types       only the types, from the committed client/openapi.json (no server)
  -h, --help    this text

Example: npm run client:generate`;
const { values: args } = parseCommand({ usage: USAGE, options: { types: { type: "boolean", default: false } } });

if (!args.types) {
  const persistTo = mkdtempSync(path.join(tmpdir(), "tidepool-openapi-"));
  const server = await startServer({ port: 8796, persistTo });
  try {
    const doc = await (await fetch(`${server.base}/api/v1/openapi.json`)).json();
    writeFileSync(SNAPSHOT, `${JSON.stringify(snapshotOf(doc), null, 2)}\n`);
    console.log(`wrote ${path.relative(root, SNAPSHOT)} (${Object.keys(doc.paths).length} paths)`);
  } finally {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}
writeFileSync(TYPES, await typesFromSnapshot());
console.log(`wrote ${path.relative(root, TYPES)}`);
