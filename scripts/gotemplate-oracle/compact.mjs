#!/usr/bin/env node
// Rewrites the oracle's output (stdin) as the checked-in corpus (stdout): data sets shared by many
// cases are stored once under "dataSets" and referenced by name.
import { readFileSync } from 'node:fs';

const cases = JSON.parse(readFileSync(0, 'utf8'));
const sets = {};
const byText = new Map();
for (const c of cases) {
  if (c.data === undefined) continue;
  const text = JSON.stringify(c.data);
  let name = byText.get(text);
  if (!name) { name = `data${byText.size + 1}`; byText.set(text, name); sets[name] = c.data; }
  delete c.data;
  c.dataRef = name;
}
process.stdout.write(JSON.stringify({ generator: 'scripts/gotemplate-oracle/gen-cases.mjs', oracle: 'Go 1.19 text/template + Sprig 3.2.3 + ArgoCD functions (scripts/gotemplate-oracle/main.go)', dataSets: sets, cases }, null, 1) + '\n');
