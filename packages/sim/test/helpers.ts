import { fileURLToPath } from 'node:url'

/** The shipped examples folder at the repository root. */
export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))
export const PHONE = `${EXAMPLES}phone-oversell.yaml`
