import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (no browser download is possible here); browser tests skip with a warning without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function warnIfNoChromium(what: string): void {
  if (!haveChromium) console.warn(`SKIPPED ${what}: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

/** Headless, and quiet on a closed network (no background connections, updates or sync). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
