import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, version as esbuildVersion, type Plugin } from 'esbuild'

/**
 * The worker threads' entry as one prebuilt ES module. Started through tsx, a worker spends
 * ~2 s of CPU on its loader hooks (TypeBox alone is ~700 modules) before rendering a row; from a
 * bundle it is ready in ~0.2 s. The bundle is built with esbuild (the compiler tsx itself uses,
 * so the code is the same) and cached in this package's `node_modules/.cache` (the usual place for
 * tool caches; not the shared temp directory, where another user could plant a file), keyed by
 * the content of every file in it: an edit anywhere in the worker's imports builds a fresh one.
 *
 * If the bundle cannot be built (a read-only install, say) the workers start through tsx as
 * before: slower, same bytes.
 */
export function workerEntry(): Promise<URL> {
  entry ??= bundleWorker(join(PACKAGE_DIR, 'node_modules', '.cache', 'd11-generator-worker'))
    .then((b) => b.url)
    .catch(() => TSX_ENTRY)
  return entry
}

let entry: Promise<URL> | undefined

/** What to bundle: a worker's TypeScript entry and the package folder it belongs to. */
export interface BundleTarget {
  /** Absolute path of the worker's entry module. */
  source: string
  /** The package's folder (esbuild's working directory; its metafile names inputs relative to it). */
  packageDir: string
}

/**
 * Another package's worker entry as a cached bundle (the grid workers of @d11/sim), in that
 * package's `node_modules/.cache/<name>`; `fallback` when it cannot be built.
 */
export function cachedWorkerEntry(name: string, target: BundleTarget, fallback: URL): Promise<URL> {
  return bundleWorker(join(target.packageDir, 'node_modules', '.cache', name), target)
    .then((b) => b.url)
    .catch(() => fallback)
}

const TSX_ENTRY = new URL('./worker.mjs', import.meta.url)
const SOURCE = fileURLToPath(new URL('./chunk-worker.ts', import.meta.url))
/** esbuild's metafile names inputs relative to this */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))

/**
 * The worker bundle in `cacheDir` for the current sources, built there unless it already is
 * (`built` says which). `inputs.json` in `cacheDir` lists the last bundle's inputs, so a later run
 * can check its key without building.
 */
export async function bundleWorker(
  cacheDir: string,
  target: BundleTarget = { source: SOURCE, packageDir: PACKAGE_DIR },
): Promise<{ url: URL; built: boolean }> {
  const { source, packageDir } = target
  mkdirSync(cacheDir, { recursive: true })
  const inputsFile = join(cacheDir, 'inputs.json')
  const known = readInputs(inputsFile)
  const knownKey = known && contentKey(known)
  if (knownKey && existsSync(bundleFile(cacheDir, knownKey))) {
    return { url: pathToFileURL(bundleFile(cacheDir, knownKey)), built: false }
  }
  const result = await build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: packageDir,
    plugins: [ownImportMetaUrl],
    // Bundled CommonJS dependencies (yaml) `require` Node built-ins.
    banner: {
      js: "import { createRequire as d11CreateRequire } from 'node:module'; const require = d11CreateRequire(import.meta.url);",
    },
  })
  const inputs = Object.keys(result.metafile.inputs).map((p) => join(packageDir, p))
  const key = contentKey(inputs)
  if (key === undefined) throw new Error('a bundled file vanished while building')
  const file = bundleFile(cacheDir, key)
  // Other processes may build the same bundle at the same moment: write aside, rename into place.
  writeAtomically(file, result.outputFiles[0]!.contents)
  writeAtomically(inputsFile, JSON.stringify(inputs))
  pruneStale(cacheDir, file)
  return { url: pathToFileURL(file), built: true }
}

/** An hour after the sources moved on, older bundles go (a run still starting may hold one). */
function pruneStale(cacheDir: string, current: string): void {
  const cutoff = Date.now() - 3_600_000
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name)
    if (!/^worker-[0-9a-f]+\.mjs/.test(name) || path === current) continue
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { force: true })
    } catch {
      // Another process pruned it first.
    }
  }
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}`
  writeFileSync(temp, data)
  renameSync(temp, file)
}

/**
 * Source files read `import.meta.url` to find their data (the rules' calendars, this package's
 * version); inside a bundle it would name the bundle, so each file gets its own URL back.
 */
const ownImportMetaUrl: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => ({
      loader: 'ts',
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
    }))
  },
}

function readInputs(file: string): string[] | undefined {
  try {
    const inputs = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return Array.isArray(inputs) && inputs.every((p) => typeof p === 'string') ? inputs : undefined
  } catch {
    return undefined
  }
}

/** sha256 over esbuild's version and every input's path and bytes; undefined if one is gone. */
export function contentKey(inputs: readonly string[]): string | undefined {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`)
  for (const path of inputs) {
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    } catch {
      return undefined
    }
    hash.update(`${path}\n${bytes.length}\n`).update(bytes)
  }
  return hash.digest('hex').slice(0, 24)
}

function bundleFile(cacheDir: string, key: string): string {
  return join(cacheDir, `worker-${key}.mjs`)
}
