#!/usr/bin/env node
// A webhook receiver for Outpost's scenarios. Every webhook's signature is checked with the
// standardwebhooks library (the Standard Webhooks reference implementation for JavaScript), not with
// anything of Outpost's, so a passing scenario means receivers in the wild can verify Outpost.
//
//   node receiver.js --port N      listens on 127.0.0.1:N and prints "listening N"
//
// POST /hook/<name>                 a webhook: verified with <name>'s secret; 401 when it does not
//                                   verify, 500 while <name> is told to fail, else 204
// POST /_control/secret             {"name": "...", "secret": "whsec_..."}
// POST /_control/fail               {"name": "...", "count": N} answers the next N webhooks with 500
// GET  /_control/received?name=...  what came, in order: [{id, type, valid, error, status, at}], with
//                                   &body=1 each body too
"use strict";
const http = require("http");
const { Webhook } = require("standardwebhooks");

const port = Number(process.argv[process.argv.indexOf("--port") + 1]);
const secrets = new Map();
const failing = new Map();
const received = [];
const MAX_BODY = 1024 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, "http://127.0.0.1");
    const body = await readBody(req);
    if (req.method === "POST" && url.pathname === "/_control/secret") {
      const { name, secret } = JSON.parse(body);
      secrets.set(name, new Webhook(secret));
      return json(res, 200, { ok: true });
    }
    if (req.method === "POST" && url.pathname === "/_control/fail") {
      const { name, count } = JSON.parse(body);
      failing.set(name, count);
      return json(res, 200, { ok: true });
    }
    if (req.method === "GET" && url.pathname === "/_control/received") {
      const name = url.searchParams.get("name");
      const withBody = url.searchParams.get("body") === "1";
      return json(res, 200, received.filter((r) => !name || r.name === name).map((r) => (withBody ? r : { ...r, body: undefined })));
    }
    const match = /^\/hook\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (req.method !== "POST" || !match) {
      return json(res, 404, { error: "not found" });
    }
    const name = match[1];
    const entry = { name, id: req.headers["webhook-id"] || null, type: null, valid: false, error: null, status: 0, body, at: Date.now() };
    received.push(entry);
    const verifier = secrets.get(name);
    if (!verifier) {
      entry.error = "no secret for " + name;
      entry.status = 401;
      return json(res, 401, { error: entry.error });
    }
    try {
      const payload = verifier.verify(body, req.headers);
      entry.valid = true;
      entry.type = payload.type;
    } catch (e) {
      entry.error = String(e.message || e);
      entry.status = 401;
      return json(res, 401, { error: entry.error });
    }
    const left = failing.get(name) || 0;
    if (left > 0) {
      failing.set(name, left - 1);
      entry.status = 500;
      return json(res, 500, { error: "told to fail" });
    }
    entry.status = 204;
    res.writeHead(204);
    res.end();
  } catch (e) {
    json(res, 400, { error: String(e.message || e) });
  }
});

server.keepAliveTimeout = 30000;
server.listen(port, "127.0.0.1", () => console.log("listening " + port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
