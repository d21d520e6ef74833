// SPEC §13 in a real browser: (a) a developer creates keys but is refused Invoices (no link
// in the navigation, and the direct URL answers 403 in the portal's frame); (b) a billing
// user sees the invoices but no keys (navigation and direct URL); (c) an owner adds a user,
// who sets a password through the link and logs in; (d) the last owner cannot be removed.
// Writes what it created to RESULT_FILE so the Rust side can check the effects.
import { check, env, press, run, start } from './lib.mjs';

run(async () => {
  const { page, shot, finish } = await start('roles');
  const password = env('CUSTOMER_PASSWORD');
  const result = {};
  const navLinks = async () => page.locator('nav[aria-label="Account"] a').allTextContents();
  const logIn = async (email, secret = password) => {
    await page.goto('/login');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(secret);
    await press(page, 'Log in');
  };
  const logOut = async () => {
    await page.goto('/account'); // error pages have no logout button: leave from a page
    await press(page, 'Log out');
  };
  const refusedAt = async (path, what) => {
    const response = await page.goto(path);
    check(response.status() === 403, `${path} answers 403, got ${response.status()}`);
    const message = await page.locator('#error-message').textContent();
    check(message.includes(`does not include ${what}`), `${path} says why: ${message}`);
    check((await page.locator('nav[aria-label="Account"]').count()) === 1, `${path} has the portal frame`);
  };

  // (a) The developer: keys yes, invoices no.
  await logIn(env('DEV_EMAIL'));
  check(new URL(page.url()).pathname === '/account/keys', `the developer starts on the keys, at ${page.url()}`);
  let links = await navLinks();
  check(!links.includes('Invoices') && !links.includes('Users'), `no Invoices or Users link for a developer: ${links}`);
  check(links.includes('Access Keys'), `an Access Keys link: ${links}`);
  await page.getByLabel('Name (for example, the developer who gets it)').fill('dev browser key');
  await press(page, 'Create a new access key');
  result.devPublic = (await page.locator('#public-key').textContent()).trim();
  result.devPrivate = (await page.locator('#private-key').textContent()).trim();
  await shot('developer-key');
  await refusedAt('/account/invoices', 'Invoices');
  await shot('developer-refused');
  await logOut();

  // (b) The billing user: invoices yes, keys no.
  await logIn(env('BILL_EMAIL'));
  links = await navLinks();
  check(links.includes('Invoices') && !links.includes('Access Keys') && !links.includes('Download Access Token'),
    `a billing user sees Invoices but no keys: ${links}`);
  await page.getByRole('link', { name: 'Invoices', exact: true }).click();
  check(await page.locator(`tr[data-invoice="${env('INVOICE')}"]`).isVisible(), 'the invoice is listed');
  await shot('billing-invoices');
  await refusedAt('/account/keys', 'Access Keys');
  await logOut();

  // (c) The owner adds a user, who sets a password through the link and logs in.
  await logIn(env('OWNER_EMAIL'));
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByLabel('Email address').fill(env('NEW_EMAIL'));
  await page.locator('#user-role').selectOption('developer');
  await press(page, 'Add user');
  const link = (await page.locator('#set-password-link').textContent()).trim();
  check(link.includes('/password/set?token='), `a set-password link is shown: ${link}`);
  await shot('owner-added-user');

  // (d) The last owner cannot be removed: the page says why and the owner stays.
  await press(page.locator(`tr[data-user="${env('OWNER_EMAIL')}"]`), 'Remove');
  const why = await page.locator('#error-message').textContent();
  check(why.includes('last owner'), `removing the last owner is refused: ${why}`);
  await shot('last-owner');
  await page.goto('/account/users');
  check((await page.locator(`tr[data-user="${env('OWNER_EMAIL')}"] .user-role`).textContent()) === 'owner', 'the owner stays');
  await logOut();

  await page.goto(link);
  check((await page.locator('#link-email').textContent()) === env('NEW_EMAIL'), 'the link names the user');
  await page.getByLabel('New password', { exact: false }).first().fill('a browser password');
  await page.getByLabel('New password again').fill('a browser password');
  await press(page, 'Set my password');
  check(new URL(page.url()).pathname === '/login', `on to the login form, at ${page.url()}`);
  await logIn(env('NEW_EMAIL'), 'a browser password');
  check(new URL(page.url()).pathname === '/account/keys', `the new user is logged in, at ${page.url()}`);
  check((await page.locator('#user-email').textContent()) === env('NEW_EMAIL'), 'the header names the user');
  await shot('new-user');
  const reused = await page.goto(link);
  check(reused.status() === 404, `the link works once, got ${reused.status()}`);
  await finish(result);
});
