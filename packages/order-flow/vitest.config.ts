import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: '@d11/order-flow' },
})
