import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

const SRC = join(import.meta.dirname, '..', 'src')
const ROOMS = join(SRC, 'rooms')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

const rooms = readdirSync(ROOMS).filter((name) => statSync(join(ROOMS, name)).isDirectory())

describe('the platform as rooms', () => {
  it('keeps every source file under 500 lines', () => {
    const long = sourceFiles(SRC)
      .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 500)
    expect(long).toEqual([])
  })

  it('gives every room a service, a plugin, routes and schemas', () => {
    expect(rooms.length).toBeGreaterThanOrEqual(8)
    for (const room of rooms) {
      const files = readdirSync(join(ROOMS, room)).sort()
      expect(files, room).toEqual(['plugin.ts', 'routes.ts', 'schemas.ts', 'service.ts'])
      expect(readFileSync(join(ROOMS, room, 'plugin.ts'), 'utf8'), room).toContain(`name: 'd11-${room}'`)
    }
  })

  describe('wired into the app', () => {
    let app: Awaited<ReturnType<typeof buildApp>>
    beforeAll(async () => {
      app = await buildApp({ docs: false, config: { clockRate: 0 } })
      await app.ready()
    })
    afterAll(() => app.close())

    it('registers each room as its named plugin and decorates its service', () => {
      for (const room of rooms) expect(app.hasPlugin(`d11-${room}`), room).toBe(true)
      const { d11 } = app
      for (const service of [
        d11.registration,
        d11.world,
        d11.checkout,
        d11.fulfilment,
        d11.afterSale,
        d11.complaints,
        d11.priceProtection,
        d11.consultation,
      ])
        expect(service).toBeTypeOf('object')
    })
  })
})
