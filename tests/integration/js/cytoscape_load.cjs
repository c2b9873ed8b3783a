// cytoscape_load.cjs FILE — loads a graph.json written with --json-style
// cytoscape into a headless Cytoscape.js instance (npm cytoscape) and prints
// what Cytoscape.js holds: {"nodes": {id: label}, "edges": {id: [source,
// target, type]}, "data": graph data}.  Cytoscape.js throws on an edge whose
// source or target is missing and on a repeated id: status 1 then.
"use strict";
const fs = require("fs");
const cytoscape = require("cytoscape");

const json = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const cy = cytoscape({ headless: true, styleEnabled: false, elements: json.elements });
cy.data(json.data);
const nodes = {};
cy.nodes().forEach((n) => {
  nodes[n.id()] = n.data("label");
});
const edges = {};
cy.edges().forEach((e) => {
  edges[e.id()] = [e.source().id(), e.target().id(), e.data("type")];
});
process.stdout.write(JSON.stringify({ nodes, edges, data: cy.data() }));
