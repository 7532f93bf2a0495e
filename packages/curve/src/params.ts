import { readFileSync } from 'node:fs'
import Type, { type Static } from 'typebox'
import Value from 'typebox/value'
import { parse } from 'yaml'

/** Base error of `@d11/curve`: `code` is fixed, the message names the field and the rule (CAL-3). */
export class CurveError extends Error {
  readonly code = 'D11_CURVE'
  constructor(
    message: string,
    /** the option or parameter field at fault */
    readonly field: string,
  ) {
    super(message)
    this.name = 'CurveError'
  }
}

const Positive = Type.Number({ minimum: 0 })
const Spike = Type.Object({ amplitude: Positive, decayMinutes: Type.Number({ exclusiveMinimum: 0 }) })
const WaveNumbers = Type.Object({ '1': Positive, '2': Positive })
const StreamParams = Type.Object({
  phases: Type.Object({
    warmup: Positive,
    presale: Positive,
    finalPayment: Positive,
    spot: Positive,
    afterSale: Positive,
  }),
  waveFactor: WaveNumbers,
  spikes: Type.Object({
    'presale-open': Spike,
    'final-payment-open': Spike,
    'spot-open': Spike,
  }),
  spikeWaveFactor: WaveNumbers,
})

/** Schema of `curve-params.yaml` (see the comments in that file). */
export const CurveParamsSchema = Type.Object({
  anchors: Type.Object({ peakOrdersPerSecond: Type.Record(Type.String(), Positive) }),
  window: Type.Object({ warmupDays: Positive, tailDays: Positive }),
  diurnal: Type.Array(Positive, { minItems: 24, maxItems: 24 }),
  spikeWindowMinutes: Type.Number({ minimum: 1 }),
  streams: Type.Object({ orders: StreamParams, consultations: StreamParams }),
  k6: Type.Object({
    stageSeconds: Type.Number({ minimum: 1 }),
    assumedLatencyMs: Type.Number({ exclusiveMinimum: 0 }),
    vuHeadroom: Type.Number({ minimum: 1 }),
  }),
})
export type CurveParams = Static<typeof CurveParamsSchema>
export type StreamParams = Static<typeof StreamParams>
/** The two intensity streams. */
export type Stream = keyof CurveParams['streams']

/** Path of the documented default parameter file shipped with the package. */
export const DEFAULT_PARAMS_FILE = new URL('../curve-params.yaml', import.meta.url)

/** Validates parsed parameters and normalizes the diurnal profile to mean 1. */
export function validateCurveParams(value: unknown, source = 'curve params'): CurveParams {
  if (!Value.Check(CurveParamsSchema, value)) {
    const first = [...Value.Errors(CurveParamsSchema, value)][0]
    const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '(root)'
    throw new CurveError(`CAL-3: ${source}: field "${where}" ${first?.message ?? 'is invalid'}`, where)
  }
  const params = structuredClone(value)
  const mean = params.diurnal.reduce((a, b) => a + b, 0) / 24
  if (mean <= 0) throw new CurveError(`CAL-3: ${source}: field "diurnal" must not be all zero`, 'diurnal')
  params.diurnal = params.diurnal.map((v) => v / mean)
  return params
}

/** Loads and validates a parameter file (YAML or JSON); the shipped defaults when no path. */
export function loadCurveParams(file: string | URL = DEFAULT_PARAMS_FILE): CurveParams {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new CurveError(
      `CAL-3: cannot read curve params "${String(file)}": ${(err as Error).message}`,
      'params',
    )
  }
  return validateCurveParams(parse(text), String(file))
}

let defaults: CurveParams | undefined
/** The shipped `curve-params.yaml`, loaded once. */
export function defaultCurveParams(): CurveParams {
  defaults ??= loadCurveParams()
  return defaults
}
