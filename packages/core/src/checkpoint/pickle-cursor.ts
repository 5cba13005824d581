import { CheckpointError, type CheckpointErrorCode } from './errors.js';
import { opcodeLabel } from './pickle-opcodes.js';

// Python ints wider than this are not produced by torch.save; refusing them keeps BigInt work tiny.
const MAX_LONG_BYTES = 256;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Bounded reads of pickle opcode arguments: every length is checked against the bytes that
 * remain before anything is sliced or decoded, and errors name the opcode and its file offset.
 */
export class PickleCursor {
  protected pos: number;
  /** Current opcode byte and where it started, for messages. */
  protected op = 0;
  protected opStart = 0;
  private readonly base: number;
  private readonly view: DataView;

  constructor(
    protected readonly bytes: Uint8Array,
    start: number,
    /** Added to reported offsets when `bytes` is a slice of a larger file (a zip entry). */
    fileOffset = 0,
  ) {
    this.pos = start;
    this.base = fileOffset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** File offset of the current opcode. */
  protected get at(): number {
    return this.base + this.opStart;
  }

  /** File offset of the read position. */
  protected get here(): number {
    return this.base + this.pos;
  }

  protected fail(code: CheckpointErrorCode, message: string): never {
    throw new CheckpointError(code, `${message} in pickle opcode ${opcodeLabel(this.op)}`, { offset: this.at });
  }

  protected need(n: number): number {
    const remaining = this.bytes.length - this.pos;
    if (n > remaining) this.fail('TRUNCATED', `argument claims ${n} bytes but only ${remaining} remain`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  protected u8(): number {
    return this.bytes[this.need(1)];
  }
  protected u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  protected u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  protected i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  /** Big-endian float64, as BINFLOAT stores it. */
  protected f64(): number {
    return this.view.getFloat64(this.need(8), false);
  }
  // Inexact beyond 2^53, but such a length exceeds any input, so `need` still refuses it.
  protected u64(): number {
    const at = this.need(8);
    return this.view.getUint32(at + 4, true) * 2 ** 32 + this.view.getUint32(at, true);
  }
  protected take(n: number): Uint8Array {
    if (n < 0) this.fail('CORRUPT', `negative length ${n}`);
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  }
  protected text(n: number): string {
    const raw = this.take(n);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('CORRUPT', 'string is not valid UTF-8');
    }
  }
  protected line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('TRUNCATED', 'text argument has no terminating newline');
    return latin1.decode(this.take(end - this.pos + 1)).slice(0, -1);
  }
  protected long(n: number): number | bigint {
    if (n > MAX_LONG_BYTES) this.fail('SIZE_LIMIT', `${n}-byte integer exceeds ${MAX_LONG_BYTES} bytes`);
    const raw = this.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (raw[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  // Protocol-2 `str` from Python 2: torch.load decodes these as UTF-8, falling back to bytes.
  protected pyString(raw: Uint8Array): string {
    try {
      return utf8.decode(raw);
    } catch {
      return latin1.decode(raw);
    }
  }
}
