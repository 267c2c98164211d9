// Filling the licensing form the way a keyboard user does: Tab to a control, then
// type, press Space or the arrow keys. No mouse clicks and no programmatic value setting.
import type { Page } from 'playwright-core';
import { tabTo } from './browser.js';

/** Tab to a text field and type into it (replacing what was there). */
export async function typeInto(page: Page, id: string, text: string): Promise<void> {
  await tabTo(page, `#${id}`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.type(text);
}

/** Tab to a select and move the selection with the arrow keys until `value` is chosen. */
export async function chooseOption(page: Page, id: string, value: string): Promise<void> {
  await tabTo(page, `#${id}`);
  const target = await page.evaluate(
    ([i, v]) => [...(document.getElementById(i) as HTMLSelectElement).options].findIndex((o) => o.value === v),
    [id, value] as const,
  );
  if (target < 0) throw new Error(`#${id} has no option ${value}`);
  for (let n = 0; n < 400; n++) {
    const current = await page.evaluate((i) => (document.getElementById(i) as HTMLSelectElement).selectedIndex, id);
    if (current === target) return;
    await page.keyboard.press(current < target ? 'ArrowDown' : 'ArrowUp');
  }
  throw new Error(`could not choose ${value} in #${id} with the arrow keys`);
}

/** Tab into a radio group and pick the n-th choice (0 = first) with Space and the arrow keys. */
export async function chooseRadio(page: Page, id: string, n: number): Promise<void> {
  const name = await page.getAttribute(`#${id}`, 'name');
  await tabTo(page, `input[name="${name}"]`);
  await page.keyboard.press('Space');
  for (let i = 0; i < 10; i++) {
    const checked = await page.evaluate(
      (nm) => [...document.querySelectorAll<HTMLInputElement>(`input[name="${nm}"]`)].findIndex((r) => r.checked),
      name,
    );
    if (checked === n) return;
    await page.keyboard.press(checked < n ? 'ArrowDown' : 'ArrowUp');
  }
  throw new Error(`could not choose radio ${n} of #${id}`);
}

async function checkBox(page: Page, id: string): Promise<void> {
  await tabTo(page, `#${id}`);
  if (!(await page.isChecked(`#${id}`))) await page.keyboard.press('Space');
}

/** Tab to a button and press Enter; waits for the navigation when the button submits the page. */
export async function pressButton(page: Page, selector: string, navigates = true): Promise<void> {
  await tabTo(page, selector);
  if (navigates) await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  else await page.keyboard.press('Enter');
}

export interface KeyboardRequest {
  name: string;
  email: string;
  organisation: string;
  country: string;
  articleUrl: string;
  articleTitle: string;
  audience: string;
  startDate: string; // YYYY-MM-DD
}

/** Types a date into <input type=date> in the browser's en-US field order (month, day, year). */
async function typeDate(page: Page, id: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await tabTo(page, `#${id}`);
  await page.keyboard.type(`${m}${d}${y}`);
}

/** Fills every required field of the form, top to bottom, by keyboard only. */
export async function fillFormByKeyboard(page: Page, r: KeyboardRequest): Promise<void> {
  await page.keyboard.press('Tab'); // start from the top of the page
  await typeInto(page, 'f-requester-name', r.name);
  await typeInto(page, 'f-requester-email', r.email);
  await typeInto(page, 'f-organisation-name', r.organisation);
  await chooseOption(page, 'f-organisation-type', 'newspaper');
  await chooseOption(page, 'f-organisation-country', r.country);
  await chooseRadio(page, 'f-organisation-nonProfit', 1);
  await typeInto(page, 'f-articles-0-url', r.articleUrl);
  await typeInto(page, 'f-articles-0-title', r.articleTitle);
  await chooseOption(page, 'f-usage-medium', 'online');
  await chooseRadio(page, 'f-usage-territory', 0);
  await chooseOption(page, 'f-usage-countries', r.country);
  await chooseRadio(page, 'f-usage-translation', 1);
  await typeInto(page, 'f-usage-audience', r.audience);
  await typeDate(page, 'f-usage-startDate', r.startDate);
  await typeInto(page, 'f-usage-durationMonths', '12');
  await chooseRadio(page, 'f-usage-exclusive', 1);
  await chooseRadio(page, 'f-usage-commercial', 1);
  await chooseRadio(page, 'f-usage-images', 1);
  await checkBox(page, 'f-consent');
}
