/** Types of endpoint-slos.js for the TypeScript side (d11 run). */
export declare const ENDPOINT_SLOS: Record<string, Record<string, [p95: number, p99: number]>>
