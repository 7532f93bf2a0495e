import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { buildProgram } from '../src/main.ts'

function allCommands(c: Command, path = 'd11'): Array<[string, Command]> {
  return c.commands.flatMap((s) => [
    [`${path} ${s.name()}`, s] as [string, Command],
    ...allCommands(s, `${path} ${s.name()}`),
  ])
}

describe('help that teaches', () => {
  it('lists every command of the toolkit', async () => {
    const names = (await buildProgram()).commands.map((c) => c.name())
    expect(names).toEqual(
      expect.arrayContaining([
        'gen',
        'curve',
        'serve',
        'load',
        'ingest',
        'report',
        'compare',
        'whatif',
        'run',
      ]),
    )
  })

  it('every option that takes a value shows its default or an example', async () => {
    const missing: string[] = []
    for (const [path, cmd] of allCommands(await buildProgram())) {
      for (const o of cmd.options) {
        const takesValue = o.required || o.optional
        if (takesValue && o.defaultValue === undefined && !/e\.g\./.test(o.description)) {
          missing.push(`${path} ${o.flags}`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it('every runnable command ends its help with an example', async () => {
    const missing: string[] = []
    for (const [path, cmd] of allCommands(await buildProgram())) {
      if (cmd.commands.length > 0) continue // a group: its subcommands carry the examples
      let help = ''
      cmd.configureOutput({ writeOut: (s) => (help += s) })
      cmd.outputHelp()
      if (!/Example/i.test(help)) missing.push(path)
    }
    expect(missing).toEqual([])
  })
})
