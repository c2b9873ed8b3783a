// kuzu_query.cjs — runs Cypher in an embedded, in-memory Kuzu database (npm
// kuzu).  Reads one JSON object on standard input:
//   {"setup": [STATEMENT, ...], "queries": [CYPHER, ...]}
// runs the setup statements (CREATE ... TABLE, COPY ... FROM) in order, then
// prints {"setup": [result message, ...], "results": [[row object, ...], ...]}.
// Any error ends it with status 1 and the message on standard error.
"use strict";
const fs = require("fs");
const kuzu = require("kuzu");

async function main() {
  const spec = JSON.parse(fs.readFileSync(0, "utf8"));
  const db = new kuzu.Database(":memory:");
  const conn = new kuzu.Connection(db);
  const setup = [];
  for (const statement of spec.setup) {
    const result = await conn.query(statement);
    setup.push((await result.getAll()).map((row) => Object.values(row).join(" ")).join("; "));
  }
  const results = [];
  for (const query of spec.queries) {
    const result = await conn.query(query);
    results.push(await result.getAll());
  }
  const text = JSON.stringify({ setup, results }, (key, value) =>
    typeof value === "bigint" ? Number(value) : value,
  );
  // Exit only once the pipe has taken everything: process.exit would cut
  // a large output short, and Kuzu's handles would keep node alive.
  await new Promise((resolve) => process.stdout.write(text, resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.message ? error.message : error) + "\n");
    process.exit(1);
  },
);
