export { openTestStore } from '../src/testing.ts'
