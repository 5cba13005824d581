import { CheckpointError } from './errors.js';
import { applyBuild, callGlobal, resolveGlobal } from './pickle-globals.js';
import { PickleCursor } from './pickle-cursor.js';
import { opcodeLabel } from './pickle-opcodes.js';
import { describeValue } from './pickle-values.js';

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** BINPERSID handler (torch storages); without it persistent ids are refused. */
  persistentLoad?: (pid: unknown, offset: number) => unknown;
  /** Added to offsets in errors, when `bytes` is a slice of a larger file (a zip entry). */
  fileOffset?: number;
}

/** Result of {@link unpickle}: the value and the offset just past its STOP opcode. */
export interface UnpickleResult {
  value: unknown;
  end: number;
}

/**
 * Runs one pickle starting at `start` WITHOUT executing anything: globals resolve through an
 * allow-list to inert tags (see pickle-globals.ts) and REDUCE only builds containers, tensor
 * references and placeholders. Every length is checked against the bytes that remain before
 * anything is allocated, and each opcode consumes at least one byte, so memo and stack sizes are
 * bounded by the input and the loop always terminates. The machine itself never recurses.
 */
export function unpickle(bytes: Uint8Array, start = 0, options: UnpickleOptions = {}): UnpickleResult {
  return new Machine(bytes, start, options).run();
}

class Machine extends PickleCursor {
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly options: UnpickleOptions,
  ) {
    super(bytes, start, options.fileOffset);
  }

  run(): UnpickleResult {
    const b = this.bytes;
    while (this.pos < b.length) {
      this.opStart = this.pos;
      this.op = b[this.pos++];
      if (this.step()) return { value: this.pop(), end: this.pos };
    }
    throw new CheckpointError('TRUNCATED', 'pickle ends before its STOP opcode', { offset: this.here });
  }

  private push(v: unknown): void {
    this.stack.push(v);
  }
  private pop(): unknown {
    if (this.stack.length === 0) this.fail('CORRUPT', 'stack underflow');
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) this.fail('CORRUPT', 'stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (outer === undefined) this.fail('CORRUPT', 'no MARK to pop to');
    this.stack = outer;
    return items;
  }
  private target<T>(guard: (v: unknown) => v is T, what: string): T {
    const t = this.top();
    if (!guard(t)) this.fail('CORRUPT', `target is ${describeValue(t)}, expected ${what}`);
    return t;
  }
  private memoGet(i: number): void {
    if (!this.memo.has(i)) this.fail('CORRUPT', `memo slot ${i} was never stored`);
    this.push(this.memo.get(i));
  }

  /** Executes one opcode; true on STOP. */
  private step(): boolean {
    switch (this.op) {
      case 0x80: { // PROTO
        const p = this.u8();
        if (p > 5) this.fail('UNSUPPORTED', `protocol ${p}`);
        return false;
      }
      case 0x95: { // FRAME: only a length hint, but it must fit
        const n = this.u64();
        const remaining = this.bytes.length - this.pos;
        if (n > remaining) this.fail('TRUNCATED', `frame claims ${n} bytes but only ${remaining} remain`);
        return false;
      }
      case 0x2e: return true; // STOP
      case 0x28: this.marks.push(this.stack); this.stack = []; return false; // MARK
      case 0x30: if (this.stack.length > 0) this.stack.pop(); else this.popMark(); return false; // POP
      case 0x31: this.popMark(); return false; // POP_MARK
      case 0x32: this.push(this.top()); return false; // DUP
      case 0x4e: this.push(null); return false; // NONE
      case 0x88: this.push(true); return false; // NEWTRUE
      case 0x89: this.push(false); return false; // NEWFALSE
      case 0x4a: this.push(this.i32()); return false; // BININT
      case 0x4b: this.push(this.u8()); return false; // BININT1
      case 0x4d: this.push(this.u16()); return false; // BININT2
      case 0x8a: this.push(this.long(this.u8())); return false; // LONG1
      case 0x8b: { // LONG4
        const n = this.i32();
        if (n < 0) this.fail('CORRUPT', 'negative length');
        this.push(this.long(n));
        return false;
      }
      case 0x47: this.push(this.f64()); return false; // BINFLOAT
      case 0x58: this.push(this.text(this.u32())); return false; // BINUNICODE
      case 0x8c: this.push(this.text(this.u8())); return false; // SHORT_BINUNICODE
      case 0x8d: this.push(this.text(this.u64())); return false; // BINUNICODE8
      case 0x55: this.push(this.pyString(this.take(this.u8()))); return false; // SHORT_BINSTRING
      case 0x54: this.push(this.pyString(this.take(this.i32()))); return false; // BINSTRING
      case 0x43: this.push(this.take(this.u8()).slice()); return false; // SHORT_BINBYTES
      case 0x42: this.push(this.take(this.u32()).slice()); return false; // BINBYTES
      case 0x8e: case 0x96: this.push(this.take(this.u64()).slice()); return false; // BINBYTES8, BYTEARRAY8
      case 0x29: this.push([]); return false; // EMPTY_TUPLE
      case 0x74: this.push(this.popMark()); return false; // TUPLE
      case 0x85: { const a = this.pop(); this.push([a]); return false; } // TUPLE1
      case 0x86: { const b = this.pop(); const a = this.pop(); this.push([a, b]); return false; } // TUPLE2
      case 0x87: { // TUPLE3
        const c = this.pop();
        const b = this.pop();
        this.push([this.pop(), b, c]);
        return false;
      }
      case 0x5d: this.push([]); return false; // EMPTY_LIST
      case 0x6c: this.push(this.popMark()); return false; // LIST
      case 0x61: { const v = this.pop(); this.target(Array.isArray, 'a list').push(v); return false; } // APPEND
      case 0x65: { // APPENDS
        const items = this.popMark();
        const list = this.target(Array.isArray, 'a list');
        for (const v of items) list.push(v);
        return false;
      }
      case 0x7d: this.push(new Map()); return false; // EMPTY_DICT
      case 0x64: { const d = new Map(); this.setItems(d, this.popMark()); this.push(d); return false; } // DICT
      case 0x73: { const v = this.pop(); const k = this.pop(); this.target(isMap, 'a dict').set(k, v); return false; } // SETITEM
      case 0x75: { const items = this.popMark(); this.setItems(this.target(isMap, 'a dict'), items); return false; } // SETITEMS
      case 0x8f: this.push(new Set()); return false; // EMPTY_SET
      case 0x90: { // ADDITEMS
        const items = this.popMark();
        const set = this.target(isSet, 'a set');
        for (const v of items) set.add(v);
        return false;
      }
      case 0x91: this.push(new Set(this.popMark())); return false; // FROZENSET
      case 0x71: this.memo.set(this.u8(), this.top()); return false; // BINPUT
      case 0x72: this.memo.set(this.u32(), this.top()); return false; // LONG_BINPUT
      case 0x94: this.memo.set(this.memo.size, this.top()); return false; // MEMOIZE
      case 0x68: this.memoGet(this.u8()); return false; // BINGET
      case 0x6a: this.memoGet(this.u32()); return false; // LONG_BINGET
      case 0x63: { // GLOBAL
        const module = this.line();
        this.push(resolveGlobal(module, this.line(), this.at));
        return false;
      }
      case 0x93: { // STACK_GLOBAL
        const n = this.pop(); const m = this.pop();
        if (typeof m !== 'string' || typeof n !== 'string') this.fail('CORRUPT', 'module and name must be strings');
        this.push(resolveGlobal(m, n, this.at));
        return false;
      }
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ
        const args = this.pop();
        this.push(callGlobal(this.pop(), args, this.at));
        return false;
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = this.pop(); const args = this.pop(); const cls = this.pop();
        if (!(kwargs instanceof Map) || kwargs.size > 0) this.fail('UNSUPPORTED', 'keyword arguments');
        this.push(callGlobal(cls, args, this.at));
        return false;
      }
      case 0x62: this.pop(); applyBuild(this.top(), this.at); return false; // BUILD (state dropped)
      case 0x51: { // BINPERSID
        const pid = this.pop();
        if (!this.options.persistentLoad) this.fail('UNSUPPORTED', 'persistent id outside a torch file');
        this.push(this.options.persistentLoad(pid, this.at));
        return false;
      }
      default:
        throw new CheckpointError('UNSUPPORTED', `pickle opcode ${opcodeLabel(this.op)} is not supported`, { offset: this.at });
    }
  }

  private setItems(d: Map<unknown, unknown>, items: unknown[]): void {
    if (items.length % 2 !== 0) this.fail('CORRUPT', `odd number (${items.length}) of keys and values`);
    for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
  }
}

const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;
const isSet = (v: unknown): v is Set<unknown> => v instanceof Set;
