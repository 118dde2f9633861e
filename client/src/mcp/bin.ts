#!/usr/bin/env node
// tidepool-mcp: the MCP server over stdio, configured from the environment so the API key stays out
// of the model's context.
//
//   TIDEPOOL_URL            server (default http://localhost:8787)
//   TIDEPOOL_API_KEY        the agent's key (reads work without one)
//   TIDEPOOL_AUTH           jwt (default: the key only mints short-lived tokens) or key
//   TIDEPOOL_PUBLISHER_KEY  the publisher's public JWK (JSON), if you have it from the operator
//   TIDEPOOL_PIN_FILE       pinned keys and versions seen (default ~/.config/tidepool/pins.json)
//
//   tidepool-mcp pin        trust-on-first-use: pin the server's publisher key, print its thumbprint
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { JWK } from "jose";
import { Tidepool } from "../client.js";
import { TidepoolError } from "../errors.js";
import { filePins } from "../node-pins.js";
import { createMcpServer } from "./server.js";

const env = process.env;
const mode = env.TIDEPOOL_AUTH === "key" ? "key" : "jwt";
const client = new Tidepool({
  baseUrl: env.TIDEPOOL_URL ?? "http://localhost:8787",
  apiKey: env.TIDEPOOL_API_KEY || undefined,
  auth: mode,
  publisherKey: env.TIDEPOOL_PUBLISHER_KEY ? (JSON.parse(env.TIDEPOOL_PUBLISHER_KEY) as JWK) : undefined,
  pins: filePins(env.TIDEPOOL_PIN_FILE || undefined),
  userAgent: "tidepool-mcp/0.1",
});

if (process.argv[2] === "pin") {
  try {
    const pin = await client.files.pinPublisher();
    console.log(`${pin.already_pinned ? "Already pinned" : "Pinned"} the publisher key of ${client.transport.origin}: thumbprint ${pin.thumbprint}`);
    console.log("Compare it with the one your operator publishes; heartbeat files signed by any other key will be refused.");
  } catch (err) {
    console.error(err instanceof TidepoolError ? `✗ ${err.message}\n  ${err.hint}` : err);
    process.exit(1);
  }
} else {
  // stdout is the protocol channel: anything human-readable goes to stderr.
  await createMcpServer(client).connect(new StdioServerTransport());
  console.error(`tidepool-mcp: serving ${client.transport.origin} (${env.TIDEPOOL_API_KEY ? `${mode} auth` : "read-only, no TIDEPOOL_API_KEY"})`);
}
