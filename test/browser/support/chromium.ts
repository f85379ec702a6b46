import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Without the networking flags Chromium keeps trying hosts it cannot reach from here; as root it
// needs --no-sandbox. Headless comes from the launch option.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Viewports the suite looks at the page in. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const hasChromium = () => existsSync(CHROMIUM_PATH);

/** Launches headless Chromium; throws a plain message when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh browser profile (no cookies, no cache), as a first visit is. */
export const newVisitor = (browser: Browser, baseURL: string, viewport = DESKTOP): Promise<BrowserContext> =>
  browser.newContext({ baseURL, viewport, locale: "en-US" });
