/**
 * A spill file: texts appended one after another to an unnamed temporary file and read back by
 * number, so a batch run over the whole company keeps its listings' records and a summary's
 * documents on disk instead of in memory (issue 25). The file is created in the system's temporary
 * directory (`TMPDIR`) and unlinked at once while kept open, so nothing is left behind, even when
 * the process is killed. Reads and writes are synchronous: each is one seek and one read or write
 * of a page already in the kernel's cache, and no other call can slip in between.
 *
 * @module
 */

/** Texts kept by number; see {@link createSpillFile}. */
export interface SpillFile {
  /** Appends `text`; returns its number (0, 1, 2…). */
  put(text: string): number;
  /** The text of number `n`, as it was put. @throws {RangeError} for a number never given */
  get(n: number): string;
  /** Texts put so far. */
  readonly count: number;
  /** Bytes put so far (UTF-8). */
  readonly bytes: number;
  /** Every text put, in order and back to back, as UTF-8 bytes (e.g. a request body). */
  stream(): ReadableStream<Uint8Array>;
  /** Closes the file (its space is freed); later calls throw. */
  close(): void;
}

const CHUNK = 1 << 20;

/**
 * A spill file written through a 1 MiB buffer. The file is made on the first `put`.
 *
 * @param options `dir`: where the temporary file goes (default the system's, `TMPDIR`)
 * @returns the spill file; `close()` it when done
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const spill = createSpillFile();
 * const n = spill.put('{"serial":"C02X"}');
 * assert.equal(spill.get(n), '{"serial":"C02X"}');
 * spill.close();
 * ```
 */
export function createSpillFile(options: { dir?: string } = {}): SpillFile {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const starts: number[] = [];
  const lengths: number[] = [];
  let file: Deno.FsFile | undefined;
  let closed = false;
  let written = 0; // bytes in the file
  const buffer = new Uint8Array(CHUNK);
  let buffered = 0; // bytes in the buffer, after `written`

  const open = (): Deno.FsFile => {
    if (closed) throw new Error("the spill file is closed");
    if (file) return file;
    const path = Deno.makeTempFileSync({
      prefix: "stethoscope-spill-",
      ...(options.dir === undefined ? {} : { dir: options.dir }),
    });
    file = Deno.openSync(path, { read: true, write: true });
    Deno.removeSync(path); // kept open, unlinked: freed when closed or when the process ends
    return file;
  };
  const writeAll = (bytes: Uint8Array) => {
    const f = open();
    f.seekSync(written, Deno.SeekMode.Start);
    for (let at = 0; at < bytes.length;) at += f.writeSync(bytes.subarray(at));
    written += bytes.length;
  };
  const flush = () => {
    if (buffered === 0) return;
    const bytes = buffer.subarray(0, buffered);
    buffered = 0;
    writeAll(bytes);
  };
  const readAt = (start: number, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    if (start >= written) {
      out.set(buffer.subarray(start - written, start - written + length));
      return out;
    }
    const f = open();
    f.seekSync(start, Deno.SeekMode.Start);
    for (let at = 0; at < length;) {
      const n = f.readSync(out.subarray(at));
      if (n === null || n === 0) throw new Error("the spill file ended early");
      at += n;
    }
    return out;
  };

  return {
    put(text) {
      open();
      const start = written + buffered;
      let length: number;
      const room = buffer.subarray(buffered);
      const { read, written: n } = encoder.encodeInto(text, room);
      if (read === text.length) {
        buffered += n;
        length = n;
      } else {
        flush();
        const bytes = encoder.encode(text);
        if (bytes.length <= CHUNK) {
          buffer.set(bytes);
          buffered = bytes.length;
        } else writeAll(bytes);
        length = bytes.length;
      }
      starts.push(start);
      lengths.push(length);
      return starts.length - 1;
    },
    get(n) {
      const start = starts[n];
      if (start === undefined) throw new RangeError(`no text ${n} in the spill file`);
      if (closed) throw new Error("the spill file is closed");
      return decoder.decode(readAt(start, lengths[n]!));
    },
    get count() {
      return starts.length;
    },
    get bytes() {
      return written + buffered;
    },
    stream() {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const end = written + buffered;
          if (at >= end) return controller.close();
          const chunk = readAt(at, Math.min(64 * 1024, (at < written ? written : end) - at));
          at += chunk.length;
          controller.enqueue(chunk);
        },
      });
    },
    close() {
      if (closed) return;
      closed = true;
      file?.close();
      file = undefined;
    },
  };
}
