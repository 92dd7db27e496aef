/**
 * A small zip reader for PyTorch's checkpoint archives: the central directory, zip64 sizes,
 * stored and deflated entries, each entry's CRC-32 checked.
 *
 * `torch.save` (since PyTorch 1.6) writes a zip of `<name>/data.pkl` and one raw storage per
 * tensor, uncompressed; entries are read on demand from an open file, so a 500 MB VGG file is
 * never held twice in memory.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** One file inside the archive. */
export interface ZipEntry {
  readonly name: string;
  /** 0: stored, 8: deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the entry's local header in the archive. */
  readonly headerOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

/** A zip archive whose entries are read from disk as they are asked for. */
export class ZipArchive {
  private constructor(
    private readonly fd: number,
    /** The archive's path, for messages. */
    readonly file: string,
    readonly size: number,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Opens `file` and reads its central directory; a truncated or foreign file is an Error naming it. */
  static openSync(file: string): ZipArchive {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      return new ZipArchive(fd, file, size, readDirectory(fd, file, size));
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** The bytes of one entry, inflated and CRC-checked. */
  readSync(name: string): Buffer {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.file}: the archive has no entry ${name}`);
    const local = readAt(this.fd, e.headerOffset, 30, this.file, this.size);
    if (local.readUInt32LE(0) !== LOCAL) throw new Error(`${this.file}: the local header of ${name} is damaged (the archive is corrupt)`);
    const start = e.headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + e.compressedSize > this.size) {
      throw new Error(`${this.file} is truncated: entry ${name} needs bytes up to ${start + e.compressedSize}, the file has ${this.size}`);
    }
    const raw = readAt(this.fd, start, e.compressedSize, this.file, this.size);
    let data: Buffer;
    if (e.method === 0) data = raw;
    else if (e.method === 8) {
      try {
        data = zlib.inflateRawSync(raw);
      } catch (err) {
        throw new Error(`${this.file}: entry ${name} does not inflate (${(err as Error).message})`);
      }
    } else throw new Error(`${this.file}: entry ${name} uses compression method ${e.method}; only stored (0) and deflate (8) are read`);
    if (data.length !== e.size) throw new Error(`${this.file}: entry ${name} has ${data.length} bytes, its directory says ${e.size}`);
    if (zlib.crc32(data) >>> 0 !== e.crc32) throw new Error(`${this.file}: entry ${name} fails its CRC-32 check (the file is damaged)`);
    return data;
  }

  closeSync(): void {
    fs.closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number, file: string, size: number): Buffer {
  if (position < 0 || position + length > size) throw new Error(`${file} is truncated: needed bytes ${position}–${position + length}, the file has ${size}`);
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`${file} is truncated at byte ${position + done}`);
    done += n;
  }
  return buf;
}

function readDirectory(fd: number, file: string, size: number): Map<string, ZipEntry> {
  // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
  const tailLength = Math.min(size, 22 + 0xffff);
  if (size < 22) throw new Error(`${file} is not a zip archive (${size} bytes)`);
  const tail = readAt(fd, size - tailLength, tailLength, file, size);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`${file} is not a complete zip archive: it has no end-of-central-directory record (the download was cut short, or it is not a PyTorch file)`);
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirSize === MAX32 || dirOffset === MAX32) {
    const locAt = at - 20;
    if (locAt < 0 || tail.readUInt32LE(locAt) !== ZIP64_LOCATOR) throw new Error(`${file}: a zip64 archive without its zip64 locator (the file is damaged)`);
    const z64 = readAt(fd, Number(tail.readBigUInt64LE(locAt + 8)), 56, file, size);
    if (z64.readUInt32LE(0) !== ZIP64_EOCD) throw new Error(`${file}: the zip64 end-of-central-directory record is damaged`);
    count = Number(z64.readBigUInt64LE(32));
    dirSize = Number(z64.readBigUInt64LE(40));
    dirOffset = Number(z64.readBigUInt64LE(48));
  }
  const dir = readAt(fd, dirOffset, dirSize, file, size);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new Error(`${file}: central directory entry ${i + 1} of ${count} is damaged`);
    const method = dir.readUInt16LE(p + 10);
    const crc32 = dir.readUInt32LE(p + 16);
    let compressedSize = dir.readUInt32LE(p + 20);
    let entrySize = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    let headerOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    // Zip64 extended information (tag 1): the 0xFFFFFFFF fields, in this order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const tag = dir.readUInt16LE(x);
      const len = dir.readUInt16LE(x + 2);
      if (tag === 1) {
        let q = x + 4;
        if (entrySize === MAX32) ((entrySize = Number(dir.readBigUInt64LE(q))), (q += 8));
        if (compressedSize === MAX32) ((compressedSize = Number(dir.readBigUInt64LE(q))), (q += 8));
        if (headerOffset === MAX32) headerOffset = Number(dir.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    entries.set(name, { name, method, compressedSize, size: entrySize, crc32, headerOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}
