// json_schema.cjs SCHEMA FILE... — validates each FILE against the JSON
// Schema (draft 2020-12) SCHEMA with Ajv (npm ajv), in strict mode.  Prints
// {"FILE": [error, ...], ...} (an empty list for a valid file); status 1
// when the schema itself does not compile.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");

const [schemaPath, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const report = {};
for (const file of files) {
  const ok = validate(JSON.parse(fs.readFileSync(file, "utf8")));
  report[file] = ok
    ? []
    : validate.errors.slice(0, 10).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
process.stdout.write(JSON.stringify(report));
