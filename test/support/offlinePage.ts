import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { RESULTS_DIR } from './browser.js';

/** The two widths every page must read well at: a phone and a laptop. */
export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

export interface OfflinePage {
  readonly page: Page;
  /** Every request the page made that was not the file itself: must stay empty. */
  readonly strayRequests: string[];
}

/**
 * Write `html` under test-results/ and open it with every request but the file itself
 * refused and remembered: a page that needs the network (a script, a font, a chart library
 * from a CDN) shows up in `strayRequests` instead of loading silently.
 */
export async function openOffline(browser: Browser, name: string, html: string, viewport: { width: number; height: number }): Promise<OfflinePage> {
  const file = path.join(RESULTS_DIR, name);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport });
  const strayRequests: string[] = [];
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    strayRequests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  return { page, strayRequests };
}

/** Whether the page scrolls sideways (it must not, at any of the VIEWPORTS). */
export function scrollsSideways(page: Page): Promise<boolean> {
  // A string expression: the tests compile without the DOM library.
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
}
