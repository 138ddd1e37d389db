// browser-test.mjs URL PROFILE_DIR: drives Debian's headless Chromium through treatygraph's
// GraphiQL page at URL and checks that it works from this server alone. Run by
// browser-test.sh, which starts the server with only loopback networking.
//
// It opens the page in a 1024 px wide window, runs the example in the first tab with the run
// button, opens the explorer plugin, types a query of its own into the editor and runs it
// with Ctrl-Enter, runs every other example tab with the explorer open, and reads each answer
// from the result pane; on every tab the editor wraps its lines rather than cutting them. It
// fails on any request to another host, any script error or console error, and any refusal
// by the page's Content-Security-Policy. Then it opens /graphql as a browser would, and from
// a second origin (localhost rather than 127.0.0.1, which the server allows with
// -cors-origins) calls the API with the headers Apollo Client and auth links add, in a
// browser of its own without request interception, so that Chromium's own CORS checks run.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// playwright-core comes from PLAYWRIGHT_PREFIX (where browser-test.sh installed it), or
// from .ci/node_modules after `npm ci --prefix .ci`.
const prefix = process.env.PLAYWRIGHT_PREFIX || path.dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(path.join(prefix, 'package.json'))('playwright-core');

const [url, profile] = process.argv.slice(2);
if (!url || !profile) {
  console.error('usage: node browser-test.mjs URL PROFILE_DIR');
  process.exit(2);
}
const origin = new URL(url).origin;
const STEP_TIMEOUT = 30_000;

const external = []; // requests to anything but the server
const problems = []; // script errors, console errors, CSP refusals
let passed = 0;

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  passed++;
  console.log(`  ok ${what}`);
}

rmSync(profile, { recursive: true, force: true });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  timeout: STEP_TIMEOUT,
  viewport: { width: 1024, height: 768 },
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});
context.setDefaultTimeout(STEP_TIMEOUT);

try {
  // Every request the page makes goes through here: only the server itself (and inline
  // data: URLs) may be reached; anything else is recorded and refused.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin + '/') || u.startsWith('data:')) return route.continue();
    external.push(u);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(origin + '/')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  // Requests under way. Leaving a page while one runs (GraphiQL's introspection, say) makes
  // the browser abort it, which would be recorded above as a failure of the server: so the
  // test waits for the page to be quiet before it navigates away.
  const inflight = new Set();
  page.on('request', (r) => inflight.add(r));
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
  const settle = async () => {
    const until = Date.now() + 15000;
    let quietSince = Date.now();
    while (Date.now() < until) {
      if (inflight.size > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= 300) return;
      await page.waitForTimeout(50);
    }
    throw new Error(`the page still has requests under way: ${[...inflight].map((r) => r.url()).join(', ')}`);
  };

  const started = Date.now();
  const resp = await page.goto(url, { waitUntil: 'load' });
  check(resp && resp.status() === 200, `GET ${url} answers 200`);
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  console.log(`  GraphiQL ready in ${Date.now() - started} ms`);

  // The text of the query and result editors, through CodeMirror's own API (it draws only
  // the lines in view), and the text the result pane shows.
  const editorText = (sel) =>
    page.evaluate((s) => document.querySelector(s).CodeMirror.getValue(), sel);
  const queryText = () => editorText('.graphiql-query-editor .CodeMirror');
  const resultText = () => editorText('.graphiql-response .CodeMirror');

  // waitForAnswer waits for a result other than `before` that parses as a GraphQL response.
  async function waitForAnswer(before) {
    await page.waitForFunction(
      (prev) => {
        const el = document.querySelector('.graphiql-response .CodeMirror');
        const v = el && el.CodeMirror.getValue();
        if (!v || v === prev) return false;
        try {
          const r = JSON.parse(v);
          return 'data' in r || 'errors' in r;
        } catch {
          return false;
        }
      },
      before,
      { timeout: STEP_TIMEOUT },
    );
    const text = await resultText();
    return { text, answer: JSON.parse(text) };
  }

  const tabs = page.locator('.graphiql-tabs .graphiql-tab');
  const tabCount = await tabs.count();
  check(tabCount >= 3, `the page opens with example tabs (${tabCount})`);
  check((await queryText()).includes('organization(acronym: "CSTO")'), 'the first tab holds the CSTO example');

  // 1. The first example, run with the run button.
  let before = await resultText();
  await page.locator('.graphiql-execute-button').click();
  let { text, answer } = await waitForAnswer(before);
  check(!answer.errors, `the first example runs without errors${answer.errors ? ': ' + JSON.stringify(answer.errors) : ''}`);
  const members = answer.data.organization.members.map((m) => m.member.name);
  check(members.includes('Armenia'), `the result lists Armenia (${members.join(', ')})`);
  check(!members.includes('Uzbekistan'), 'Uzbekistan, out from 1999 to 2006, is missing on 2005-06-01');
  const shown = await page.locator('.graphiql-response').innerText();
  check(shown.includes('Armenia'), 'the result pane shows "Armenia"');

  // The explorer, opened on the first tab, shows its list argument without complaint.
  await page.locator('[aria-label="Show GraphiQL Explorer"]').click();
  await page.locator('.graphiql-explorer-root').waitFor();
  await page.waitForTimeout(300);
  const roles = await page.evaluate(() =>
    [...document.querySelectorAll('.graphiql-explorer-root select')].map((s) => s.value),
  );
  check(roles.includes('MEMBER'), `the explorer shows roles: MEMBER on the first tab (${roles.join(', ')})`);
  const welcome = await queryText();
  check(welcome.includes('the explorer (the folder with a plus)'), 'the welcome text names the explorer by its icon');

  // The query editor wraps long lines: nothing is cut at the pane's edge, explorer open.
  const wraps = () =>
    page.evaluate(() => {
      const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
      const s = cm.getScrollInfo();
      return { wrapping: cm.getOption('lineWrapping'), width: s.width, clientWidth: s.clientWidth };
    });
  let w = await wraps();
  check(w.wrapping && w.width <= w.clientWidth + 1,
    `the editor wraps its lines at 1024 px with the explorer open (content ${w.width} px in ${w.clientWidth} px)`);

  // 2. A query typed into the editor, run with Ctrl-Enter.
  const typed = '{ state(slug: "uzbekistan") { name memberships { organization { acronym } start { iso } end { iso } endReason } } }';
  await page.locator('.graphiql-query-editor .CodeMirror').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(typed);
  check((await queryText()) === typed, 'the typed query is in the editor');
  // GraphiQL reads the operation name from the editor after a pause in typing, and runs
  // that operation; the tab's title shows it. Wait for the old name to go, as a user would.
  await page.waitForFunction(() => !document.querySelector('.graphiql-tab-active').textContent.includes('MembersOnDate'));
  before = await resultText();
  await page.keyboard.press('Control+Enter');
  ({ text, answer } = await waitForAnswer(before));
  check(!answer.errors, `the typed query runs without errors${answer.errors ? ': ' + JSON.stringify(answer.errors) : ''}`);
  check(text.includes('"2006-06-23"') && text.includes('"SUSPENDED"'), "the result holds Uzbekistan's second stint");

  // 3. Every other example tab runs without errors.
  for (let i = 1; i < tabCount; i++) {
    await tabs.nth(i).locator('.graphiql-tab-button').click();
    await page.waitForFunction(
      (i) => document.querySelectorAll('.graphiql-tabs .graphiql-tab')[i].classList.contains('graphiql-tab-active'),
      i,
    );
    // GraphiQL takes the operation to run from the editor 100 ms after its text changes;
    // pause as a user would before running the new tab.
    await page.waitForTimeout(400);
    const q = await queryText();
    const name = (q.match(/query (\w+)/) || [])[1] || `tab ${i + 1}`;
    before = await resultText();
    await page.locator('.graphiql-execute-button').click();
    ({ text, answer } = await waitForAnswer(before));
    check(!answer.errors && answer.data, `example ${name} runs without errors${answer.errors ? ': ' + JSON.stringify(answer.errors) : ''}`);
    check(await page.locator('.graphiql-explorer-root').isVisible(), `the explorer is open on ${name}`);
    w = await wraps();
    check(w.width <= w.clientWidth + 1, `${name}: no line is cut at the editor's edge (${w.width} px in ${w.clientWidth} px)`);
    check(problems.length === 0, `${name}: no console error with the explorer open${problems.length ? ': ' + problems.join('; ') : ''}`);
  }

  // 4. The explorer plugin lists the schema's root fields.
  const explorer = await page.locator('.graphiql-plugin').innerText();
  check(explorer.includes('organization') && explorer.includes('path'), 'the explorer lists the root fields');

  if (process.env.BROWSER_TEST_SCREENSHOT) {
    await page.screenshot({ path: process.env.BROWSER_TEST_SCREENSHOT });
    console.log(`  screenshot in ${process.env.BROWSER_TEST_SCREENSHOT}`);
  }

  // 5. A browser opening the endpoint itself is pointed to GraphiQL.
  await settle();
  const endpoint = await page.goto(new URL('graphql', url).href, { waitUntil: 'load' });
  check(endpoint.status() === 200 && (await page.locator('a', { hasText: 'GraphiQL' }).count()) === 1,
    'GET /graphql in a browser shows a page with a link to GraphiQL');
  await page.locator('a', { hasText: 'GraphiQL' }).click();
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  check(new URL(page.url()).pathname === '/', 'the link opens GraphiQL at /');

  // 6. The explore page: find Uzbekistan by typing, see its card, its timeline and its
  // neighbourhood, re-centre on the CSTO by clicking its node, change the depth.
  const explore = new URL('explore', url).href;
  await settle();
  const exploreResp = await page.goto(explore, { waitUntil: 'load' });
  check(exploreResp.status() === 200, `GET ${explore} answers 200`);
  // Slower than the page's 150 ms pause, so that "u", "uz" and "uzb" are each searched.
  await page.locator('#q').pressSequentially('uzb', { delay: 200 });
  const hit = page.locator('#hits li[role="option"]', { hasText: 'Uzbekistan' });
  await hit.waitFor();
  check(true, `typing "uzb" offers ${JSON.stringify(await page.locator('#hits li[role="option"]').allInnerTexts())}`);
  await hit.click();
  await page.locator('#graph[data-state="ready"]').waitFor();
  check((await page.locator('#card-name').innerText()) === 'Uzbekistan', 'picking it shows the card of Uzbekistan');
  const card = await page.locator('#card').innerText();
  check(card.includes('UZ / UZB') && card.includes('704'), 'the card shows its ISO codes and COW code');
  check(/\bru\b/.test(card) && card.includes('Узбекистан'), 'the card lists its names in other languages');
  check(card.includes('Sources'), 'the card lists its sources');
  const exploreURL = new URL(page.url());
  check(exploreURL.pathname === '/explore' && exploreURL.searchParams.get('id'), `the URL names the node (${exploreURL.search})`);

  await page.waitForFunction(() => {
    const img = document.getElementById('timeline');
    return img.complete && img.naturalWidth > 0;
  });
  const tl = await page.evaluate(async () => {
    const img = document.getElementById('timeline');
    const r = await fetch(img.src);
    return { src: img.getAttribute('src'), width: img.naturalWidth, type: r.headers.get('content-type'), svg: await r.text() };
  });
  check(tl.width > 0 && tl.type === 'image/svg+xml', `the timeline image ${tl.src} loaded (${tl.width} px wide)`);
  check(tl.svg.includes('Collective Security Treaty Organization (CSTO): member, 1994 to 1999 (withdrawn)') &&
    tl.svg.includes('Collective Security Treaty Organization (CSTO): member, 2002 (between 2002 and 2006-06-23) to 2013 (between 2011-12-31 and 2013) (suspended)'),
    "the timeline holds Uzbekistan's two CSTO stints");

  const nodeCount = Number(await page.locator('#graph').getAttribute('data-nodes'));
  const edgeCount = Number(await page.locator('#graph').getAttribute('data-edges'));
  check(nodeCount > 10 && edgeCount > 0, `the neighbourhood graph has ${nodeCount} nodes and ${edgeCount} edges`);
  check(await page.locator('#graph canvas').count() > 0, 'the graph is drawn on a canvas');
  check(problems.length === 0, `the explore page logs no errors${problems.length ? ': ' + problems.join('; ') : ''}`);

  await page.waitForTimeout(500); // a search for an earlier prefix may still be answering
  check(await page.locator('#hits').isHidden(), 'the list of hits has closed');
  const shot = process.env.BROWSER_TEST_EXPLORE_SCREENSHOT;
  if (shot) {
    await page.screenshot({ path: shot });
    console.log(`  screenshot of the explore page in ${shot}`);
  }

  // Depth 2 reaches further than depth 1.
  await page.locator('#depth').selectOption('2');
  await page.locator('#graph[data-state="ready"][data-depth="2"]').waitFor();
  const depth2 = Number(await page.locator('#graph').getAttribute('data-nodes'));
  check(depth2 > nodeCount && new URL(page.url()).searchParams.get('depth') === '2',
    `depth 2 reaches more nodes (${nodeCount} → ${depth2}) and the URL says depth=2`);
  await page.locator('#depth').selectOption('1');
  await page.locator('#graph[data-state="ready"][data-depth="1"]').waitFor();

  // A click on the CSTO's node, where Cytoscape drew it, re-centres the page on the CSTO.
  const at = await page.evaluate(() => {
    const box = document.getElementById('graph');
    const n = box.cy.nodes().filter((x) => x.data('label') === 'CSTO')[0];
    const p = n.renderedPosition();
    const r = box.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  });
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => document.getElementById('card-name')?.textContent === 'Collective Security Treaty Organization');
  await page.locator('#graph[data-state="ready"]').waitFor();
  const csto = await page.locator('#card').innerText();
  check(csto.includes('Collective Security Treaty Organization') && csto.includes('Founded') && csto.includes('1992-05-15'),
    'clicking the CSTO node shows the CSTO card, with its founding date');
  check((await page.locator('#q').inputValue()) === 'Collective Security Treaty Organization', 'the search box names it');
  const cstoNodes = Number(await page.locator('#graph').getAttribute('data-nodes'));
  check(cstoNodes > 0 && (await page.locator('#timeline').getAttribute('src')).includes('T3JnYW5pemF0aW9uOmNzdG8'),
    `the graph (${cstoNodes} nodes) and the timeline follow`);
  await page.locator('#at').fill('2005-06-01');
  await page.locator('#at').press('Enter');
  await page.locator('#at').blur();
  await page.locator('#graph[data-state="ready"][data-at="2005-06-01"]').waitFor();
  const on2005 = Number(await page.locator('#graph').getAttribute('data-nodes'));
  check(new URL(page.url()).searchParams.get('at') === '2005-06-01' &&
    (await page.locator('#timeline').getAttribute('src')).includes('at=2005-06-01'),
    `a date narrows the graph (${on2005} nodes on 2005-06-01) and the timeline to that day`);
  await page.goBack();
  await page.locator('#graph[data-state="ready"][data-at=""]').waitFor();
  const back = Number(await page.locator('#graph').getAttribute('data-nodes'));
  check(!new URL(page.url()).searchParams.get('at') && back === cstoNodes,
    `the back button undoes the date (${back} nodes again)`);

  // A bad ID gets a readable message, not a broken page.
  await settle();
  await page.goto(explore + '?id=garbage', { waitUntil: 'load' });
  await page.locator('#message:not([hidden])').waitFor();
  const msg = await page.locator('#message').innerText();
  check(msg.includes('garbage') && (await page.locator('#content').isHidden()) && (await page.locator('#q').isVisible()),
    `/explore?id=garbage says what is wrong and keeps the search: "${msg}"`);
  check(problems.length === 0, `the explore page logs no errors${problems.length ? ': ' + problems.join('; ') : ''}`);

  check(external.length === 0, `no request left the server${external.length ? ': ' + external.join(', ') : ''}`);
  check(problems.length === 0, `no script errors or refusals${problems.length ? ':\n    ' + problems.join('\n    ') : ''}`);

  // 7. CORS from a second origin. Playwright answers preflights itself when it intercepts
  // requests, so this runs in a browser without interception; the network namespace keeps
  // it on loopback.
  const second = new URL(url);
  second.hostname = 'localhost';
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: STEP_TIMEOUT,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
  try {
    const other = await browser.newPage();
    const corsConsole = [];
    other.on('console', (m) => corsConsole.push(m.text()));
    await other.goto(new URL('healthz', second).href);
    const call = (headers, credentials = 'omit') =>
      other.evaluate(
        async ({ api, headers, credentials }) => {
          try {
            const r = await fetch(api, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', ...headers },
              credentials,
              body: JSON.stringify({ query: 'query Count { states { totalCount } }' }),
            });
            return { status: r.status, body: await r.json() };
          } catch (e) {
            return { failed: String(e) };
          }
        },
        { api: new URL('graphql', url).href, headers, credentials },
      );
    const apollo = await call({
      Authorization: 'Bearer not-checked',
      'apollographql-client-name': 'web',
      'apollographql-client-version': '1.0.0',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    check(apollo.status === 200 && apollo.body?.data?.states?.totalCount > 0,
      `from ${second.origin}, a POST with Authorization and Apollo's client headers passes the preflight (${JSON.stringify(apollo)})`);
    const odd = await call({ 'X-Not-Allowed': '1' });
    check(odd.failed, `from ${second.origin}, a header outside the allowed list is refused by the browser (${JSON.stringify(odd)})`);
    const creds = await call({}, 'include');
    check(creds.failed, `from ${second.origin}, a request with credentials is refused by the browser (${JSON.stringify(creds)})`);
    check(corsConsole.some((t) => t.includes('x-not-allowed') && t.includes('Access-Control-Allow-Headers')),
      "Chromium's console names the refused header");
  } finally {
    await browser.close();
  }
  console.log(`browser-test: ${passed} checks passed in ${Date.now() - started} ms`);
} catch (e) {
  console.error(`browser-test: FAILED after ${passed} checks: ${e.message}`);
  if (process.env.BROWSER_TEST_EXPLORE_SCREENSHOT) {
    const failed = process.env.BROWSER_TEST_EXPLORE_SCREENSHOT.replace(/(\.png)?$/, '-failed.png');
    await context.pages()[0]?.screenshot({ path: failed }).then(() => console.error(`screenshot of the failure in ${failed}`), () => {});
  }
  if (external.length) console.error(`requests to other hosts: ${external.join(', ')}`);
  if (problems.length) console.error(`problems seen:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
