/**
 * Around the panels: the examples gallery, projects (drafts saved automatically, never lost when
 * switching to an example; named, renamed, saved as new, deleted), resetting key-value data,
 * and storage use.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { newContext, openPlayground, sendFromConsole, waitForStatus } from '../support/playground.ts';
import { panel } from './ui-helpers.ts';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Type at the end of the manifest, as a person would. */
async function appendToManifest(page: Page, text: string): Promise<void> {
  const editor = page.locator('.monaco-editor');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText(text);
}

const manifestText = (page: Page) => page.locator('.monaco-editor .view-lines').innerText();

test('edits are a saved draft: switching to another example and back finds them', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await appendToManifest(page, '\n# my own note\n');
  await panel(page, 'Manifest').getByText('draft saved').waitFor();
  await page.getByRole('button', { name: 'Examples' }).click();
  const gallery = page.getByRole('dialog', { name: 'Examples' });
  const cards = await gallery.getByRole('listitem').allTextContents();
  assert.ok(
    cards.some((c) => /^guestbook.*Guestbook: an HTML app/.test(c)),
    cards.join('\n'),
  );
  await Promise.all([page.waitForURL(/\?example=guestbook$/), gallery.getByRole('button', { name: 'Open guestbook' }).click()]);
  await waitForStatus(page, 'Running');
  assert.doesNotMatch(await manifestText(page), /my\sown\snote/);
  await page.getByRole('button', { name: 'Examples' }).click();
  const kvCard = page
    .getByRole('dialog', { name: 'Examples' })
    .getByRole('listitem')
    .filter({ hasText: /^kv-basics/ });
  assert.match((await kvCard.textContent()) ?? '', /edited/);
  await Promise.all([page.waitForURL((url) => !url.search.includes('guestbook')), kvCard.getByRole('button', { name: 'Open kv-basics' }).click()]);
  await waitForStatus(page, 'Running');
  assert.match(await manifestText(page), /my\sown\snote/);
  await context.close();
});

test('projects can be renamed, saved as new, reverted and deleted; storage use is shown', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?preview=off');
  await appendToManifest(page, '\n# project note\n');
  await panel(page, 'Manifest').getByText('draft saved').waitFor();
  await page.getByRole('button', { name: 'Projects' }).click();
  let dialog = page.getByRole('dialog', { name: 'Projects' });
  await dialog.getByLabel('Project name').fill('My KV app');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  await page.getByRole('button', { name: 'Projects' }).filter({ hasText: 'My KV app' }).waitFor();
  assert.match((await dialog.getByLabel('Storage use').textContent()) ?? '', /^Storage: [\d.]+ (B|KiB|MiB|GiB) used of [\d.]+ (KiB|MiB|GiB) available/);
  await Promise.all([page.waitForURL(/\?project=p-[a-z0-9]+$/), dialog.getByRole('button', { name: 'Save as new project' }).click()]);
  await waitForStatus(page, 'Running');
  assert.match(await manifestText(page), /project\snote/);
  await page.getByRole('button', { name: 'Projects' }).filter({ hasText: 'My KV app (copy)' }).waitFor();
  // Its own preview origin, so its own key-value data.
  assert.match((await panel(page, 'Preview').locator('iframe[name="preview"]').getAttribute('src')) ?? '', /^http:\/\/p-[a-z0-9]+\.localhost:/);

  await page.getByRole('button', { name: 'Projects' }).click();
  dialog = page.getByRole('dialog', { name: 'Projects' });
  const saved = dialog.getByRole('list', { name: 'Saved projects' }).getByRole('listitem');
  await saved.nth(1).waitFor();
  assert.equal(await saved.count(), 2);
  await dialog.getByRole('button', { name: 'Delete project My KV app', exact: true }).click();
  await dialog.getByRole('button', { name: 'Confirm delete' }).click();
  await saved.nth(1).waitFor({ state: 'detached' });
  assert.match((await saved.textContent()) ?? '', /My KV app \(copy\)/);

  // Revert to original drops the draft.
  await dialog.getByRole('button', { name: 'Revert to original' }).click();
  await Promise.all([page.waitForEvent('load'), dialog.getByRole('button', { name: 'Confirm revert' }).click()]);
  await waitForStatus(page, 'Running');
  assert.doesNotMatch(await manifestText(page), /project\snote/);
  await context.close();
});

test('reset key-value data empties every store of the project', async () => {
  const context = await newContext(browser);
  const page = await openPlayground(context, '?example=guestbook&preview=off');
  await sendFromConsole(page, 'POST', '/entries', 'name=A&message=b');
  const keys = panel(page, 'Key-value explorer').getByRole('listbox', { name: 'Keys' });
  await keys.getByRole('option', { name: 'count' }).waitFor();
  await page.getByRole('button', { name: 'Projects' }).click();
  const dialog = page.getByRole('dialog', { name: 'Projects' });
  await dialog.getByRole('button', { name: 'Reset key-value data' }).click();
  await dialog.getByRole('button', { name: 'Confirm reset' }).click();
  await keys.getByRole('option', { name: 'count' }).waitFor({ state: 'detached' });
  assert.equal((await sendFromConsole(page, 'GET', '/api/entries')).body.trim(), '[]');
  await context.close();
});
