import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE } from "./chromium.js";

/** Where the suite saves its screenshots (gitignored; made by the suite). */
export const SCREENSHOT_DIR = join("test-results", "screenshots");

/**
 * Saves the page as it is at desktop (1280×800) and phone (390×844) widths, full length, as
 * test-results/screenshots/NAME-desktop.png and NAME-phone.png. Leaves the viewport as it found it.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules and best practices) on the page as it is, at desktop and
 * phone widths, and fails on any serious or critical violation, naming each with its elements.
 */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  const problems: string[] = [];
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    const results = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
      .analyze();
    for (const violation of results.violations) {
      if (violation.impact !== "serious" && violation.impact !== "critical") continue;
      const where = violation.nodes.map((node) => node.target.join(" ")).join(", ");
      problems.push(`${viewport.width}px ${violation.impact} ${violation.id}: ${violation.help} (${where})`);
    }
  }
  await page.setViewportSize(before);
  assert.deepEqual(problems, [], `${label}: accessibility violations`);
}

/** What a page did that it should not: console errors (CSP violations among them), uncaught errors, other origins. */
export interface PageWatch {
  consoleErrors: string[];
  pageErrors: string[];
  foreignRequests: string[];
}

/** Starts recording console errors, uncaught exceptions and every request to another origin. */
export function watchPage(page: Page, baseUrl: string): PageWatch {
  const origin = new URL(baseUrl).origin;
  const watch: PageWatch = { consoleErrors: [], pageErrors: [], foreignRequests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") watch.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => watch.pageErrors.push(error.message));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && new URL(url).origin !== origin) watch.foreignRequests.push(url);
  });
  return watch;
}

/** Asserts the watch saw nothing. */
export function assertClean(watch: PageWatch): void {
  assert.deepEqual(watch.pageErrors, [], "uncaught errors in the page");
  assert.deepEqual(watch.consoleErrors, [], "console errors (CSP violations show here)");
  assert.deepEqual(watch.foreignRequests, [], "requests to another origin");
}
