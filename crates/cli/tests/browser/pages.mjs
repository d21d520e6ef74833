// Every page of the portal, customer and operator side, checked with axe-core in light and
// dark mode (no serious or critical violation) and for sideways scrolling at 390 and 360 px
// (see inspect() in lib.mjs). With DOCS_SHOTS set, also saves a screenshot of each page at
// 1280 and 390 px there (screenshots.sh uses this for docs/screenshots/). Writes the list of
// pages seen and the problems found to RESULT_FILE; exits non-zero if there is any problem.
import { join } from 'node:path';
import { check, env, inspect, press, run, start } from './lib.mjs';

run(async () => {
  const { page, finish } = await start('pages');
  const docs = process.env.DOCS_SHOTS;
  const seen = [];
  const problems = [];

  const visit = async (name, path) => {
    if (path) await page.goto(path);
    seen.push({ name, path: new URL(page.url()).pathname, title: await page.title() });
    problems.push(...await inspect(page, name));
    if (docs) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.screenshot({ path: join(docs, `${name}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(docs, `${name}-390.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  };

  // Before logging in.
  await visit('login', '/login');
  if (process.env.MAIL === '1') await visit('password-forgot', '/password/forgot');
  await visit('operator-login', '/admin/login');

  // The customer's pages.
  await page.goto('/login');
  await page.getByLabel('Email address').fill(env('CUSTOMER_EMAIL'));
  await page.getByLabel('Password').fill(env('CUSTOMER_PASSWORD'));
  await press(page, 'Log in');
  check(new URL(page.url()).pathname === '/account/keys', `customer logged in, at ${page.url()}`);
  await visit('keys', '/account/keys');
  await page.getByLabel('Name (for example, the developer who gets it)').fill('Docs laptop');
  await press(page, 'Create a new access key');
  await visit('key-created');
  const created = (await page.locator('#public-key').textContent()).trim();
  await visit('key-delete', `/account/keys/${created}/delete`);
  await visit('token', '/account/token');
  await press(page, 'Generate a new token');
  await visit('token-generated');
  await visit('licences', '/account/licences');
  await visit('invoices', '/account/invoices');
  await visit('password-change', '/account/password');
  // SPEC §13: users, their set-password link, personal keys, the account switcher.
  await visit('users', '/account/users');
  await page.getByLabel('Email address').fill('new-user@example.com');
  await page.locator('#user-role').selectOption('billing');
  await press(page, 'Add user');
  await visit('user-added');
  const link = (await page.locator('#set-password-link').textContent()).trim();
  await page.goto('/account/keys');
  await page.getByLabel('Name (for example, your laptop)').fill('My laptop');
  await press(page, 'Create a personal key');
  await visit('personal-key-created');
  await page.goto('/account/keys');
  check((await page.locator('#switch-account').count()) === 1, 'a user of two accounts gets the switcher');
  await press(page, 'Switch');
  await visit('switched-account');
  await press(page, 'Switch'); // back to the first account, where this user is owner
  await visit('not-found', '/account/no-such-page');
  check((await page.locator('#error-message').count()) === 1, 'the 404 page says what happened');
  check((await page.locator('nav[aria-label="Account"]').count()) === 1, 'the 404 page has the portal frame');
  await page.goto('/account/keys');
  await press(page, 'Log out');
  await visit('password-set', link);

  // A developer opens a page their role lacks: 403, in the frame, with their navigation.
  await page.goto('/login');
  await page.getByLabel('Email address').fill(env('DEVELOPER_EMAIL'));
  await page.getByLabel('Password').fill(env('CUSTOMER_PASSWORD'));
  await press(page, 'Log in');
  await visit('role-forbidden', '/account/invoices');
  check((await page.locator('.error-page .status').textContent()).includes('403'), 'a page outside the role answers 403');
  await page.goto('/account/keys');
  await press(page, 'Log out');

  // The operator's pages.
  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(env('OPERATOR_EMAIL'));
  await page.getByLabel('Password').fill(env('OPERATOR_PASSWORD'));
  await press(page, 'Log in');
  await visit('admin-dashboard', '/admin/dashboard');
  await visit('admin-accounts', '/admin/accounts');
  await visit('admin-account', `/admin/accounts/${env('ACCOUNT_ID')}`);
  await visit('admin-account-explain', `/admin/accounts/${env('ACCOUNT_ID')}/explain?package=acme/suite`);
  await visit('admin-products', '/admin/products');
  await visit('admin-packages', '/admin/packages');
  await visit('admin-advisories', '/admin/advisories');
  await visit('admin-releases', '/admin/releases');
  await visit('admin-repos', '/admin/repos');
  await visit('admin-upstreams', '/admin/upstreams');
  await visit('admin-audit', '/admin/audit');
  await visit('admin-stats', '/admin/stats');
  for (const extra of (process.env.EXTRA_ADMIN_PAGES || '').split(',').filter(Boolean)) {
    await visit(`admin-${extra.split('/').pop()}`, extra);
  }
  await visit('admin-not-found', '/admin/no-such-page');
  // A form posted without its token: the 403 page, in the frame.
  await Promise.all([page.waitForNavigation(), page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/admin/products';
    document.body.append(form);
    form.submit();
  })]);
  check((await page.locator('.error-page .status').textContent()).includes('403'), 'a forged post is refused with 403');
  await visit('admin-forbidden');

  await finish({ seen, problems });
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
});
