// Shared by the browser scripts: launch Debian's Chromium headless through playwright-core
// (never a downloaded browser), fail on any JavaScript dialog (an injected alert() would
// open one), and save a screenshot of every page visited.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

export async function start(prefix) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const base = env('PORTAL_URL');
  const context = await browser.newContext({ baseURL: base });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const shots = env('SCREENSHOT_DIR');
  mkdirSync(shots, { recursive: true });
  let n = 0;
  const shot = async (name) => {
    n += 1;
    await page.screenshot({ path: join(shots, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const finish = async (result) => {
    check(dialogs.length === 0, `no JavaScript dialog may open, but saw: ${dialogs.join(', ')}`);
    writeFileSync(env('RESULT_FILE'), JSON.stringify(result, null, 2));
    await browser.close();
  };
  return { browser, page, shot, finish, dialogs };
}

/// Submits the form of a button (found by its visible name) and waits for the next page.
export async function press(scope, name) {
  const page = scope.page ? scope.page() : scope;
  await Promise.all([
    page.waitForNavigation(),
    scope.getByRole('button', { name, exact: false }).first().click(),
  ]);
}

export async function run(main) {
  try {
    await main();
  } catch (e) {
    console.error(e.stack || String(e));
    process.exit(1);
  }
}

// Accessibility and layout checks run on every page of the portal: axe-core (from
// node_modules, evaluated in the page through the DevTools protocol, which the page's
// Content-Security-Policy does not restrict) in light and dark mode, failing on serious
// and critical violations; and no sideways scrolling of the page itself at phone widths.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
  });
}

/// Checks the page as it is now; returns the problems found (empty when it passes).
export async function inspect(page, name) {
  const problems = [];
  const size = page.viewportSize();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const v of await axeViolations(page)) problems.push(`${name} (${scheme}): ${v}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  for (const width of [390, 360]) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) problems.push(`${name}: the page scrolls sideways by ${overflow}px at ${width}px`);
    if (width === 390) {
      for (const v of await axeViolations(page)) problems.push(`${name} (390 px): ${v}`);
    }
  }
  await page.setViewportSize(size);
  return problems;
}
