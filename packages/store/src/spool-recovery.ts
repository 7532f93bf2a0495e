import { open, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'

/**
 * Crash recovery of spool segments (issue 17). A live `SpoolWriter` keeps a lock file
 * `<writerId>.writer` (`{"pid","host"}`) beside its segments and removes it on `close()`. A segment
 * still `.open` whose writer holds no live lock was left by a writer that stopped without closing
 * (SIGKILL, a crash, power loss): the loader recovers it up to its last complete line. Only
 * newline-terminated lines are rows; a torn tail is reported, never loaded.
 */

const lockPath = (dir: string, writerId: string) => join(dir, `${writerId}.writer`)

export async function writeWriterLock(dir: string, writerId: string): Promise<void> {
  await writeFile(lockPath(dir, writerId), JSON.stringify({ pid: process.pid, host: hostname() }))
}

export async function removeWriterLock(dir: string, writerId: string): Promise<void> {
  await rm(lockPath(dir, writerId), { force: true })
}

/** `<writerId>-<n>.ndjson.open` → writerId. */
export function segmentWriter(name: string): string | undefined {
  return /^(.+)-\d+\.ndjson\.open$/.exec(name)?.[1]
}

/**
 * Why the writer of an open segment may still be writing it (a reason), or undefined when it is
 * gone (no lock, or a lock naming a dead process on this host).
 */
export async function liveWriter(dir: string, segment: string): Promise<string | undefined> {
  const writerId = segmentWriter(segment)
  if (!writerId) return undefined
  let lock: { pid?: unknown; host?: unknown }
  try {
    lock = JSON.parse(await readFile(lockPath(dir, writerId), 'utf8')) as typeof lock
  } catch {
    return undefined // no lock (closed or never written) or a torn one: nobody holds it
  }
  if (typeof lock.pid !== 'number') return undefined
  if (lock.host !== hostname()) return `writer ${writerId} runs on ${String(lock.host)}`
  try {
    process.kill(lock.pid, 0)
    return `writer ${writerId} (pid ${lock.pid}) is still running`
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
      ? `writer ${writerId} (pid ${lock.pid}) is still running`
      : undefined
  }
}

/** Bytes of `path` up to and including its last newline, and the torn bytes after it. */
export async function completeLines(path: string): Promise<{ bytes: number; tornBytes: number }> {
  const handle = await open(path, 'r')
  try {
    const size = (await handle.stat()).size
    const chunk = Buffer.alloc(64 * 1024)
    let end = size
    while (end > 0) {
      const start = Math.max(0, end - chunk.length)
      const { bytesRead } = await handle.read(chunk, 0, end - start, start)
      const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a)
      if (at >= 0) return { bytes: start + at + 1, tornBytes: size - (start + at + 1) }
      end = start
    }
    return { bytes: 0, tornBytes: size }
  } finally {
    await handle.close()
  }
}
