// The back office's Upstreams page in a real browser: add an upstream with a user name and
// password (the page never shows the password again), start a sync, add a second one and
// remove it, and see a duplicate name refused with the reason. The Rust side then checks
// that the credentials were stored sealed and work: a mirrored package is served through
// the upstream added here.
import { check, env, press, run, start } from './lib.mjs';

run(async () => {
  const { page, shot, finish } = await start('upstreams');
  const password = env('UPSTREAM_PASSWORD');
  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(env('OPERATOR_EMAIL'));
  await page.getByLabel('Password').fill(env('OPERATOR_PASSWORD'));
  await press(page, 'Log in');
  await page.goto('/admin/upstreams');
  check((await page.locator('#no-upstreams').count()) === 1, 'no upstreams yet');
  check((await page.locator('#no-secrets-key').count()) === 0, 'the server has a secrets key');

  const add = async (name, url, fields) => {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Repository URL').fill(url);
    for (const [label, value] of fields) await page.getByLabel(label).fill(value);
    await press(page, 'Add upstream');
  };
  await add('magento', env('UPSTREAM_URL'), [
    ['Packages it may provide', 'magento/*'],
    ['Priority', '3'],
    ['User name', env('UPSTREAM_USERNAME')],
    ['Password', password],
  ]);
  check((await page.locator('#notice').textContent()).includes('Upstream added'), 'added');
  const row = page.locator('tr[data-upstream="magento"]');
  check((await row.textContent()).includes(env('UPSTREAM_USERNAME')), 'the user name is shown');
  check(!(await page.content()).includes(password), 'the password is never shown again');
  await shot('added');

  await press(row, 'Sync');
  check((await page.locator('#notice').textContent()).includes('Sync started'), 'sync started');

  await add('magento', env('UPSTREAM_URL'), []);
  const refusal = await page.locator('#error-message').textContent();
  check(/already|exists|taken/i.test(refusal), `a duplicate name is refused with the reason: ${refusal}`);
  await page.goto('/admin/upstreams');

  await add('spare', 'https://spare.test', [['Or a bearer token', 'spare-token']]);
  check((await page.locator('tr[data-upstream="spare"]').textContent()).includes('bearer'), 'bearer upstream listed');
  await press(page.locator('tr[data-upstream="spare"]'), 'Remove');
  check((await page.locator('#notice').textContent()).includes('removed'), 'removed');
  check((await page.locator('tr[data-upstream="spare"]').count()) === 0, 'spare is gone');
  await shot('after-remove');
  await finish({ ok: true });
});
