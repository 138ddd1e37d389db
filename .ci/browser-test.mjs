// browser-test.mjs URL PROFILE_DIR: drives Debian's headless Chromium through treatygraph's
// GraphiQL page at URL and checks that it works from this server alone. Run by
// browser-test.sh, which starts the server with only loopback networking.
//
// It opens the page, runs the example in the first tab with the run button, types a query of
// its own into the editor and runs it with Ctrl-Enter, runs every other example tab, opens the
// explorer plugin, and reads each answer from the result pane. It fails on any request to
// another host, any script error, and any refusal by the page's Content-Security-Policy.
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
  viewport: { width: 1400, height: 900 },
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
  }

  // 4. The explorer plugin opens and shows the schema's root fields.
  await page.locator('[aria-label="Show GraphiQL Explorer"]').click();
  await page.locator('.graphiql-explorer-root').waitFor();
  const explorer = await page.locator('.graphiql-plugin').innerText();
  check(explorer.includes('organization') && explorer.includes('path'), 'the explorer lists the root fields');

  if (process.env.BROWSER_TEST_SCREENSHOT) {
    await page.screenshot({ path: process.env.BROWSER_TEST_SCREENSHOT });
    console.log(`  screenshot in ${process.env.BROWSER_TEST_SCREENSHOT}`);
  }

  check(external.length === 0, `no request left the server${external.length ? ': ' + external.join(', ') : ''}`);
  check(problems.length === 0, `no script errors or refusals${problems.length ? ':\n    ' + problems.join('\n    ') : ''}`);
  console.log(`browser-test: ${passed} checks passed in ${Date.now() - started} ms`);
} catch (e) {
  console.error(`browser-test: FAILED after ${passed} checks: ${e.message}`);
  if (external.length) console.error(`requests to other hosts: ${external.join(', ')}`);
  if (problems.length) console.error(`problems seen:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
