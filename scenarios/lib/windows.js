// The simulated windows each scenario rehearses, per calendar. They mirror @d11/rules/calendar
// (scenarios/test/windows.test.ts keeps them in step): k6 scripts cannot import workspace packages.

const MIN = 60000
const at = (iso) => Date.parse(iso)

const MOMENTS = {
  2020: {
    wave1PresaleOpens: at('2020-10-21T20:00:00+08:00'),
    wave1FinalPaymentOpens: at('2020-11-01T00:00:00+08:00'),
    wave1SpotOpens: at('2020-11-01T00:00:00+08:00'),
    wave2SpotOpens: at('2020-11-11T00:00:00+08:00'),
    afterSaleFrom: at('2020-11-12T00:00:00+08:00'),
  },
  2022: {
    wave1PresaleOpens: at('2022-10-24T20:00:00+08:00'),
    wave1FinalPaymentOpens: at('2022-10-31T20:00:00+08:00'),
    wave1SpotOpens: at('2022-11-01T00:00:00+08:00'),
    wave2SpotOpens: at('2022-11-11T00:00:00+08:00'),
    afterSaleFrom: at('2022-11-12T00:00:00+08:00'),
  },
}

/** Each scenario's window: 10 simulated minutes before its moment to 50 after (after-sale: 10:00-11:00 on the first return day). */
const SPEC = {
  'presale-open': { moment: 'wave1PresaleOpens', before: 10 * MIN, after: 50 * MIN },
  'final-payment': { moment: 'wave1FinalPaymentOpens', before: 0, after: 60 * MIN },
  'spot-burst-nov1': { moment: 'wave1SpotOpens', before: 10 * MIN, after: 50 * MIN },
  'peak-nov11': { moment: 'wave2SpotOpens', before: 10 * MIN, after: 50 * MIN },
  'consultation-storm': { moment: 'wave2SpotOpens', before: 10 * MIN, after: 50 * MIN },
  'after-sale': { moment: 'afterSaleFrom', before: -600 * MIN, after: 660 * MIN },
  'merchant-direct': { moment: 'wave2SpotOpens', before: 10 * MIN, after: 50 * MIN },
}

export const MOMENTS_BY_CALENDAR = MOMENTS

/** `{ from, to, moment }` in epoch ms and ISO +08:00 for a scenario on a calendar. */
export function windowFor(scenario, calendar) {
  const moments = MOMENTS[calendar]
  if (!moments) throw new Error(`__ENV.CALENDAR must be 2020 or 2022 (got "${calendar}")`)
  const spec = SPEC[scenario]
  if (!spec) throw new Error(`no window for scenario "${scenario}"`)
  const from = moments[spec.moment] - spec.before
  const to = moments[spec.moment] + spec.after
  return { from, to, moment: moments[spec.moment], fromIso: shanghaiIso(from), toIso: shanghaiIso(to) }
}

/** Epoch ms as ISO 8601 in Asia/Shanghai (+08:00), independent of the host zone. */
export function shanghaiIso(ms) {
  return new Date(ms + 8 * 3600000).toISOString().replace('Z', '+08:00')
}
