import Type from 'typebox'
import Value from 'typebox/value'
const S = Type.Object({ s: Type.Union([Type.Literal('a'), Type.Literal('b')]) })
console.log(JSON.stringify([...Value.Errors(S, { s: 'c' })]))
