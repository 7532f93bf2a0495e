// Calls to the mock platform (apps/platform): JSON bodies, a `name` tag per endpoint, and the
// statuses that count as answered: 2xx plus the rule rejections (409 stock/state, 422 windows).
// A 503 with Retry-After is load shedding: counted in d11_shed_requests, never a failed check.
import { check } from 'k6'
import http from 'k6/http'
import { Counter } from 'k6/metrics'
import { config, JSON_HEADERS } from './config.js'
import { shanghaiIso } from './windows.js'

export const ANSWERED = http.expectedStatuses({ min: 200, max: 299 }, 409, 422)

const shedRequests = new Counter('d11_shed_requests')

/** The platform shed the request under overload (503 + Retry-After): not served, not an error. */
export function isShed(res) {
  return res.status === 503 && Boolean(res.headers['Retry-After'])
}

/** `await api('POST', '/buyer/orders', body, 'orders.place')` */
export function api(method, path, body, name, headers = {}) {
  return http.asyncRequest(
    method,
    `${config.baseUrl}${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers: Object.assign({}, JSON_HEADERS, headers),
      tags: { name },
      responseCallback: ANSWERED,
    },
  )
}

/** The rule a rejection names (`PAY-3`, `CAL-1`...), '' for success. */
export function ruleOf(res) {
  if (res.status < 400) return ''
  try {
    return res.json('ruleId') || res.json('code') || String(res.status)
  } catch (_notJson) {
    return String(res.status)
  }
}

/**
 * Checks that the platform answered: a success or a coded rule rejection, never a 5xx. A shed
 * request is counted in d11_shed_requests instead and records no check (it was never served);
 * returns false for it, as for a failed check.
 */
export function answered(res, what) {
  if (isShed(res)) {
    shedRequests.add(1, { what })
    return false
  }
  return check(res, {
    [`${what}: answered`]: (r) => r.status >= 200 && r.status < 500,
    [`${what}: rejection carries a code`]: (r) => r.status < 400 || (r.body || '').includes('"code"'),
  })
}

/**
 * setup(): load the world (LOAD_WORLD) and start the simulated clock at the window, COMPRESS x;
 * `leadS` real seconds earlier when a warm-up runs first, so the window still opens on time.
 */
export async function startWindow(window, leadS = 0) {
  if (config.loadWorld) {
    if (!config.dataDir) throw new Error('__ENV.DATA_DIR is required to load the world (or set LOAD_WORLD=0)')
    const res = await api('POST', '/admin/world', { dir: config.dataDir }, 'admin.world')
    if (res.status !== 200) throw new Error(`POST /admin/world answered ${res.status}: ${res.body}`)
  }
  return setClock(shanghaiIso(window.from - leadS * 1000 * config.compress), config.compress)
}

/** POST /admin/clock: simulated time starts at `startIso` and runs `rate` x wall time. */
export async function setClock(startIso, rate) {
  const res = await api('POST', '/admin/clock', { start: startIso, rate }, 'admin.clock')
  if (res.status !== 200) throw new Error(`POST /admin/clock answered ${res.status}: ${res.body}`)
  return res.json()
}

/** Runs `fn` over `items` with at most `width` requests in flight (setup-time preparation). */
export async function inBatches(items, width, fn) {
  const out = []
  for (let i = 0; i < items.length; i += width) {
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))))
  }
  return out
}
