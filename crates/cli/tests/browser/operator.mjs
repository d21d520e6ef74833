// The main operator actions of the back office, in a real browser: find and open an
// account, mark an invoice paid, add an invoice, revoke and grant licences, disable a key,
// create a product, upload a package zip, unlist a version, create, close and reopen an
// account, add a release archive, and read the audit log (filtered too) and the download
// statistics. The Rust side then checks the effects with composer, curl and the CLI.
import { check, env, press, run, start } from './lib.mjs';

run(async () => {
  const { page, shot, finish } = await start('operator');
  const account = env('ACCOUNT_ID');
  const operator = env('OPERATOR_EMAIL');
  const result = {};

  await page.goto('/admin/accounts');
  check(new URL(page.url()).pathname === '/admin/login', `expected the operator login, got ${page.url()}`);
  await page.getByLabel('Email address').fill(operator);
  await page.getByLabel('Password').fill(env('OPERATOR_PASSWORD'));
  await shot('login');
  await press(page, 'Log in');
  check((await page.locator('#operator-email').textContent()) === operator, 'operator shown at the top');
  check(new URL(page.url()).pathname === '/admin/dashboard', `login leads to the dashboard, got ${page.url()}`);
  const held = await page.locator('#on-hold').textContent();
  check(held.includes(account) && held.includes('INV-OLD'), `the dashboard lists the held account and its invoice: ${held}`);
  check((await page.locator('#failed-logins').textContent()).includes(env('CUSTOMER_EMAIL')), 'the failed customer login is on the dashboard');
  check((await page.locator('#installs svg').count()) >= 1, 'an installs chart per product');
  await shot('dashboard');
  await page.getByRole('link', { name: 'Accounts', exact: true }).click();

  // Search, then open the account.
  await page.getByLabel('Search by id, email or name').fill(env('CUSTOMER_EMAIL'));
  await press(page, 'Search');
  check((await page.locator('#accounts tbody tr').count()) === 1, 'search finds exactly the account');
  await shot('accounts-search');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: account }).click()]);
  check((await page.locator('#shown-account').textContent()) === account, 'account page opened');
  await shot('account');

  // Invoices: pay the overdue one, add another.
  await press(page.locator('tr[data-invoice="INV-OLD"]'), 'Mark paid');
  check((await page.locator('tr[data-invoice="INV-OLD"] .invoice-status').textContent()) === 'paid', 'INV-OLD paid');
  await page.getByLabel('Invoice number').fill('INV-2');
  await page.getByLabel('Amount').fill('25.50');
  await page.getByLabel('Currency').fill('EUR');
  await page.getByLabel('Due date').fill('2099-06-30');
  await press(page, 'Add invoice');
  check((await page.locator('tr[data-invoice="INV-2"]').textContent()).includes('25.50 EUR'), 'INV-2 added');

  // Licences: revoke one, and disable a key.
  await press(page.locator('#account-licences tr[data-product="legacy"]'), 'Revoke');
  check((await page.locator('#account-licences tr[data-product="legacy"]').count()) === 0, 'legacy revoked');
  const evil = env('EVIL_KEY');
  await press(page.locator(`#account-keys tr[data-public-key="${evil}"]`), 'Disable');
  check((await page.locator(`#account-keys tr[data-public-key="${evil}"] .key-state`).textContent()) === 'Disabled', 'key disabled by operator');

  // A new product, a package uploaded into it, then a licence for it.
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByLabel('Slug (lowercase, e.g. acme-pro)').fill('extras');
  await page.getByLabel('Name', { exact: true }).fill('Acme Extras');
  await page.getByLabel('Packages and patterns, comma-separated (e.g. acme/*, acme/extra)').fill('acme/extra-*');
  await press(page, 'Create product');
  check(await page.locator('tr[data-product="extras"]').isVisible(), 'product created');
  await shot('products');

  await page.getByRole('link', { name: 'Packages' }).click();
  await page.getByLabel('Zip archive with composer.json (name and version)').setInputFiles(env('UPLOAD_ZIP'));
  await press(page, 'Upload');
  check((await page.locator('#notice').textContent()).includes('acme/extra-tool 1.0.0 published'), 'zip uploaded and published');
  const hello = page.locator('section[data-package="acme/hello"]');
  check((await hello.locator('.description').textContent()) === 'Hello <b>world</b>', 'descriptions render as text');
  await press(hello.locator('tr[data-version="1.1.0"]'), 'Unlist');
  check((await page.locator('section[data-package="acme/hello"] tr[data-version="1.1.0"] .version-state').textContent()) === 'Unlisted', '1.1.0 unlisted');
  await shot('packages');

  await page.goto(`/admin/accounts/${account}`);
  await page.getByLabel('Product').selectOption('extras');
  await press(page, 'Grant licence');
  check(await page.locator('#account-licences tr[data-product="extras"]').isVisible(), 'extras granted');
  await shot('account-after-changes');

  // Create an account and close it.
  await page.getByRole('link', { name: 'Accounts' }).click();
  await page.getByLabel('Contact email').fill('closing@example.com');
  await page.getByLabel('Display name').fill('Closing <Ltd>');
  await press(page, 'Create account');
  result.closedAccount = (await page.locator('#shown-account').textContent()).trim();
  await press(page, 'Close account');
  check((await page.locator('#account-status').textContent()) === 'closed', 'account closed');
  await press(page, 'Reopen account');
  check((await page.locator('#account-status').textContent()) === 'active', 'account reopened');
  await press(page, 'Close account');
  check((await page.locator('#account-status').textContent()) === 'closed', 'account closed again');

  // A release archive, streamed to storage from the form.
  await page.getByRole('link', { name: 'Releases' }).click();
  await page.getByLabel('Type').selectOption('ce-full');
  await page.getByLabel('Version (e.g. 2.4.7)').fill('2.4.7');
  await page.getByLabel('Product that entitles a customer to it').selectOption('hello');
  await page.getByLabel('Release file (its name is what customers download)').setInputFiles(env('RELEASE_FILE'));
  await press(page, 'Add release');
  check((await page.locator('#notice').textContent()) === 'Acme-CE-2.4.7.tar.gz added.', 'release added');
  check((await page.locator('tr[data-release="Acme-CE-2.4.7.tar.gz"]').textContent()).includes('ce-full'), 'release listed');
  await shot('releases');

  // The audit log says who did what, from where.
  await page.getByRole('link', { name: 'Audit log' }).click();
  // The log is paged: read every page through the "Next" links.
  const rows = [];
  for (;;) {
    rows.push(...await page.locator('#audit tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent))));
    const next = page.locator('a[rel="next"]');
    if ((await next.count()) === 0) break;
    await Promise.all([page.waitForNavigation(), next.click()]);
  }
  const customer = env('CUSTOMER_EMAIL');
  const has = (who, ip, action) => rows.some((r) => r[1] === who && r[2] === ip && r[3] === action);
  for (const [who, action] of [
    // Customer actions name the user who did them (SPEC §13), here the primary contact.
    [customer, 'login.failed'], [customer, 'login'], [customer, 'key.create'], [customer, 'key.disable'],
    [customer, 'key.enable'], [customer, 'key.delete'], [customer, 'token.generate'], [customer, 'logout'],
    [operator, 'login'], [operator, 'invoice.pay'], [operator, 'invoice.add'], [operator, 'entitlement.revoke'],
    [operator, 'entitlement.grant'], [operator, 'key.disable'], [operator, 'product.create'],
    [operator, 'version.publish'], [operator, 'version.unlist'], [operator, 'account.create'], [operator, 'account.close'], [operator, 'account.reopen'],
    [operator, 'release.add'],
  ]) {
    check(has(who, '127.0.0.1', action), `audit log has ${action} by ${who} from 127.0.0.1`);
  }
  await shot('audit');
  await page.getByLabel('Show entries mentioning (who, address, action or subject)').fill('account.reopen');
  await press(page, 'Filter');
  const actions = await page.locator('#audit td.action').allTextContents();
  check(actions.length === 1 && actions[0] === 'account.reopen', `the filter keeps matching entries only: ${actions}`);

  // Download statistics: one chart per package, drawn as SVG on the server.
  await page.getByRole('link', { name: 'Download statistics' }).click();
  const chart = page.locator('figure[data-chart="acme/hello"]');
  check((await chart.locator('svg rect').count()) === 30, 'a bar per day');
  check((await chart.locator('figcaption').textContent()).includes('1 install(s)'), 'the install from composer is counted');
  await shot('stats');

  await press(page, 'Log out');
  check(new URL(page.url()).pathname === '/admin/login', 'operator logged out');
  await finish(result);
});
