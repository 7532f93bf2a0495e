// Module hooks of @d11/k6-runner (registered with `module.register`).
// Maps k6's built-in modules to the runner's shims, refuses the k6 modules the runner lacks with an
// error naming them, and gives every file a script imports the instance's `?d11run=RUN-VU` query so
// each VU of each run evaluates the script's own modules afresh (module-level state is per VU, and
// metrics created at module top level bind to that run).

import { readFile } from 'node:fs/promises'

const SHIMS = {
  k6: 'k6.mjs',
  'k6/http': 'k6-http.mjs',
  'k6/metrics': 'k6-metrics.mjs',
  'k6/data': 'k6-data.mjs',
  'k6/execution': 'k6-execution.mjs',
}

let shimDir = ''

export function initialize(data) {
  shimDir = data.shimDir
}

export async function resolve(specifier, context, nextResolve) {
  const shim = SHIMS[specifier]
  if (shim) return { url: new URL(shim, shimDir).href, shortCircuit: true }
  if (specifier.startsWith('k6/') || /^https?:\/\//.test(specifier)) {
    throw new Error(
      `K6R_UNSUPPORTED_MODULE: the built-in runner does not provide '${specifier}' ` +
        `(supported: ${Object.keys(SHIMS).join(', ')}); run this script with real k6 (--engine k6)`,
    )
  }
  const resolved = await nextResolve(specifier, context)
  const parent = context.parentURL ? new URL(context.parentURL) : undefined
  const run = parent?.searchParams.get('d11run')
  if (run && resolved.url.startsWith('file:') && !resolved.url.includes('/node_modules/')) {
    const url = new URL(resolved.url)
    url.searchParams.set('d11run', run)
    return { ...resolved, url: url.href }
  }
  return resolved
}

// A k6 script and the files it imports are ES modules wherever they live: a folder without
// `"type": "module"` (or another loader such as tsx) must not turn them into CommonJS, where
// `import 'k6/http'` would go through require() and miss the shims.
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && /\.m?js\?(.*&)?d11run=/.test(url)) {
    const source = await readFile(new URL(url))
    return { format: 'module', source, shortCircuit: true }
  }
  return nextLoad(url, context)
}
