// The scenarios `d11 load` knows, with the curve stream that drives each. Plain JS without k6
// imports, so Node can read it too.

export const SCENARIOS = {
  'presale-open': { file: new URL('../presale-open.js', import.meta.url), stream: 'orders' },
  'final-payment': { file: new URL('../final-payment.js', import.meta.url), stream: 'orders' },
  'spot-burst-nov1': { file: new URL('../spot-burst-nov1.js', import.meta.url), stream: 'orders' },
  'peak-nov11': { file: new URL('../peak-nov11.js', import.meta.url), stream: 'orders' },
  'consultation-storm': {
    file: new URL('../consultation-storm.js', import.meta.url),
    stream: 'consultations',
  },
  'after-sale': { file: new URL('../after-sale.js', import.meta.url), stream: 'orders' },
  'merchant-direct': { file: new URL('../merchant-direct.js', import.meta.url), stream: 'orders' },
}
