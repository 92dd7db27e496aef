/**
 * Reads a state dict — tensors by name — from a PyTorch checkpoint (`.pth`: the zip format of
 * PyTorch ≥ 1.6, or the older sequence of pickles) or a `.safetensors` file.
 *
 * Only names, shapes and where the bytes are get read up front; each tensor's values are read
 * when asked for, as float32 in row-major (C) order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DTYPE_BYTES, type PickleValue, StorageRef, TensorRef, type TorchDtype, unpickle } from './pickle';
import { ZipArchive } from './zip';

/** One tensor of a state dict. */
export interface StateTensor {
  readonly name: string;
  readonly dtype: TorchDtype;
  readonly shape: readonly number[];
  /** Its values as float32, row-major. */
  values(): Float32Array;
}

/** A state dict read from a file. */
export interface StateDict {
  readonly file: string;
  /** How the file was stored: `zip` (torch.save ≥ 1.6), `legacy` (older torch.save) or `safetensors`. */
  readonly format: 'zip' | 'legacy' | 'safetensors';
  /** Tensors in the file's order. */
  readonly tensors: ReadonlyMap<string, StateTensor>;
  /** Releases the open file. */
  close(): void;
}

/** Reads the state dict in `file`, refusing anything that is not one with a message naming the file and the problem. */
export function readStateDictSync(file: string): StateDict {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(8);
  const got = fs.readSync(fd, head, 0, 8, 0);
  fs.closeSync(fd);
  const name = path.basename(file);
  if (got === 0) throw new Error(`${name} is empty (0 bytes): not a weights file`);
  if (head.readUInt32LE(0) === 0x04034b50) return readZipCheckpoint(file);
  if (head[0] === 0x80 && got >= 2 && head[1] <= 5) return readLegacyCheckpoint(file);
  if (got === 8) {
    const n = Number(head.readBigUInt64LE(0));
    const size = fs.statSync(file).size;
    if (n > 1 && n < 100 * 2 ** 20 && n + 8 <= size) {
      const first = Buffer.alloc(1);
      const fd2 = fs.openSync(file, 'r');
      fs.readSync(fd2, first, 0, 1, 8);
      fs.closeSync(fd2);
      if (first[0] === 0x7b) return readSafetensors(file);
    }
  }
  throw new Error(`${name} is not a PyTorch checkpoint (a zip or pickle written by torch.save) or a .safetensors file`);
}

/** float32 values of `n` elements of a little-endian `dtype` buffer, from byte `start`. */
function toFloat32(buf: Buffer, dtype: TorchDtype, n: number, start: number): Float32Array {
  const from = buf.byteOffset + start;
  if (dtype === 'float32') return new Float32Array(buf.buffer.slice(from, from + 4 * n));
  const out = new Float32Array(n);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const b = DTYPE_BYTES[dtype];
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let i = 0; i < n; i++) {
    const o = start + i * b;
    switch (dtype) {
      case 'float64':
        out[i] = dv.getFloat64(o, true);
        break;
      case 'float16':
        out[i] = halfToFloat(dv.getUint16(o, true));
        break;
      case 'bfloat16':
        // bfloat16 is the top half of a float32.
        bits[0] = dv.getUint16(o, true) << 16;
        out[i] = asFloat[0];
        break;
      case 'int64':
        out[i] = Number(dv.getBigInt64(o, true));
        break;
      case 'int32':
        out[i] = dv.getInt32(o, true);
        break;
      case 'int16':
        out[i] = dv.getInt16(o, true);
        break;
      case 'int8':
        out[i] = dv.getInt8(o);
        break;
      case 'uint8':
      case 'bool':
        out[i] = dv.getUint8(o);
        break;
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The values of a strided view, gathered into row-major order. */
function gather(storage: Float32Array, ref: TensorRef): Float32Array {
  const n = ref.shape.reduce((a, d) => a * d, 1);
  const contiguous = ref.shape.every((_, i) => ref.shape[i] === 1 || ref.stride[i] === ref.shape.slice(i + 1).reduce((a, d) => a * d, 1));
  if (contiguous) return storage.slice(ref.offset, ref.offset + n);
  const out = new Float32Array(n);
  const idx = new Array<number>(ref.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let o = ref.offset;
    for (let d = 0; d < idx.length; d++) o += idx[d] * ref.stride[d];
    out[k] = storage[o];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < ref.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The tensors of an unpickled state dict, in order; a checkpoint dict with a `state_dict` or `model` entry is unwrapped. */
function tensorsOf(value: PickleValue, name: string): [string, TensorRef][] {
  let dict = value;
  if (dict instanceof Map && ![...dict.values()].some((v) => v instanceof TensorRef)) {
    const inner = dict.get('state_dict') ?? dict.get('model');
    if (inner instanceof Map) dict = inner;
  }
  if (!(dict instanceof Map)) throw new Error(`${name} holds no state dict (its pickle is a ${Array.isArray(dict) ? 'list' : typeof dict}, not a dict of tensors)`);
  const out: [string, TensorRef][] = [];
  for (const [k, v] of dict) {
    if (typeof k !== 'string') throw new Error(`${name}: a state dict key is not a name (${String(k)})`);
    if (!(v instanceof TensorRef)) throw new Error(`${name}: entry ${k} of the state dict is not a tensor`);
    out.push([k, v]);
  }
  if (!out.length) throw new Error(`${name} holds an empty state dict (no tensors)`);
  return out;
}

function checkBounds(name: string, tensor: string, ref: TensorRef): void {
  const n = ref.shape.reduce((a, d) => a * d, 1);
  if (n === 0) return;
  let last = ref.offset;
  for (let i = 0; i < ref.shape.length; i++) last += (ref.shape[i] - 1) * ref.stride[i];
  if (ref.offset < 0 || last >= ref.storage.numel) throw new Error(`${name}: tensor ${tensor} reaches past the end of its storage (the file is damaged)`);
}

function readZipCheckpoint(file: string): StateDict {
  const name = path.basename(file);
  const zip = ZipArchive.openSync(file);
  try {
    const pkl = [...zip.entries.keys()].find((k) => /^[^/]+\/data\.pkl$/.test(k) || k === 'data.pkl');
    if (!pkl) throw new Error(`${name} is a zip archive but not a PyTorch checkpoint (it has no data.pkl)`);
    const prefix = pkl.slice(0, -'data.pkl'.length);
    const order = zip.entries.get(`${prefix}byteorder`);
    if (order && zip.readSync(order.name).toString('latin1').trim() !== 'little') throw new Error(`${name} was saved on a big-endian machine; only little-endian checkpoints are read`);
    const { value } = unpickle(zip.readSync(pkl), { source: `${name} (${pkl})` });
    const storages = new Map<string, Float32Array>();
    const storageOf = (s: StorageRef): Float32Array => {
      let f = storages.get(s.key);
      if (!f) {
        const entryName = `${prefix}data/${s.key}`;
        if (!zip.entries.has(entryName)) throw new Error(`${name} is damaged: storage ${entryName} is missing`);
        const raw = zip.readSync(entryName);
        if (raw.length < s.numel * DTYPE_BYTES[s.dtype]) throw new Error(`${name}: storage ${entryName} has ${raw.length} bytes, ${s.numel} ${s.dtype} values need ${s.numel * DTYPE_BYTES[s.dtype]}`);
        f = toFloat32(raw, s.dtype, s.numel, 0);
        storages.set(s.key, f);
      }
      return f;
    };
    const tensors = new Map<string, StateTensor>();
    for (const [k, ref] of tensorsOf(value, name)) {
      checkBounds(name, k, ref);
      const entryName = `${prefix}data/${ref.storage.key}`;
      if (!zip.entries.has(entryName)) throw new Error(`${name} is damaged: storage ${entryName} of tensor ${k} is missing`);
      tensors.set(k, {
        name: k,
        dtype: ref.storage.dtype,
        shape: ref.shape,
        values: () => {
          const out = gather(storageOf(ref.storage), ref);
          // Storages are shared between views only rarely in state dicts: drop them once read.
          storages.delete(ref.storage.key);
          return out;
        },
      });
    }
    return { file, format: 'zip', tensors, close: () => zip.closeSync() };
  } catch (e) {
    zip.closeSync();
    throw e;
  }
}

/**
 * The format of `torch.save(..., _use_new_zipfile_serialization=False)` and of PyTorch < 1.6:
 * a magic-number pickle, a protocol pickle, a system-info pickle, the state dict pickle, a
 * pickle listing the storage keys, then each storage as an int64 element count and its bytes.
 */
function readLegacyCheckpoint(file: string): StateDict {
  const name = path.basename(file);
  const data = fs.readFileSync(file);
  const src = (what: string): string => `${name} (${what})`;
  let r = unpickle(data, { source: src('magic number') });
  if (r.value !== 0x1950a86a20f9469cfc6cn) throw new Error(`${name} is a pickle but not a PyTorch checkpoint (no torch magic number): a plain pickle is not read`);
  r = unpickle(data, { source: src('protocol'), offset: r.end });
  if (r.value !== 1001) throw new Error(`${name}: torch serialization protocol ${String(r.value)} is not read (only 1001)`);
  r = unpickle(data, { source: src('system info'), offset: r.end });
  if (r.value instanceof Map && r.value.get('little_endian') === false) throw new Error(`${name} was saved on a big-endian machine; only little-endian checkpoints are read`);
  const main = unpickle(data, { source: src('state dict'), offset: r.end });
  const keys = unpickle(data, { source: src('storage keys'), offset: main.end });
  if (!Array.isArray(keys.value) || keys.value.some((k) => typeof k !== 'string')) throw new Error(`${name}: the storage key list is damaged`);
  const refs = tensorsOf(main.value, name);
  const byKey = new Map<string, StorageRef>();
  for (const [, ref] of refs) byKey.set(ref.storage.key, ref.storage);
  const offsets = new Map<string, number>();
  let p = keys.end;
  for (const k of keys.value as string[]) {
    const s = byKey.get(k);
    if (p + 8 > data.length) throw new Error(`${name} is truncated: storage ${k} is missing (the file ends at byte ${data.length})`);
    const numel = Number(data.readBigInt64LE(p));
    const bytes = numel * (s ? DTYPE_BYTES[s.dtype] : 4);
    if (s && numel !== s.numel) throw new Error(`${name}: storage ${k} holds ${numel} values, its tensors expect ${s.numel}`);
    if (p + 8 + bytes > data.length) throw new Error(`${name} is truncated: storage ${k} needs bytes up to ${p + 8 + bytes}, the file has ${data.length}`);
    offsets.set(k, p + 8);
    p += 8 + bytes;
  }
  const tensors = new Map<string, StateTensor>();
  for (const [k, ref] of refs) {
    checkBounds(name, k, ref);
    const start = offsets.get(ref.storage.key);
    if (start === undefined) throw new Error(`${name} is damaged: storage ${ref.storage.key} of tensor ${k} is not in the file`);
    tensors.set(k, { name: k, dtype: ref.storage.dtype, shape: ref.shape, values: () => gather(toFloat32(data, ref.storage.dtype, ref.storage.numel, start), ref) });
  }
  return { file, format: 'legacy', tensors, close: () => undefined };
}

const SAFETENSORS_DTYPES: Readonly<Record<string, TorchDtype>> = {
  F32: 'float32',
  F64: 'float64',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/**
 * `.safetensors` (Hugging Face's format): an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] } }` (offsets into the data that follows)
 * and the raw little-endian tensors. No code, by design.
 */
function readSafetensors(file: string): StateDict {
  const name = path.basename(file);
  const data = fs.readFileSync(file);
  const n = Number(data.readBigUInt64LE(0));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(data.toString('utf8', 8, 8 + n)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${name}: the safetensors header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const tensors = new Map<string, StateTensor>();
  const entries = Object.entries(header)
    .filter(([k]) => k !== '__metadata__')
    .map(([k, v]) => {
      const t = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
      const dtype = SAFETENSORS_DTYPES[t.dtype ?? ''];
      if (!dtype) throw new Error(`${name}: tensor ${k} has dtype ${String(t.dtype)}, which is not read`);
      if (!Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) throw new Error(`${name}: tensor ${k} has no shape or data_offsets`);
      const [b, e] = t.data_offsets;
      const count = t.shape.reduce((a, d) => a * d, 1);
      if (e - b !== count * DTYPE_BYTES[dtype]) throw new Error(`${name}: tensor ${k} has ${e - b} bytes, its shape needs ${count * DTYPE_BYTES[dtype]}`);
      if (base + e > data.length) throw new Error(`${name} is truncated: tensor ${k} needs bytes up to ${base + e}, the file has ${data.length}`);
      return { k, dtype, shape: t.shape, b, count };
    })
    // The header's key order is not the file's; the data order is.
    .sort((x, y) => x.b - y.b);
  for (const t of entries) tensors.set(t.k, { name: t.k, dtype: t.dtype, shape: t.shape, values: () => toFloat32(data, t.dtype, t.count, base + t.b) });
  if (!tensors.size) throw new Error(`${name} holds no tensors`);
  return { file, format: 'safetensors', tensors, close: () => undefined };
}
