import { chromium, type Browser, type Locator } from 'playwright-core';

/** Debian's Chromium, headless (never a downloaded browser); CHROMIUM_PATH overrides the path. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** How many pixels an element reaches past the right edge of its panel (0 when it fits): a table cut off at the card's edge. */
export function pastItsPanel(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const panel = el.closest('.panel');
    if (!panel) throw new Error('the element is not inside a .panel');
    return Math.max(0, Math.round(el.getBoundingClientRect().right - panel.getBoundingClientRect().right));
  });
}
