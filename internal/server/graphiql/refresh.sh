#!/usr/bin/env bash
# refresh.sh copies GraphiQL, its explorer plugin and React, and Cytoscape.js (the graph
# drawing of /explore), from their npm packages into static/, with their licences, so that
# the pages at / and /explore need no internet. Run it from
# anywhere after changing a version below, then read `git diff --stat`, update README.md
# and run `go test ./internal/server` and .ci/browser-test.sh.
#
# GraphiQL 4.x is the last major version that ships prebuilt browser bundles (UMD) with
# CodeMirror 5; GraphiQL 5 moved to Monaco and ESM only, which would need a bundler here.
# React 18 is the last React with UMD builds; GraphiQL 4 supports React 18 and 19.
set -euo pipefail

GRAPHIQL=4.1.2
EXPLORER=4.0.6
REACT=18.3.1
CYTOSCAPE=3.35.0

here=$(cd "$(dirname "$0")" && pwd)
static=$here/static
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
echo '{"private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --omit=dev \
	"graphiql@$GRAPHIQL" "@graphiql/plugin-explorer@$EXPLORER" \
	"react@$REACT" "react-dom@$REACT" "cytoscape@$CYTOSCAPE" >/dev/null
nm=$tmp/node_modules

cp "$nm/react/umd/react.production.min.js" "$static/react.production.min.js"
cp "$nm/react-dom/umd/react-dom.production.min.js" "$static/react-dom.production.min.js"
cp "$nm/graphiql/dist/index.umd.js" "$static/graphiql.min.js"
cp "$nm/graphiql/dist/style.css" "$static/graphiql.min.css"
cp "$nm/@graphiql/plugin-explorer/dist/index.umd.js" "$static/plugin-explorer.min.js"
cp "$nm/@graphiql/plugin-explorer/dist/style.css" "$static/plugin-explorer.css"
# Cytoscape.js has no dependencies; its minified UMD build is self-contained.
cp "$nm/cytoscape/dist/cytoscape.min.js" "$static/cytoscape.min.js"
# The bundles end with a sourceMappingURL comment naming a .map file that is not shipped.
sed -i '/^\/\/# sourceMappingURL=/d; s#/\*\# sourceMappingURL=[^*]*\*/##' "$static"/*.min.js "$static"/*.css

rm -f "$static"/licenses/*
cp "$nm/graphiql/LICENSE" "$static/licenses/graphiql.txt"
cp "$nm/react/LICENSE" "$static/licenses/react.txt"
cp "$nm/react-dom/LICENSE" "$static/licenses/react-dom.txt"
cp "$nm/cytoscape/LICENSE" "$static/licenses/cytoscape.txt"
# @graphiql/plugin-explorer ships no licence file; it is MIT and lives in the same repository
# (github.com/graphql/graphiql) as graphiql, under that repository's licence.
cp "$nm/graphiql/LICENSE" "$static/licenses/graphiql-plugin-explorer.txt"

# Every package the bundles were built from, with its licence text: the production
# dependencies of graphiql and of the explorer plugin (a superset of what the bundles hold).
node - "$nm" "$static/licenses/THIRD-PARTY-NOTICES.txt" <<'JS'
const fs = require('fs'), path = require('path');
const [nm, out] = process.argv.slice(2);
const seen = new Map();
function walk(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (name.startsWith('@')) { walk(full); continue; }
    const pj = path.join(full, 'package.json');
    if (!fs.existsSync(pj)) continue;
    const p = JSON.parse(fs.readFileSync(pj, 'utf8'));
    const id = `${p.name}@${p.version}`;
    if (!p.name.startsWith('@types/') && !seen.has(id)) {
      const lic = fs.readdirSync(full).find(f => /^(licen[cs]e|copying)/i.test(f));
      const text = lic ? fs.readFileSync(path.join(full, lic), 'utf8').trim()
        : `(The package ships no licence file; its package.json declares ${JSON.stringify(p.license)}.)`;
      seen.set(id, {text, license: typeof p.license === 'string' ? p.license : JSON.stringify(p.license)});
    }
    if (fs.existsSync(path.join(full, 'node_modules'))) walk(path.join(full, 'node_modules'));
  }
}
walk(nm);
// Packages whose licence texts are identical share one copy, headed by their names.
const byText = new Map();
for (const id of [...seen.keys()].sort()) {
  const {text, license} = seen.get(id);
  if (!byText.has(text)) byText.set(text, []);
  byText.get(text).push(`${id} (${license})`);
}
const head = 'Third-party software in the GraphiQL and Cytoscape.js files served by treatygraph: the packages installed by\n' +
  'refresh.sh from the npm registry (a superset of what the bundles hold), each with its licence.\n';
const parts = [...byText].map(([text, ids]) => ids.join('\n') + '\n\n' + text + '\n');
fs.writeFileSync(out, [head, ...parts].join('\n' + '-'.repeat(78) + '\n\n'));
JS

ls -l "$static" "$static/licenses"
