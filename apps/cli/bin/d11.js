#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the workspace needs no build step.
import { register } from 'tsx/esm/api'

register()
const { buildProgram } = await import('../src/main.ts')
const program = await buildProgram()
await program.parseAsync(process.argv)
