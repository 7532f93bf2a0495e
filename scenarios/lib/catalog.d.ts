/** Types of catalog.js for the TypeScript side (d11 load, tests). */
export declare const SCENARIOS: Record<string, { file: URL; stream: 'orders' | 'consultations' }>
