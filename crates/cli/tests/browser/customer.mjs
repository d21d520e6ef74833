// Every customer action of the portal, in a real browser: log in (after a wrong password),
// create keys (including one named like an XSS payload), disable / enable / delete keys,
// generate the download token twice, read licences and invoices, log out; then the same
// key actions again with JavaScript switched off. Writes what it created to RESULT_FILE so
// the Rust side can check the effects with composer and curl.
import { check, env, press, run, start } from './lib.mjs';

run(async () => {
  const { browser, page, shot, finish } = await start('customer');
  const account = env('ACCOUNT_ID');
  const cliKey = env('CLI_KEY');
  const result = {};

  // Not logged in: the portal sends us to the login form.
  await page.goto('/account/keys');
  check(new URL(page.url()).pathname === '/login', `expected the login form, got ${page.url()}`);
  await shot('login');
  await page.getByLabel('Email address').fill(env('CUSTOMER_EMAIL'));
  await page.getByLabel('Password').fill('not the password');
  await press(page, 'Log in');
  check((await page.locator('#login-error').textContent()).includes('email address or password is wrong'), 'wrong password is refused');
  await shot('login-failed');
  await page.getByLabel('Email address').fill(env('CUSTOMER_EMAIL'));
  await page.getByLabel('Password').fill(env('CUSTOMER_PASSWORD'));
  await press(page, 'Log in');
  check(new URL(page.url()).pathname === '/account/keys', `login leads to the keys page, got ${page.url()}`);
  check((await page.locator('#account-id').textContent()) === account, 'the account id is at the top');

  // The key made with the CLI and used by composer shows its last use with time and address.
  const cliRow = page.locator(`tr[data-public-key="${cliKey}"]`);
  const used = await cliRow.locator('td').nth(4).textContent();
  check(/\d{4}-\d\d-\d\d \d\d:\d\d UTC from 127\.0\.0\.1/.test(used), `last used shows time and IP: ${used}`);
  await shot('keys');

  // Create a key: the pair is shown once, with copy buttons.
  await page.getByLabel('Name (for example, the developer who gets it)').fill('browser-dev');
  await press(page, 'Create a new access key');
  check((await page.textContent('main')).includes('The private key will not be shown again'), 'warned that the private key is shown once');
  result.createdPublic = (await page.locator('#public-key').textContent()).trim();
  result.createdPrivate = (await page.locator('#private-key').textContent()).trim();
  check(/^[A-Za-z0-9]{32}$/.test(result.createdPublic) && /^[A-Za-z0-9]{32}$/.test(result.createdPrivate), 'a 32-character pair');
  await page.getByRole('button', { name: 'Copy private key' }).click();
  await page.getByRole('button', { name: 'Copied' }).waitFor();
  check((await page.evaluate(() => navigator.clipboard.readText())) === result.createdPrivate, 'the copy button copies the private key');
  await shot('key-created');
  await page.getByRole('link', { name: 'Back to Access Keys' }).click();
  check(!(await page.textContent('main')).includes(result.createdPrivate), 'the private key is not on the list');

  // A name that is markup renders as text and runs nothing.
  const evil = '<script>alert(1)</script>';
  await page.getByLabel('Name (for example, the developer who gets it)').fill(evil);
  await press(page, 'Create a new access key');
  result.evilPublic = (await page.locator('#public-key').textContent()).trim();
  result.evilPrivate = (await page.locator('#private-key').textContent()).trim();
  await page.goto('/account/keys');
  const evilName = await page.locator(`tr[data-public-key="${result.evilPublic}"] .key-name`).textContent();
  check(evilName === evil, `the key name is shown as typed: ${evilName}`);
  check((await page.locator('script').count()) === 1, 'no script element was injected');
  await shot('keys-with-markup-name');

  // Disable the CLI key; disable and re-enable the new one.
  await press(page.locator(`tr[data-public-key="${cliKey}"]`), 'Disable');
  check((await page.locator(`tr[data-public-key="${cliKey}"] .key-state`).textContent()).trim() === 'Disabled', 'CLI key disabled');
  const created = () => page.locator(`tr[data-public-key="${result.createdPublic}"]`);
  await press(created(), 'Disable');
  check((await created().locator('.key-state').textContent()).trim() === 'Disabled', 'new key disabled');
  await press(created(), 'Enable');
  check((await created().locator('.key-state').textContent()).trim() === 'Enabled', 'new key enabled again');

  // Delete a key, through the confirmation page.
  await page.getByLabel('Name (for example, the developer who gets it)').fill('short-lived');
  await press(page, 'Create a new access key');
  result.deletedPublic = (await page.locator('#public-key').textContent()).trim();
  result.deletedPrivate = (await page.locator('#private-key').textContent()).trim();
  await page.goto('/account/keys');
  await page.locator(`tr[data-public-key="${result.deletedPublic}"]`).getByRole('link', { name: 'Delete' }).click();
  check((await page.locator('h1').textContent()).includes('Delete access key “short-lived”?'), 'asks to confirm');
  await shot('key-delete-confirm');
  await press(page, 'Delete key');
  check((await page.locator(`tr[data-public-key="${result.deletedPublic}"]`).count()) === 0, 'key gone from the list');
  await shot('keys-after-changes');

  // Download Access Token: generate twice; the page shows each once with the curl line.
  await page.getByRole('link', { name: 'Download Access Token' }).click();
  check((await page.locator('#token-state').textContent()).includes('no token yet'), 'no token at first');
  check((await page.textContent('main')).includes('replaces the current one'), 'warns about replacing');
  await shot('token');
  result.tokens = [];
  for (let i = 0; i < 2; i += 1) {
    await press(page, 'Generate a new token');
    const token = (await page.locator('#token').textContent()).trim();
    const curl = (await page.locator('#curl-line').textContent()).trim();
    const host = new URL(env('PORTAL_URL')).host;
    check(curl === `curl -O http://${account}:${token}@${host}/products/downloads/file/NAME`, `ready-to-paste curl line: ${curl}`);
    result.tokens.push(token);
  }
  check(result.tokens[0] !== result.tokens[1], 'a new token each time');
  await shot('token-generated');

  // Licences: product, packages and the updates-until date.
  await page.getByRole('link', { name: 'Licences' }).click();
  const licence = page.locator('[data-product="hello"]');
  check((await licence.textContent()).includes('acme/hello'), 'the licence lists its packages');
  const reach = (await licence.locator('tr[data-package="acme/hello"] .reach-text').textContent()).trim();
  check(reach === '1.1.0 (the newest)', `the licence reaches the newest release: ${reach}`);
  check((await licence.locator('.updates').textContent()).includes('releases up to 2099-12-31'), 'updates-until shown');
  await shot('licences');

  // Invoices: overdue and unpaid highlighted, the hold explained.
  await page.getByRole('link', { name: 'Invoices', exact: true }).click();
  check(await page.locator('tr.overdue[data-invoice="INV-OLD"]').isVisible(), 'overdue invoice highlighted');
  check(await page.locator('tr.unpaid[data-invoice="INV-NEW"]').isVisible(), 'unpaid invoice highlighted');
  const hold = await page.locator('#hold').textContent();
  check(hold.includes('on hold') && hold.includes('INV-OLD'), `hold explained: ${hold}`);
  await shot('invoices');

  // Log out: the pages need a login again.
  await press(page, 'Log out');
  check(new URL(page.url()).pathname === '/login', 'logout leads to the login form');
  await page.goto('/account/keys');
  check(new URL(page.url()).pathname === '/login', 'after logout the keys page needs a login');

  // Everything works without JavaScript: only the copy buttons need it, and they stay hidden.
  const noJs = await browser.newContext({ baseURL: env('PORTAL_URL'), javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto('/login');
  await plain.getByLabel('Email address').fill(env('CUSTOMER_EMAIL'));
  await plain.getByLabel('Password').fill(env('CUSTOMER_PASSWORD'));
  await press(plain, 'Log in');
  await plain.getByLabel('Name (for example, the developer who gets it)').fill('no-script');
  await press(plain, 'Create a new access key');
  const plainPublic = (await plain.locator('#public-key').textContent()).trim();
  check(/^[A-Za-z0-9]{32}$/.test((await plain.locator('#private-key').textContent()).trim()), 'pair shown without JavaScript');
  check(!(await plain.getByRole('button', { name: 'Copy private key' }).isVisible()), 'copy buttons hidden without JavaScript');
  await plain.goto('/account/keys');
  await press(plain.locator(`tr[data-public-key="${plainPublic}"]`), 'Disable');
  await plain.locator(`tr[data-public-key="${plainPublic}"]`).getByRole('link', { name: 'Delete' }).click();
  await press(plain, 'Delete key');
  check((await plain.locator(`tr[data-public-key="${plainPublic}"]`).count()) === 0, 'deleted without JavaScript');
  await press(plain, 'Log out');
  await noJs.close();

  await finish(result);
});
