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

  // graphFacts reads what the graph view draws and lists: each visible node's label, its box
  // on screen (labels included) and its size in screen pixels; the legend; and the list of
  // every node by group, with how many of each group are drawn.
  const graphFacts = () =>
    page.evaluate(() => {
      const box = document.getElementById('graph');
      const cy = box.cy;
      const r = box.getBoundingClientRect();
      const labels = cy.nodes().filter((n) => n.visible()).map((n) => {
        const b = n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
        return { id: n.id(), text: n.data('label') || '', px: parseFloat(n.style('font-size')) * cy.zoom(),
          x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2, parent: n.isParent() };
      });
      return {
        width: r.width, height: r.height, labels,
        nodes: Number(box.dataset.nodes), drawn: Number(box.dataset.drawn), leftOut: Number(box.dataset.leftOut),
        legend: [...document.querySelectorAll('#graph-legend li')].map((li) => ({ kind: li.dataset.kind, relation: li.dataset.relation, text: li.textContent })),
        groups: [...document.querySelectorAll('#graph-list details')].map((d) => ({
          key: d.dataset.group, count: Number(d.dataset.count), drawn: Number(d.dataset.drawn),
          items: d.querySelectorAll('li').length, notDrawn: d.querySelectorAll('li.not-drawn').length })),
        positions: cy.nodes().map((n) => `${n.id()}@${Math.round(n.position('x'))},${Math.round(n.position('y'))}`).join(' '),
      };
    });
  // checkGraph checks a view of the graph is readable: every visible node is labelled, at 9
  // pixels or more, inside the drawing, with no label over another; the legend names each
  // kind drawn and the relations' colours; the list under it names every node the API
  // returned (which the test asks the API for itself), and what the drawing leaves out.
  async function checkGraph(name, id, depth) {
    const f = await graphFacts();
    const unlabelled = f.labels.filter((l) => !l.text.trim());
    check(unlabelled.length === 0, `${name}: every one of the ${f.labels.length} nodes drawn has a label${unlabelled.length ? ` (not ${unlabelled.map((l) => l.id).join(', ')})` : ''}`);
    const small = f.labels.filter((l) => l.px < 9);
    check(small.length === 0, `${name}: every label is 9 px or larger (smallest ${Math.min(...f.labels.map((l) => l.px)).toFixed(1)} px)`);
    const off = f.labels.filter((l) => l.x1 < -1 || l.y1 < -1 || l.x2 > f.width + 1 || l.y2 > f.height + 1);
    check(off.length === 0, `${name}: every label is inside the ${Math.round(f.width)}×${Math.round(f.height)} px drawing${off.length ? `, not ${off.map((l) => l.text).join(', ')}` : ''}`);
    const over = [];
    const own = f.labels.filter((l) => !l.parent);
    for (let i = 0; i < own.length; i++) {
      for (let j = i + 1; j < own.length; j++) {
        const a = own[i], b = own[j];
        const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1), h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        if (w > 1 && h > 1) over.push(`${a.text} / ${b.text}`);
      }
    }
    check(over.length === 0, `${name}: no label lies over another${over.length ? `: ${over.slice(0, 5).join('; ')}` : ''}`);
    const api = await page.evaluate(async ({ id, depth }) => {
      const r = await fetch('graphql', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: 'query($id: ID!, $d: Int) { neighborhood(id: $id, depth: $d, maxNodes: 1000) { truncated nodes { __typename id } } }', variables: { id, d: depth } }) });
      const n = (await r.json()).data.neighborhood;
      const kinds = {};
      n.nodes.forEach((x) => { kinds[x.__typename] = (kinds[x.__typename] || 0) + 1; });
      return { count: n.nodes.length, truncated: n.truncated, kinds };
    }, { id, depth });
    const listed = f.groups.reduce((s, g) => s + g.items, 0);
    check(!api.truncated && f.nodes === api.count && listed === api.count - 1 && f.groups.every((g) => g.items === g.count),
      `${name}: the list names each of the ${api.count - 1} nodes around the centre, as the API counts them (${f.groups.map((g) => `${g.key} ${g.count}`).join(', ')})`);
    const kinds = Object.keys(api.kinds);
    const legendKinds = f.legend.filter((l) => l.kind).map((l) => l.kind);
    check(kinds.every((k) => legendKinds.includes(k) || (api.kinds[k] === 1 && f.labels.some((l) => l.id === id))) && f.legend.some((l) => l.relation),
      `${name}: the legend names each kind and the relations' colours (${f.legend.map((l) => l.text).join(' · ')})`);
    const notDrawn = f.groups.reduce((s, g) => s + g.notDrawn, 0);
    check(notDrawn === f.leftOut, `${name}: ${f.leftOut} nodes left out of the drawing, each listed as not drawn`);
    return f;
  }

  // clickNode clicks, where Cytoscape drew it, the node with this id, label or (more) the
  // "more" node of this group, scrolling the page so that it is in view; a group's box is
  // clicked on its title. Then it waits for done(arg), a function run in the page; a click
  // that Cytoscape missed (it learns where its canvas is from events that may come late) is
  // tried again, three times at most.
  async function clickNode(spec, done, arg) {
    for (let attempt = 1; ; attempt++) {
      await clickOnce(spec);
      try {
        await page.waitForFunction(done, arg, { timeout: 5000 });
        return;
      } catch (e) {
        if (attempt === 3) throw new Error(`clicking ${JSON.stringify(spec)} did not take: ${e.message}`);
        console.log(`  (click on ${JSON.stringify(spec)} missed; again)`);
      }
    }
  }
  async function clickOnce(spec) {
    await page.mouse.move(0, 0);
    const at = await page.evaluate((spec) => {
      const box = document.getElementById('graph');
      const n = box.cy.nodes().filter((x) => x.id() === spec.id || (spec.label && x.data('label') === spec.label) ||
        (spec.more && x.hasClass('more') && x.data('key') === spec.more))[0];
      const where = () => {
        const r = box.getBoundingClientRect();
        if (n.isParent()) {
          const b = n.renderedBoundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
          return { x: r.left + (b.x1 + b.x2) / 2, y: r.top + (b.y1 + b.y2) / 2 };
        }
        const p = n.renderedPosition();
        return { x: r.left + p.x, y: r.top + p.y };
      };
      window.scrollBy(0, where().y - window.innerHeight / 2);
      return where();
    }, spec);
    // Cytoscape learns where its canvas is from the scroll event, which comes a frame later.
    await page.waitForTimeout(250);
    await page.mouse.click(at.x, at.y);
  }
  // docShot saves the explore page down to its timeline, as the docs show it, when
  // BROWSER_TEST_DOCS is set.
  const docs = process.env.BROWSER_TEST_DOCS;
  async function docShot(file) {
    if (!docs) return;
    const bottom = await page.evaluate(() => {
      window.scrollTo(0, 0);
      return Math.ceil(document.getElementById('timeline-box').getBoundingClientRect().top + window.scrollY);
    });
    await page.screenshot({ path: `${docs}/${file}`, fullPage: true, clip: { x: 0, y: 0, width: 1024, height: bottom } });
    console.log(`  screenshot in ${docs}/${file}`);
  }

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
  const uzID = exploreURL.searchParams.get('id');
  const uz1 = await checkGraph('Uzbekistan, depth 1', uzID, 1);
  await docShot('explore.png');

  // A folded group opens with a click, and its nodes are drawn, labelled; its title folds it.
  const fold = await page.evaluate(() => {
    const box = document.getElementById('graph');
    const n = box.cy.nodes('.fold')[0];
    if (!n) return null;
    return { id: n.id(), label: n.data('label') };
  });
  check(fold && /^\d+ events/.test(fold.label), `a large group of events is drawn folded as one node (${fold && fold.label})`);
  await clickNode({ id: fold.id }, (id) => document.getElementById('graph').cy.$id(id).isParent(), fold.id);
  const opened = await checkGraph('Uzbekistan, events opened', uzID, 1);
  check(opened.drawn > uz1.drawn, `opening "${fold.label}" draws its nodes (${uz1.drawn} → ${opened.drawn} drawn)`);
  await clickNode({ id: fold.id }, (id) => !document.getElementById('graph').cy.$id(id).isParent(), fold.id);
  check((await graphFacts()).drawn === uz1.drawn, 'clicking the group\'s title folds it again');

  // Depth 2 reaches further than depth 1.
  await page.locator('#depth').selectOption('2');
  await page.locator('#graph[data-state="ready"][data-depth="2"]').waitFor();
  const depth2 = Number(await page.locator('#graph').getAttribute('data-nodes'));
  check(depth2 > nodeCount && new URL(page.url()).searchParams.get('depth') === '2',
    `depth 2 reaches more nodes (${nodeCount} → ${depth2}) and the URL says depth=2`);
  const uz2 = await checkGraph('Uzbekistan, depth 2', uzID, 2);
  check(uz2.leftOut > 0 && uz2.drawn <= uz1.drawn + 48 + uz2.groups.length,
    `depth 2 draws ${uz2.drawn} of ${uz2.nodes} nodes, at most 48 of those two links away; ${uz2.leftOut} are counted and listed`);
  await docShot('explore-uzbekistan-depth2.png');
  // What was left out is one click away: the "more" node opens the list at its group.
  const more = await page.evaluate(() => document.getElementById('graph').cy.nodes('.more')[0].data('key'));
  await clickNode({ more }, (k) => document.querySelector(`#graph-list details[data-group="${k}"]`).open, more);
  check(await page.locator(`#graph-list details[data-group="${more}"] li.not-drawn`).first().isVisible(),
    `clicking "more" in ${more} opens the list of what is not drawn`);
  await page.locator('#depth').selectOption('1');
  await page.locator('#graph[data-state="ready"][data-depth="1"]').waitFor();
  check((await graphFacts()).positions === uz1.positions, 'the same view is drawn the same way on a second visit');

  // A click on the CSTO's node, where Cytoscape drew it, re-centres the page on the CSTO.
  await clickNode({ label: 'CSTO' }, () => document.getElementById('card-name')?.textContent === 'Collective Security Treaty Organization');
  await page.locator('#graph[data-state="ready"]').waitFor();
  const csto = await page.locator('#card').innerText();
  check(csto.includes('Collective Security Treaty Organization') && csto.includes('Founded') && csto.includes('1992-05-15'),
    'clicking the CSTO node shows the CSTO card, with its founding date');
  check((await page.locator('#q').inputValue()) === 'Collective Security Treaty Organization', 'the search box names it');
  const cstoNodes = Number(await page.locator('#graph').getAttribute('data-nodes'));
  await page.evaluate(() => window.scrollTo(0, 0));
  await checkGraph('the CSTO', await page.evaluate(() => document.getElementById('graph').dataset.centre), 1);
  await docShot('explore-csto.png');
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

  // The UN: about 200 neighbours, each drawn and labelled, readable.
  await settle();
  const unID = Buffer.from('Organization:united-nations').toString('base64url');
  await page.goto(`${explore}?id=${unID}`, { waitUntil: 'load' });
  await page.locator('#graph[data-state="ready"]').waitFor();
  const un = await checkGraph('the UN', unID, 1);
  const unStates = un.groups.find((g) => g.key === 'near:State');
  check(unStates && unStates.count >= 190 && unStates.drawn === unStates.count,
    `the UN's ${unStates && unStates.count} member and observer states are drawn, each labelled`);
  await docShot('explore-un.png');

  // The timelines of Russia and the UN, as the docs show them.
  if (docs) {
    for (const [file, path] of [['timeline-russia.png', 'timeline/state/russia.svg'], ['timeline-un.png', 'timeline/organization/united-nations.svg']]) {
      await settle();
      const r = await page.goto(new URL(path, url).href, { waitUntil: 'load' });
      check(r.status() === 200, `GET /${path} answers 200`);
      // The chart at its own size: a viewport as large as the SVG.
      const size = await page.evaluate(() => ({
        width: Number(document.documentElement.getAttribute('width')), height: Number(document.documentElement.getAttribute('height')) }));
      await page.setViewportSize(size);
      await page.screenshot({ path: `${docs}/${file}` });
      console.log(`  screenshot in ${docs}/${file} (${size.width}×${size.height})`);
    }
    await page.setViewportSize({ width: 1024, height: 768 });
  }

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
