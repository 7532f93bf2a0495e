import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { webhookOpenApiText } from '../src/openapi.ts'

const file = fileURLToPath(new URL('../openapi.json', import.meta.url))
writeFileSync(file, await webhookOpenApiText())
console.log(`wrote ${file}`)
