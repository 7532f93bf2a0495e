/** Types of windows.js for the TypeScript side (d11 load, tests). */
export interface Moments {
  wave1PresaleOpens: number
  wave1FinalPaymentOpens: number
  wave1SpotOpens: number
  wave2SpotOpens: number
  afterSaleFrom: number
}
export interface ScenarioWindow {
  from: number
  to: number
  moment: number
  fromIso: string
  toIso: string
}
export declare const MOMENTS_BY_CALENDAR: Record<string, Moments>
export declare function windowFor(scenario: string, calendar: string): ScenarioWindow
export declare function shanghaiIso(ms: number): string
