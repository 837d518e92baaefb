// Reads citation files with citation-js (npm, pinned in package.json) and prints, as JSON, what it
// made of each: its CSL-JSON items and the APA reference and in-text citation (citeproc-js, with
// the APA style citation-js ships). Used by tests/test_citation_clients.py:
//   node tests/cite_render.cjs FILE...
"use strict";
const fs = require("fs");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-csl");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-bibtex");

const out = {};
for (const file of process.argv.slice(2)) {
  const cite = new Cite(fs.readFileSync(file, "utf8"));
  out[file] = {
    items: cite.data,
    apa: cite.format("bibliography", { format: "text", template: "apa", lang: "en-US" }).trim(),
    intext: cite.format("citation", { format: "text", template: "apa", lang: "en-US" }).trim(),
  };
}
process.stdout.write(JSON.stringify(out));
