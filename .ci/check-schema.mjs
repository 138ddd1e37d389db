// check-schema.mjs checks, as an independent GraphQL client would, that a running treatygraph
// server offers the whole public API contract. It introspects the server with graphql-js
// (getIntrospectionQuery, buildClientSchema), parses the contract with buildSchema, and looks
// up every type, field, argument, interface, union member and enum value of the contract in
// what the server announced. Output fields may be stricter than the contract (non-null where
// it allows null), arguments looser, and anything the contract does not name may be added.
//
// Usage: GRAPHQL_PREFIX=DIR node .ci/check-schema.mjs http://127.0.0.1:PORT/graphql CONTRACT
// where DIR holds node_modules/graphql (npm install --no-save --prefix DIR graphql@16).
// Exits 1 and lists every missing piece when the server falls short of the contract.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [endpoint, contractPath] = process.argv.slice(2);
if (!endpoint || !contractPath) {
  console.error("usage: GRAPHQL_PREFIX=DIR node check-schema.mjs ENDPOINT CONTRACT.graphql");
  process.exit(2);
}
if (typeof fetch !== "function") {
  console.error(`check-schema: node ${process.version} has no fetch; use node 18 or later`);
  process.exit(2);
}

// graphql is installed outside the repository, so resolve it from GRAPHQL_PREFIX.
const prefix = path.resolve(process.env.GRAPHQL_PREFIX || ".");
const require = createRequire(path.join(prefix, "package.json"));
const {
  version,
  getIntrospectionQuery,
  buildClientSchema,
  buildSchema,
  validateSchema,
  isObjectType,
  isInterfaceType,
  isUnionType,
  isEnumType,
  isInputObjectType,
  isScalarType,
  isNonNullType,
  isListType,
} = require("graphql");

function kindOf(type) {
  if (isObjectType(type)) return "OBJECT";
  if (isInterfaceType(type)) return "INTERFACE";
  if (isUnionType(type)) return "UNION";
  if (isEnumType(type)) return "ENUM";
  if (isInputObjectType(type)) return "INPUT_OBJECT";
  if (isScalarType(type)) return "SCALAR";
  return "UNKNOWN";
}

// outputSatisfies: the server's field type keeps the contract's promise (same, or non-null
// where the contract allows null, at any list depth).
function outputSatisfies(want, got) {
  if (isNonNullType(want)) return isNonNullType(got) && outputSatisfies(want.ofType, got.ofType);
  if (isNonNullType(got)) got = got.ofType;
  if (isListType(want)) return isListType(got) && outputSatisfies(want.ofType, got.ofType);
  return !isListType(got) && want.name === got.name;
}

// inputAccepts: the server's argument type accepts every value the contract's does (same, or
// nullable where the contract says non-null, at any list depth).
function inputAccepts(want, got) {
  if (isNonNullType(got)) return isNonNullType(want) && inputAccepts(want.ofType, got.ofType);
  if (isNonNullType(want)) want = want.ofType;
  if (isListType(want)) return isListType(got) && inputAccepts(want.ofType, got.ofType);
  return !isListType(got) && want.name === got.name;
}

const problems = [];
const counts = { types: 0, fields: 0, arguments: 0, values: 0 };

// Introspect the server exactly as a client tool would.
let result;
try {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
  result = JSON.parse(text);
} catch (err) {
  console.error(`check-schema: introspection of ${endpoint} failed: ${err.message}`);
  process.exit(1);
}
if (result.errors?.length) {
  console.error(`check-schema: introspection returned errors: ${JSON.stringify(result.errors)}`);
  process.exit(1);
}
const served = buildClientSchema(result.data);
for (const err of validateSchema(served)) {
  problems.push(`the served schema is invalid for graphql-js: ${err.message}`);
}

const contract = buildSchema(readFileSync(contractPath, "utf8"));

for (const [op, getter] of [
  ["query", "getQueryType"],
  ["mutation", "getMutationType"],
  ["subscription", "getSubscriptionType"],
]) {
  const want = contract[getter]();
  const got = served[getter]();
  if (want && got?.name !== want.name) {
    problems.push(`schema: the ${op} root type is ${got?.name ?? "missing"}, the contract says ${want.name}`);
  }
}

const names = Object.keys(contract.getTypeMap())
  .filter((name) => !name.startsWith("__"))
  .sort();
for (const name of names) {
  const want = contract.getType(name);
  const got = served.getType(name);
  counts.types++;
  if (!got) {
    problems.push(`type ${name} (${kindOf(want)}) is missing`);
    continue;
  }
  if (kindOf(got) !== kindOf(want)) {
    problems.push(`type ${name} is ${kindOf(got)}: the contract says ${kindOf(want)}`);
    continue;
  }

  if (isObjectType(want) || isInterfaceType(want)) {
    const gotInterfaces = got.getInterfaces().map((i) => i.name);
    for (const iface of want.getInterfaces()) {
      if (!gotInterfaces.includes(iface.name)) problems.push(`${name}: does not implement ${iface.name}`);
    }
  }
  if (isUnionType(want)) {
    const members = got.getTypes().map((t) => t.name);
    for (const member of want.getTypes()) {
      if (!members.includes(member.name)) problems.push(`${name}: union lacks ${member.name}`);
    }
  }
  if (isEnumType(want)) {
    for (const value of want.getValues()) {
      counts.values++;
      if (!got.getValue(value.name)) problems.push(`${name}.${value.name}: enum value is missing`);
    }
  }
  if (isInputObjectType(want)) {
    const gotFields = got.getFields();
    for (const field of Object.values(want.getFields())) {
      counts.fields++;
      const g = gotFields[field.name];
      if (!g) problems.push(`${name}.${field.name}: input field is missing (contract: ${field.type})`);
      else if (!inputAccepts(field.type, g.type))
        problems.push(`${name}.${field.name}: type ${g.type}, the contract wants ${field.type} or looser`);
    }
    for (const g of Object.values(gotFields)) {
      if (!want.getFields()[g.name] && isNonNullType(g.type) && g.defaultValue === undefined)
        problems.push(`${name}.${g.name}: not in the contract, so it must be nullable or have a default; it is ${g.type}`);
    }
  }
  if (isObjectType(want) || isInterfaceType(want)) {
    const gotFields = got.getFields();
    for (const field of Object.values(want.getFields())) {
      counts.fields++;
      const where = `${name}.${field.name}`;
      const g = gotFields[field.name];
      if (!g) {
        problems.push(`${where}: field is missing (contract: ${field.type})`);
        continue;
      }
      if (!outputSatisfies(field.type, g.type))
        problems.push(`${where}: type ${g.type}, the contract wants ${field.type} or stricter`);
      for (const arg of field.args) {
        counts.arguments++;
        const ga = g.args.find((a) => a.name === arg.name);
        if (!ga) problems.push(`${where}(${arg.name}:): argument is missing (contract: ${arg.type})`);
        else if (!inputAccepts(arg.type, ga.type))
          problems.push(`${where}(${arg.name}:): type ${ga.type}, the contract wants ${arg.type} or looser`);
      }
      for (const ga of g.args) {
        if (!field.args.some((a) => a.name === ga.name) && isNonNullType(ga.type) && ga.defaultValue === undefined)
          problems.push(`${where}(${ga.name}:): not in the contract, so it must be nullable or have a default; it is ${ga.type}`);
      }
    }
  }
}

const checked = `${counts.types} types, ${counts.fields} fields, ${counts.arguments} arguments, ${counts.values} enum values`;
if (problems.length) {
  for (const p of problems) console.error(`  ${p}`);
  console.error(`check-schema: graphql-js ${version}: ${endpoint} falls short of ${contractPath}: ${problems.length} problem(s) in ${checked}`);
  process.exit(1);
}
console.log(`check-schema: graphql-js ${version}: ${endpoint} holds all of ${contractPath} (${checked})`);
