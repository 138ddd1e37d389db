// graphql-http-audit.mjs URL: runs the GraphQL-over-HTTP audit of graphql-http
// (auditServer) against the endpoint at URL and fails unless every audit is ok: no warning,
// no notice, no error. graphql-http comes from GRAPHQL_PREFIX, where .ci/run installed it.
import { createRequire } from 'node:module';
import path from 'node:path';

const [url] = process.argv.slice(2);
if (!url) {
  console.error('usage: GRAPHQL_PREFIX=DIR node graphql-http-audit.mjs URL');
  process.exit(2);
}
const prefix = process.env.GRAPHQL_PREFIX;
if (!prefix) {
  console.error('graphql-http-audit: GRAPHQL_PREFIX must name the npm prefix holding graphql-http');
  process.exit(2);
}
const { auditServer } = createRequire(path.join(prefix, 'package.json'))('graphql-http');

const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, notice: 0, error: 0 };
const bad = [];
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  if (r.status !== 'ok') {
    let detail = r.reason;
    if (r.response) {
      let body = '';
      try {
        body = await r.response.text();
      } catch {}
      detail += ` (got ${r.response.status} ${r.response.headers.get('content-type') ?? ''}: ${body.slice(0, 300)})`;
    }
    bad.push(`  ${r.status.toUpperCase()} ${r.id} ${r.name}: ${detail}`);
  }
}
console.log(`graphql-http ${results.length} audits: ${counts.ok} ok, ${counts.warn} warn, ${counts.notice} notice, ${counts.error} error`);
if (bad.length) {
  console.error(bad.join('\n'));
  process.exit(1);
}
