/** Base error of `@d11/store`: a fixed `code` and a message naming the field or flag to fix. */
export class StoreError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'StoreError'
    this.code = code
  }
}
