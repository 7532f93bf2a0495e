import { pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'

/**
 * Opens a report file in headless Chromium (Debian's, or `CHROMIUM_PATH`) and hands the page to
 * `check`, then closes the browser. `problems` collects console errors and uncaught page errors,
 * `requests` every URL the page asked for, so a test can assert a report is clean and
 * self-contained.
 */
export async function withReportPage<T>(
  file: string,
  check: (page: Page, seen: { problems: string[]; requests: string[] }) => Promise<T>,
): Promise<T> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const seen = { problems: [] as string[], requests: [] as string[] }
    page.on('console', (m) => {
      if (m.type() === 'error') seen.problems.push(m.text())
    })
    page.on('pageerror', (e) => seen.problems.push(e.message))
    page.on('request', (r) => seen.requests.push(r.url()))
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    return await check(page, seen)
  } finally {
    await browser.close()
  }
}
