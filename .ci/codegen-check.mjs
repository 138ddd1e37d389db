// codegen-check.mjs URL OUT_DIR: GraphQL Code Generator (typescript, typescript-operations)
// writes the types of every shipped example query (examples/queries/*.graphql) and every
// GraphiQL tab (internal/server/graphiql/examples/*.graphql) against the schema the server at
// URL serves, then `tsc --strict` compiles them. The tools come from GRAPHQL_PREFIX, where
// .ci/run installed them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, out] = process.argv.slice(2);
const prefix = process.env.GRAPHQL_PREFIX;
if (!url || !out || !prefix) {
  console.error('usage: GRAPHQL_PREFIX=DIR node codegen-check.mjs URL OUT_DIR');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(prefix, 'package.json'));
const { generate } = require('@graphql-codegen/cli');

const folders = ['examples/queries', 'internal/server/graphiql/examples'];
const documents = folders.flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => path.join(root, dir, f)),
);
const target = path.join(out, 'treatygraph.ts');

// The scalar mapping the README shows. strictScalars makes a scalar without a mapping an
// error, so that a new scalar cannot slip into generated code as `any`.
const files = await generate(
  {
    schema: url,
    documents,
    silent: true,
    // The plugins live under GRAPHQL_PREFIX, not beside this script.
    pluginLoader: (name) => require(name),
    generates: {
      [target]: {
        plugins: ['typescript', 'typescript-operations'],
        config: {
          strictScalars: true,
          scalars: { Date: 'string' },
        },
      },
    },
  },
  true,
);
if (!files.length) {
  console.error('codegen-check: graphql-codegen wrote nothing');
  process.exit(1);
}

// Every operation of every document has a type of its own.
const generated = readFileSync(target, 'utf8');
const { parse } = require('graphql');
let operations = 0;
for (const file of documents) {
  {
    for (const def of parse(readFileSync(file, 'utf8')).definitions) {
      if (def.kind !== 'OperationDefinition') continue;
      if (!def.name) {
        console.error(`codegen-check: ${path.relative(root, file)} holds an anonymous operation`);
        process.exit(1);
      }
      const type = def.name.value[0].toUpperCase() + def.name.value.slice(1) + 'Query';
      if (!generated.includes(`export type ${type} = `)) {
        console.error(`codegen-check: no type ${type} for ${path.relative(root, file)}`);
        process.exit(1);
      }
      operations++;
    }
  }
}
if (/\bDate: \{ input: any; output: any; \}/.test(generated)) {
  console.error('codegen-check: Date is typed as any');
  process.exit(1);
}

// tsc --strict over the generated file.
writeFileSync(
  path.join(out, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'es2022', moduleResolution: 'bundler', skipLibCheck: true },
    files: ['treatygraph.ts'],
  }),
);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', out], { stdio: 'inherit' });
console.log(`codegen-check: ${operations} operations in ${documents.length} files typed by graphql-codegen; tsc --strict compiles them`);
