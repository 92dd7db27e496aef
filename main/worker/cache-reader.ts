/**
 * Reads records from a preprocessing cache file (see `cache.ts`) by index.
 *
 * Imports only `node:fs`: the training worker loads this module and must not pull in sharp
 * or the database.
 */
import fs from 'node:fs';

/** Random access to fixed-size uint8 records in one flat file, through positioned reads. */
export class CacheReader {
  private fd: number | null;
  /** Number of records in the file. */
  readonly count: number;

  /** Opens `file`, whose records are `recordBytes` long each. */
  constructor(
    readonly file: string,
    readonly recordBytes: number,
  ) {
    if (!Number.isInteger(recordBytes) || recordBytes <= 0) throw new Error(`recordBytes must be a positive integer (got ${recordBytes}).`);
    this.fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(this.fd).size;
    if (size % recordBytes !== 0) {
      fs.closeSync(this.fd);
      this.fd = null;
      throw new Error(`The cache file ${file} is ${size} bytes, not a whole number of ${recordBytes}-byte records; it is damaged. Delete it and it will be rebuilt.`);
    }
    this.count = size / recordBytes;
  }

  /**
   * Copies the records at `recordIndices`, in that order, into `out` (which must hold
   * `recordIndices.length * recordBytes` bytes). Runs of consecutive indices are read in one call.
   */
  read(recordIndices: readonly number[], out: Uint8Array): void {
    if (this.fd === null) throw new Error(`The cache reader for ${this.file} is closed.`);
    const rb = this.recordBytes;
    if (out.length < recordIndices.length * rb) throw new Error(`Output buffer too small: ${out.length} bytes for ${recordIndices.length} records of ${rb} bytes.`);
    let i = 0;
    while (i < recordIndices.length) {
      const first = recordIndices[i];
      if (!Number.isInteger(first) || first < 0 || first >= this.count) throw new Error(`Record ${first} is out of range (the cache holds ${this.count}).`);
      let run = 1;
      while (i + run < recordIndices.length && recordIndices[i + run] === first + run) run++;
      if (first + run > this.count) throw new Error(`Record ${first + run - 1} is out of range (the cache holds ${this.count}).`);
      this.readFully(out, i * rb, run * rb, first * rb);
      i += run;
    }
  }

  /** Closes the file; further reads throw. Safe to call twice. */
  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  private readFully(out: Uint8Array, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd as number, out, offset + done, length - done, position + done);
      if (n === 0) throw new Error(`The cache file ${this.file} ended early at byte ${position + done}.`);
      done += n;
    }
  }
}
