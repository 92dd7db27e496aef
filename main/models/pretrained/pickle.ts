/**
 * A restricted unpickler for PyTorch state dicts.
 *
 * A pickle is a program for a small stack machine; Python's `pickle.load` will import and call
 * whatever global a file names (`os.system` included). This reader interprets the opcodes of
 * protocols 0–4 that a `torch.save(model.state_dict())` file uses, and knows exactly these
 * globals: `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`,
 * `torch._utils._rebuild_parameter` and the `torch.*Storage` types. Any other global is refused
 * when the opcode naming it is read, with a `PickleRefusedError` — nothing in this reader ever
 * runs code from the file, so a refused file has done nothing.
 */

/** A tensor's storage, named by the file's persistent id (`('storage', torch.FloatStorage, '0', 'cpu', n)`). */
export class StorageRef {
  constructor(
    readonly dtype: TorchDtype,
    /** The storage's key: its entry `data/<key>` in a zip checkpoint. */
    readonly key: string,
    /** Elements in the storage. */
    readonly numel: number,
  ) {}
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view of a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** Element types of torch storages. */
export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Bytes per element of each storage type. */
export const DTYPE_BYTES: Readonly<Record<TorchDtype, number>> = { float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1 };

const STORAGE_TYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** A global a state dict may name. */
class AllowedGlobal {
  constructor(readonly qualified: string) {}
}

/** A Python value as this reader builds it: tuples and lists are arrays, dicts are Maps. */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | PickleValue[] | Map<PickleValue, PickleValue> | TensorRef | StorageRef | AllowedGlobal;

/** A pickle names a global this reader does not allow (the file ran nothing). */
export class PickleRefusedError extends Error {
  constructor(
    readonly global: string,
    message: string,
  ) {
    super(message);
    this.name = 'PickleRefusedError';
  }
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/** Options of `unpickle`. */
export interface UnpickleOptions {
  /** Where the pickle came from, for messages (`resnet18.pth, data.pkl`). */
  readonly source: string;
  /** Byte offset in `data` to start at (legacy checkpoints hold several pickles in a row). */
  readonly offset?: number;
}

/** The value a pickle builds, and where it ended. */
export interface Unpickled {
  readonly value: PickleValue;
  /** Offset just after the STOP opcode. */
  readonly end: number;
}

/**
 * Interprets one pickle from `data`; refuses foreign globals and unknown opcodes by name and
 * byte offset, and a pickle cut short with a "truncated" message.
 */
export function unpickle(data: Uint8Array, opts: UnpickleOptions): Unpickled {
  const src = opts.source;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let p = opts.offset ?? 0;
  const fail = (at: number, what: string): Error => new Error(`${src}: ${what} (pickle byte ${at})`);
  const need = (n: number, at: number): void => {
    if (p + n > data.length) throw fail(at, 'the pickle is truncated');
  };
  const u8 = (at: number): number => {
    need(1, at);
    return data[p++];
  };
  const u16 = (at: number): number => {
    need(2, at);
    const v = view.getUint16(p, true);
    p += 2;
    return v;
  };
  const u32 = (at: number): number => {
    need(4, at);
    const v = view.getUint32(p, true);
    p += 4;
    return v;
  };
  const bytes = (n: number, at: number): Uint8Array => {
    need(n, at);
    const b = data.subarray(p, p + n);
    p += n;
    return b;
  };
  const line = (at: number): string => {
    const nl = data.indexOf(0x0a, p);
    if (nl < 0) throw fail(at, 'the pickle is truncated');
    const s = Buffer.from(data.subarray(p, nl)).toString('latin1');
    p = nl + 1;
    return s;
  };
  const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
  const pop = (at: number): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw fail(at, 'the pickle pops an empty stack (it is damaged)');
    return v;
  };
  const top = (at: number): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw fail(at, 'the pickle reads an empty stack (it is damaged)');
    return v;
  };
  const popMark = (at: number): PickleValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw fail(at, 'the pickle has no MARK where one is needed (it is damaged)');
    const items = stack.splice(i) as StackItem[];
    return items.slice(1) as PickleValue[];
  };
  const global = (module: string, name: string, at: number): AllowedGlobal => {
    const q = `${module}.${name}`;
    if (q === 'collections.OrderedDict' || q === 'torch._utils._rebuild_tensor_v2' || q === 'torch._utils._rebuild_parameter') return new AllowedGlobal(q);
    if (module === 'torch' && name in STORAGE_TYPES) return new AllowedGlobal(q);
    const hint =
      module.startsWith('torchvision') || (module.startsWith('torch') && /^[A-Z]/.test(name))
        ? ` This looks like a whole pickled model object (${q}); save its state dict instead: torch.save(model.state_dict(), path).`
        : '';
    throw new PickleRefusedError(
      q,
      `${src}: refused to load: the pickle asks for the Python global ${q} (byte ${at}). A weights file may only hold a state dict (tensors by name: collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storages); nothing in the file was run.${hint}`,
    );
  };
  const setItems = (target: PickleValue, items: PickleValue[], at: number): void => {
    if (!(target instanceof Map)) throw fail(at, 'SETITEMS on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const int = (v: PickleValue, what: string, at: number): number => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
    throw fail(at, `${what} is not an integer`);
  };
  const ints = (v: PickleValue, what: string, at: number): number[] => {
    if (!Array.isArray(v)) throw fail(at, `${what} is not a tuple`);
    return v.map((x) => int(x, what, at));
  };
  const call = (fn: PickleValue, args: PickleValue, at: number): PickleValue => {
    if (!(fn instanceof AllowedGlobal)) throw fail(at, 'REDUCE calls something that is not an allowed global');
    if (!Array.isArray(args)) throw fail(at, `${fn.qualified} is called without an argument tuple`);
    switch (fn.qualified) {
      case 'collections.OrderedDict': {
        const m = new Map<PickleValue, PickleValue>();
        if (args.length && Array.isArray(args[0])) for (const pair of args[0]) if (Array.isArray(pair) && pair.length === 2) m.set(pair[0], pair[1]);
        return m;
      }
      case 'torch._utils._rebuild_tensor_v2': {
        const [storage, offset, size, stride] = args;
        if (!(storage instanceof StorageRef)) throw fail(at, '_rebuild_tensor_v2 without a storage');
        const shape = ints(size, 'a tensor size', at);
        const strides = ints(stride, 'a tensor stride', at);
        if (shape.length !== strides.length) throw fail(at, 'a tensor whose size and stride differ in length');
        return new TensorRef(storage, int(offset, 'a storage offset', at), shape, strides);
      }
      case 'torch._utils._rebuild_parameter': {
        if (!(args[0] instanceof TensorRef)) throw fail(at, '_rebuild_parameter without a tensor');
        return args[0];
      }
      default:
        throw fail(at, `${fn.qualified} is a type, not something to call`);
    }
  };
  const persistent = (pid: PickleValue, at: number): StorageRef => {
    // Zip checkpoints: ('storage', type, key, location, numel); legacy ones add a view tuple.
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw fail(at, `a persistent id that is not a torch storage (${JSON.stringify(String(pid))})`);
    const [, type, key, , numel] = pid;
    if (!(type instanceof AllowedGlobal) || !type.qualified.startsWith('torch.')) throw fail(at, 'a storage without a storage type');
    const dtype = STORAGE_TYPES[type.qualified.slice('torch.'.length)];
    if (pid.length > 5 && pid[5] !== null) throw fail(at, 'a storage view (legacy checkpoints from PyTorch < 0.4 are not read)');
    return new StorageRef(dtype, String(key), int(numel, 'a storage size', at));
  };

  for (;;) {
    const at = p;
    const op = u8(at);
    switch (op) {
      case 0x80: // PROTO
        if (u8(at) > 5) throw fail(at, 'pickle protocol above 5');
        break;
      case 0x95: // FRAME (protocol 4): an 8-byte length, ignored
        bytes(8, at);
        break;
      case 0x2e: // STOP
        return { value: pop(at), end: p };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8(at));
        break;
      case 0x4d: // BININT2
        stack.push(u16(at));
        break;
      case 0x4a: // BININT
        need(4, at);
        stack.push(view.getInt32(p, true));
        p += 4;
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const b = bytes(u8(at), at);
        let v = 0n;
        for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x49: {
        // INT (protocol 0): "01"/"00" are True/False
        const s = line(at);
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x4c: // LONG (protocol 0)
        stack.push(Number.parseInt(line(at).replace(/L$/, ''), 10));
        break;
      case 0x47: // BINFLOAT: big-endian double
        need(8, at);
        stack.push(view.getFloat64(p, false));
        p += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(bytes(u32(at), at)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(bytes(u8(at), at)));
        break;
      case 0x8d: {
        // BINUNICODE8
        need(8, at);
        const n = Number(view.getBigUint64(p, true));
        p += 8;
        stack.push(utf8(bytes(n, at)));
        break;
      }
      case 0x55: // SHORT_BINSTRING (Python 2 str)
        stack.push(Buffer.from(bytes(u8(at), at)).toString('latin1'));
        break;
      case 0x54: // BINSTRING
        stack.push(Buffer.from(bytes(u32(at), at)).toString('latin1'));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8(at), at).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32(at), at).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop(at)]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop(at);
        stack.push([pop(at), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop(at);
        const b = pop(at);
        stack.push([pop(at), b, c]);
        break;
      }
      case 0x74: // TUPLE
        stack.push(popMark(at));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark(at));
        break;
      case 0x61: {
        // APPEND
        const v = pop(at);
        const list = top(at);
        if (!Array.isArray(list)) throw fail(at, 'APPEND to something that is not a list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark(at);
        const list = top(at);
        if (!Array.isArray(list)) throw fail(at, 'APPENDS to something that is not a list');
        list.push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const m = new Map<PickleValue, PickleValue>();
        setItems(m, popMark(at), at);
        stack.push(m);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop(at);
        const k = pop(at);
        setItems(top(at), [k, v], at);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark(at);
        setItems(top(at), items, at);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(at), top(at));
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(at), top(at));
        break;
      case 0x70: // PUT (protocol 0)
        memo.set(Number.parseInt(line(at), 10), top(at));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top(at));
        break;
      case 0x68:
      case 0x6a:
      case 0x67: {
        // BINGET, LONG_BINGET, GET
        const key = op === 0x68 ? u8(at) : op === 0x6a ? u32(at) : Number.parseInt(line(at), 10);
        if (!memo.has(key)) throw fail(at, `the pickle refers to memo entry ${key}, which it never stored (it is damaged)`);
        stack.push(memo.get(key) as PickleValue);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n": refused here, before anything could use it
        const module = line(at);
        const name = line(at);
        stack.push(global(module, name, at));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop(at);
        const module = pop(at);
        if (typeof module !== 'string' || typeof name !== 'string') throw fail(at, 'STACK_GLOBAL without a module and a name');
        stack.push(global(module, name, at));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop(at);
        const fn = pop(at);
        stack.push(call(fn, args, at));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistent(pop(at), at));
        break;
      case 0x62: {
        // BUILD: an OrderedDict's __dict__ (torch keeps `_metadata` there), dropped
        pop(at);
        const obj = top(at);
        if (!(obj instanceof Map) && !(obj instanceof TensorRef)) throw fail(at, 'BUILD on an object that is not a dict or tensor');
        break;
      }
      default:
        throw fail(at, `the pickle uses opcode 0x${op.toString(16).padStart(2, '0')}, which a state dict never needs (refused; nothing was run)`);
    }
  }
}
