import { describe, expect, it } from 'vitest';
import { PickleWriter } from './__fixtures__/pickle-writer.js';
import { unpickle } from './pickle-machine.js';
import { OpaqueObject, PyOrderedDict } from './pickle-values.js';
import { errorOf } from './__fixtures__/checkpoint-error-of.js';

const run = (w: PickleWriter) => unpickle(w.bytes()).value;


describe('unpickle: values', () => {
  it('reads ints of every width, floats, strings, None and bools', () => {
    const w = new PickleWriter().proto(2).mark();
    w.int(7).int(300).int(-5).int(2 ** 40).int(-(2n ** 70n)).float(0.25).str('héllo').none().bool(true).bool(false);
    expect(run(w.tuple().stop())).toEqual([7, 300, -5, 2 ** 40, -(2n ** 70n), 0.25, 'héllo', null, true, false]);
  });

  it('builds lists, dicts, sets and shares memoised objects', () => {
    const w = new PickleWriter().proto(2).emptyDict().mark();
    w.str('list').emptyList().put(1).int(1).append().str('again').get(1);
    w.str('set').global('builtins', 'set').mark().emptyList().int(3).append().tuple().reduce();
    const value = run(w.setitems().stop()) as Map<string, unknown>;
    expect(value.get('list')).toEqual([1]);
    expect(value.get('again')).toBe(value.get('list'));
    expect(value.get('set')).toEqual(new Set([3]));
  });

  it('reads protocol 4 (FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE)', () => {
    const body = new PickleWriter().stackGlobal('collections', 'OrderedDict').raw(0x94).emptyTuple().reduce().raw(0x94);
    body.raw(0x8c, 1, 0x6b).int(5).raw(0x73).stop();
    const inner = body.bytes();
    const w = new PickleWriter().proto(4).raw(0x95).u32(inner.length).u32(0).raw(...inner);
    const value = run(w);
    expect(value).toBeInstanceOf(PyOrderedDict);
    expect([...(value as Map<string, number>)]).toEqual([['k', 5]]);
  });

  it('decodes protocol-2 bytes (_codecs.encode) and Python-2 __builtin__ names', () => {
    const w = new PickleWriter().proto(2).mark();
    w.global('_codecs', 'encode').str('a\u00ff').str('latin1').raw(0x86).reduce();
    w.global('__builtin__', 'frozenset').mark().emptyList().str('x').append().tuple().reduce();
    expect(run(w.tuple().stop())).toEqual([Uint8Array.from([0x61, 0xff]), new Set(['x'])]);
  });

  it('turns numpy scalars into inert placeholders and drops their BUILD state', () => {
    const w = new PickleWriter().proto(2).global('numpy.core.multiarray', 'scalar');
    w.global('numpy', 'dtype').mark().str('f8').bool(false).bool(true).tuple().reduce().mark().int(3).str('<').tuple().build();
    w.global('_codecs', 'encode').str('\0\0\0\0\0\0\u00e0?').str('latin1').raw(0x86).reduce().raw(0x86).reduce().stop();
    expect(run(w)).toEqual(new OpaqueObject('numpy.core.multiarray.scalar'));
  });

  it('accepts BUILD on an OrderedDict (torch _metadata) without changing its items', () => {
    const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce();
    w.emptyDict().str('_metadata').emptyDict().raw(0x73).build().stop();
    expect([...(run(w) as Map<unknown, unknown>)]).toEqual([]);
  });

  it('returns the offset just past STOP so consecutive pickles can be read', () => {
    const a = new PickleWriter().proto(2).int(1).stop().bytes();
    const both = Uint8Array.from([...a, ...new PickleWriter().proto(2).int(2).stop().bytes()]);
    const first = unpickle(both);
    expect(first).toEqual({ value: 1, end: a.length });
    expect(unpickle(both, first.end).value).toBe(2);
  });
});

describe('unpickle: refusals', () => {
  it.each([
    ['GLOBAL os.system', new PickleWriter().proto(2).global('os', 'system'), 'os.system', 2],
    ['GLOBAL posix.system', new PickleWriter().proto(2).global('posix', 'system'), 'posix.system', 2],
    // STACK_GLOBAL comes after its two BINUNICODE operands (5 + 2 and 5 + 6 bytes).
    ['STACK_GLOBAL os.system', new PickleWriter().proto(4).stackGlobal('os', 'system'), 'os.system', 20],
    ['__builtin__.eval', new PickleWriter().proto(2).global('__builtin__', 'eval'), 'builtins.eval', 2],
    ['a custom class', new PickleWriter().proto(2).global('__main__', 'Evil'), '__main__.Evil', 2],
    ['torch.load itself', new PickleWriter().proto(2).global('torch', 'load'), 'torch.load', 2],
  ])('%s → UNSAFE_GLOBAL naming it', (_, w, name, offset) => {
    const e = errorOf(() => run(w.emptyTuple().reduce().stop()));
    expect(e.code).toBe('UNSAFE_GLOBAL');
    expect(e.message).toContain(name);
    expect(e.offset).toBe(offset);
  });

  it('names unsupported opcodes and their offset', () => {
    const e = errorOf(() => run(new PickleWriter().proto(2).raw(0x69)));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('INST (0x69)');
    expect(e.offset).toBe(2);
    expect(errorOf(() => run(new PickleWriter().proto(2).raw(0xff))).message).toContain('unknown opcode 0xff');
  });

  it('refuses a string length beyond the input before allocating', () => {
    const e = errorOf(() => run(new PickleWriter().proto(2).raw(0x58).u32(0xffffffff).raw(0x41)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('4294967295');
    expect(errorOf(() => run(new PickleWriter().proto(4).raw(0x8d).u32(0).u32(0x7fffffff))).code).toBe('TRUNCATED');
  });

  it('refuses memo slots that were never stored (huge LONG_BINGET)', () => {
    const e = errorOf(() => run(new PickleWriter().proto(2).raw(0x6a).u32(0xfffffff0).stop()));
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('4294967280');
  });

  it('refuses BUILD on anything but OrderedDict, tensors and placeholders', () => {
    const w = new PickleWriter().proto(2).emptyDict().emptyDict().build().stop();
    expect(errorOf(() => run(w)).code).toBe('UNSUPPORTED');
  });

  it('reports structural damage as CORRUPT or TRUNCATED', () => {
    expect(errorOf(() => run(new PickleWriter().proto(2).int(1))).code).toBe('TRUNCATED'); // no STOP
    expect(errorOf(() => run(new PickleWriter().proto(2).stop())).code).toBe('CORRUPT'); // empty stack
    expect(errorOf(() => run(new PickleWriter().proto(2).tuple().stop())).code).toBe('CORRUPT'); // no MARK
    expect(errorOf(() => run(new PickleWriter().proto(2).int(1).int(2).append().stop())).code).toBe('CORRUPT');
    expect(errorOf(() => run(new PickleWriter().proto(9))).code).toBe('UNSUPPORTED');
    expect(errorOf(() => run(new PickleWriter().proto(2).emptyDict().mark().int(1).setitems().stop())).code).toBe('CORRUPT');
  });

  it('handles 200k nested lists without recursion', () => {
    const w = new PickleWriter().proto(2);
    for (let i = 0; i < 200_000; i++) w.emptyList();
    for (let i = 0; i < 199_999; i++) w.append();
    let depth = 0;
    for (let v = run(w.stop()); Array.isArray(v) && v.length > 0; v = v[0]) depth++;
    expect(depth).toBe(199_999);
  });

  it('refuses persistent ids outside a torch file', () => {
    expect(errorOf(() => run(new PickleWriter().proto(2).str('x').binpersid().stop())).code).toBe('UNSUPPORTED');
  });
});
