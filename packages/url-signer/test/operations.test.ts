import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normaliseOperations,
  operationsString,
  parseOperations,
  serializeOperations,
  type ImageOperations,
} from '../src/index.ts';
import { codeOf } from './helpers.ts';
import { operations } from './arbitraries.ts';

describe('serializeOperations', () => {
  it('writes OptStuff’s own operations in OptStuff’s client order', () => {
    expect(serializeOperations({ fit: 'cover', format: 'webp', quality: 80, height: 600, width: 800 })).toBe(
      'w_800,h_600,q_80,f_webp,fit_cover',
    );
  });

  it('writes _ for no operations, and drops identities', () => {
    expect(serializeOperations({})).toBe('_');
    expect(serializeOperations({ dpr: 1, rotate: 0, enlarge: false })).toBe('_');
  });

  it('spells JPEG jpg, as OptStuff requires', () => {
    expect(serializeOperations({ format: 'jpeg' })).toBe('f_jpg');
    expect(serializeOperations({ format: 'jpg' })).toBe('f_jpg');
  });

  it('writes Shutterlock’s additions after OptStuff’s', () => {
    expect(
      serializeOperations({
        width: 1200,
        gravity: { focalPoint: [0.25, 1 / 3] },
        crop: { width: 0.5, height: 1000, gravity: 'sm' },
        dpr: 2,
        blur: 1.5,
        sharpen: 0.5,
        rotate: 90,
        background: '#FFF',
        enlarge: true,
      }),
    ).toBe('w_1200,g_fp_0.25_0.3333,c_0.5_1000_sm,dpr_2,blur_1.5,sharpen_0.5,rotate_90,b_ffffff,enlarge');
  });

  it('never writes an exponent', () => {
    expect(serializeOperations({ gravity: { focalPoint: [1e-7, 0.99999] } })).toBe('g_fp_0_1');
  });

  it('refuses bad values with invalid_operations', () => {
    const bad: unknown[] = [
      { width: 0 },
      { width: 8193 },
      { width: 1.5 },
      { height: -1 },
      { quality: 0 },
      { quality: 101 },
      { format: 'gif' },
      { fit: 'stretch' },
      { gravity: 'center' },
      { gravity: { focalPoint: [1.2, 0] } },
      { crop: { width: 1.5, height: 10 } },
      { crop: { width: 10 } },
      { dpr: 0.5 },
      { dpr: 5 },
      { blur: 0.1 },
      { sharpen: 11 },
      { rotate: 45 },
      { background: 'red' },
      { enlarge: 'yes' },
      { widht: 100 },
      null,
      [],
    ];
    for (const value of bad) {
      expect(codeOf(() => serializeOperations(value as ImageOperations)), JSON.stringify(value)).toBe('invalid_operations');
    }
  });
});

describe('parseOperations', () => {
  it('reads every operation OptStuff accepts', () => {
    expect(parseOperations('w_800,h_600,q_80,f_webp,fit_cover')).toEqual({
      width: 800,
      height: 600,
      quality: 80,
      format: 'webp',
      fit: 'cover',
    });
    expect(parseOperations('s_1200x630,f_avif')).toEqual({ width: 1200, height: 630, format: 'avif' });
    expect(parseOperations('f_jpg')).toEqual({ format: 'jpeg' });
    expect(parseOperations('_')).toEqual({});
    // OptStuff validates `embed`, but IPX 3 has no handler for it: it has no effect.
    expect(parseOperations('w_100,embed')).toEqual({ width: 100 });
    // OptStuff's integer check is /^\d+$/, so leading zeros pass.
    expect(parseOperations('w_080')).toEqual({ width: 80 });
  });

  it('reads Shutterlock’s additions', () => {
    expect(parseOperations('g_fp_0.5_0.25,c_0_0.5_no,dpr_1.5,blur_2,sharpen_1,rotate_270,b_FFF,enlarge')).toEqual({
      gravity: { focalPoint: [0.5, 0.25] },
      crop: { width: 0, height: 0.5, gravity: 'no' },
      dpr: 1.5,
      blur: 2,
      sharpen: 1,
      rotate: 270,
      background: 'ffffff',
      enlarge: true,
    });
  });

  it('refuses what is unknown, empty, repeated or out of range', () => {
    const bad = [
      '',
      'w_800,',
      ',w_800',
      'w_800,,h_600',
      '_,w_800',
      'w_800,w_400',
      'w_800,s_10x10',
      'w_',
      'w',
      'w_0',
      'w_8193',
      'w_1e3',
      'w_+5',
      'w_ 5',
      'h_1.5',
      'q_0',
      'q_101',
      'f_gif',
      'f_',
      'fit_scale',
      's_10',
      's_10x',
      'embed_1',
      'enlarge_1',
      'g_center',
      'g_fp_1.5_0',
      'g_fp_0.5',
      'c_10',
      'c_1.5_10',
      'c_10_10_middle',
      'dpr_0.5',
      'dpr_4.5',
      'blur_0',
      'sharpen_11',
      'rotate_45',
      'rotate_-90',
      'b_#fff',
      'b_ggg',
      'unknown_1',
      'W_800',
      'x'.repeat(513),
    ];
    for (const text of bad) expect(codeOf(() => parseOperations(text)), text).toBe('invalid_operations');
  });

  it('gives back what serializeOperations wrote (property)', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const text = serializeOperations(ops);
        expect(parseOperations(text)).toEqual(normaliseOperations(ops));
        expect(serializeOperations(parseOperations(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but invalid_operations on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const code = codeOf(() => parseOperations(text));
        expect(code === undefined || code === 'invalid_operations').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('operationsString', () => {
  it('serialises objects and keeps valid strings as given (they are what gets signed)', () => {
    expect(operationsString({ width: 10 })).toBe('w_10');
    expect(operationsString('f_webp,w_800')).toBe('f_webp,w_800');
    expect(codeOf(() => operationsString('w_800,bogus'))).toBe('invalid_operations');
  });
});
