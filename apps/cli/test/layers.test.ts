import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO } from '../src/rules-doc.ts'

// The layers of the monorepo: `packages/*` are libraries that apps build on, never the other way.
// These checks read the files themselves, so a new package or a new import is covered on its own.

interface Workspace {
  dir: string
  name: string
  deps: string[]
}

function workspaces(folder: 'packages' | 'apps'): Workspace[] {
  return readdirSync(join(REPO, folder))
    .map((d) => join(REPO, folder, d))
    .filter((dir) => {
      try {
        return statSync(join(dir, 'package.json')).isFile()
      } catch {
        return false
      }
    })
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      const deps = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
        (k) => Object.keys(pkg[k] ?? {}),
      )
      return { dir, name: pkg.name as string, deps }
    })
}

/** Source files of a package (TypeScript and JavaScript), node_modules left out. */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(entry.name)) out.push(path)
  }
  return out
}

/** Module specifiers of static imports, re-exports and dynamic `import()` calls. */
function specifiers(code: string): string[] {
  const found: string[] = []
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm))
    found.push(m[1]!)
  return found
}

const packages = workspaces('packages')
const apps = workspaces('apps')
const appNames = new Set(apps.map((a) => a.name))
const appsDir = join(REPO, 'apps')

describe('layers: packages never depend on apps', () => {
  it('finds the workspaces it checks', () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@d11/time', '@d11/merchant-model', '@d11/sim', '@d11/rules']),
    )
    expect([...appNames]).toEqual(expect.arrayContaining(['@d11/platform', '@d11/merchant', '@d11/cli']))
  })

  it('no package.json under packages/ lists an app as a dependency of any kind', () => {
    const offending = packages.flatMap((p) =>
      p.deps.filter((d) => appNames.has(d)).map((d) => `${p.name} → ${d}`),
    )
    expect(offending).toEqual([])
  })

  it('no source file under packages/ imports an app, by name or by relative path', () => {
    const offending: string[] = []
    for (const p of packages) {
      for (const file of sourceFiles(p.dir)) {
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          const byName = [...appNames].some((a) => spec === a || spec.startsWith(`${a}/`))
          const byPath = spec.startsWith('.') && !relative(appsDir, join(file, '..', spec)).startsWith('..')
          if (byName || byPath) offending.push(`${relative(REPO, file)}: ${spec}`)
        }
      }
    }
    expect(offending).toEqual([])
  })

  it('the import scan sees the imports it must reject', () => {
    const code = `import { a } from '@d11/platform/app'\nconst { b } = await import('@d11/merchant/serve')\nexport { c } from "../x.ts"`
    expect(specifiers(code)).toEqual(['@d11/platform/app', '@d11/merchant/serve', '../x.ts'])
  })
})

describe('one module for Asia/Shanghai time', () => {
  // the hand-written UTC+8 offset or ISO suffix that `@d11/time/shanghai` replaced
  const INLINE_SHANGHAI = [
    /\b8\s*\*\s*(?:3_?600_?000|3600\s*\*\s*1000|HOUR(?:_MS)?|60\s*\*\s*60_?000)\b/,
    /\b28_?800_?000\b/,
    /toISOString\(\)\s*\.replace\(\s*['"]Z['"]\s*,\s*['"]\+08:00['"]/,
  ]
  it('no TypeScript source outside packages/time computes the offset by hand', () => {
    const offending: string[] = []
    for (const w of [...packages, ...apps]) {
      if (w.name === '@d11/time') continue
      for (const file of sourceFiles(w.dir)) {
        if (!file.endsWith('.ts')) continue
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (INLINE_SHANGHAI.some((re) => re.test(line)))
              offending.push(`${relative(REPO, file)}:${i + 1}`)
          })
      }
    }
    expect(offending).toEqual([])
  })
})
