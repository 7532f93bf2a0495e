// k8s/testrun.yaml is a valid k6-operator TestRun (schema in k8s/testrun.schema.json, see k8s/README.md).
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const read = (file: string) => readFileSync(new URL(`../k8s/${file}`, import.meta.url), 'utf8')
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(read('testrun.schema.json')))
/** The parts of the TestRun the tests read or break on purpose. */
interface TestRunDoc {
  spec: Record<string, unknown> & {
    script: unknown
    runner: Record<string, unknown> & { image: string; env: Array<{ name?: string; value?: string }> }
  }
}
const testRun = () => parse(read('testrun.yaml')) as TestRunDoc

function errorsOf(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

describe('k8s/testrun.yaml against the k6-operator TestRun schema', () => {
  it('validates', () => {
    expect(errorsOf(testRun())).toEqual([])
  })

  it('runs the k6 version the scenarios are tested with, one samples file per pod', () => {
    const spec = testRun().spec
    expect(spec.runner.image).toBe('grafana/k6:0.49.0')
    const env = Object.fromEntries(spec.runner.env.map((e) => [e.name, e.value]))
    expect(env.K6_OUT).toBe('json=/results/$(POD_NAME).json')
    expect(env.LOAD_WORLD).toBe('0')
  })

  it('refuses what the operator would refuse: misspelt fields, wrong types, no script source, env without a name', () => {
    const misspelt = testRun()
    misspelt.spec.paralelism = misspelt.spec.parallelism
    delete misspelt.spec.parallelism
    expect(errorsOf(misspelt).join('\n')).toMatch(/must have required property 'parallelism'/)

    const wrongType = testRun()
    wrongType.spec.parallelism = 'four'
    expect(errorsOf(wrongType).join('\n')).toMatch(/\/spec\/parallelism must be integer/)

    const noSource = testRun()
    noSource.spec.script = {}
    expect(errorsOf(noSource).join('\n')).toMatch(/\/spec\/script must have required property 'configMap'/)

    const nameless = testRun()
    nameless.spec.runner.env.push({ value: 'x' })
    expect(errorsOf(nameless).join('\n')).toMatch(/\/spec\/runner\/env\/7 must have required property 'name'/)

    const unknownRunnerField = testRun()
    unknownRunnerField.spec.runner.cpu = 2
    expect(errorsOf(unknownRunnerField).join('\n')).toMatch(
      /\/spec\/runner must NOT have additional properties/,
    )
  })
})
