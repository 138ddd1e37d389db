// clients-check.mjs URL: the client set-ups of the README's Clients section, run against
// the endpoint at URL: Apollo Client 4 (with clientAwareness, whose headers a cross-origin
// page must be allowed to send) and urql (over GET). Each runs the README's query, a shipped
// example query, and a query with a validation error, which a client must see as GraphQL
// errors rather than a network failure. The packages come from GRAPHQL_PREFIX, where
// .ci/run installed them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [url] = process.argv.slice(2);
const prefix = process.env.GRAPHQL_PREFIX;
if (!url || !prefix) {
  console.error('usage: GRAPHQL_PREFIX=DIR node clients-check.mjs URL');
  process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(prefix, 'package.json'));
const example = readFileSync(path.join(root, 'examples/queries/01_csto_members_2000.graphql'), 'utf8');
const broken = 'query Broken { states { capital } }';

let failures = 0;
function check(cond, what) {
  console.log(`  ${cond ? 'ok' : 'FAIL'} ${what}`);
  if (!cond) failures++;
}

// Apollo Client 4, as the README sets it up.
{
  const { ApolloClient, InMemoryCache, HttpLink, gql, CombinedGraphQLErrors } = require('@apollo/client');
  const client = new ApolloClient({
    link: new HttpLink({ uri: url }),
    cache: new InMemoryCache(),
    clientAwareness: { name: 'treatygraph-ci', version: '1' },
  });
  const readme = await client.query({
    query: gql`query CstoMembers { organization(acronym: "CSTO") { members(roles: MEMBER) { member { name } } } }`,
  });
  const names = readme.data?.organization?.members?.map((m) => m.member.name) ?? [];
  check(names.includes('Armenia'), `Apollo Client: the README's CstoMembers lists Armenia (${names.join(', ')})`);
  const { data } = await client.query({ query: gql(example) });
  check(data?.states?.totalCount === 6, `Apollo Client: CstoMembers2000 finds 6 states (${data?.states?.totalCount})`);
  let error;
  try {
    await client.query({ query: gql(broken), fetchPolicy: 'no-cache' });
  } catch (e) {
    error = e;
  }
  check(
    CombinedGraphQLErrors.is(error) && error.errors[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED',
    `Apollo Client: a validation error arrives as GraphQL errors (${error?.constructor?.name}: ${error?.message})`,
  );
}

// urql, as the README sets it up, with GET so that HTTP caches can keep the answers.
{
  const { Client, fetchExchange, cacheExchange, gql } = require('@urql/core');
  const methods = []; // what urql sends, to check that it used GET
  const client = new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: true,
    fetch: (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    },
  });
  const { data, error } = await client.query(gql`query TypeAhead { search(text: "kaz", first: 3) { snippet } }`, {}).toPromise();
  check(!error && data?.search?.length > 0, `urql: the README's TypeAhead finds ${data?.search?.length} matches (${error?.message ?? data?.search?.[0]?.snippet})`);
  const res = await client.query(gql(example), {}).toPromise();
  check(!res.error && res.data?.states?.totalCount === 6, `urql: CstoMembers2000 finds 6 states over GET (${res.error?.message ?? res.data?.states?.totalCount})`);
  const bad = await client.query(gql(broken), {}).toPromise();
  check(
    bad.error && !bad.error.networkError && bad.error.graphQLErrors[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED',
    `urql: a validation error arrives as GraphQL errors (${bad.error?.message})`,
  );
  check(methods.length === 3 && methods.every((m) => m === 'GET'), `urql: every request went over GET (${methods.join(', ')})`);
}

if (failures) {
  console.error(`clients-check: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('clients-check: Apollo Client and urql work against the server');
