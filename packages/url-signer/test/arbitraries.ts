// fast-check generators shared by the property tests.
import fc from 'fast-check';
import {
  FITS,
  GRAVITY_NAMES,
  RESIZING_TYPES,
  ROTATIONS,
  type Gravity,
  type ImageOperations,
  type ImgproxyOptions,
} from '../src/index.ts';

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

export const gravity: fc.Arbitrary<Gravity> = fc.oneof(
  fc.constantFrom(...GRAVITY_NAMES),
  fc.tuple(fraction, fraction).map(([x, y]) => ({ focalPoint: [x, y] as const })),
);

const cropSide = fc.oneof(fc.constant(0), fc.double({ min: 0.0001, max: 0.9999, noNaN: true }), fc.integer({ min: 1, max: 65535 }));

const common = {
  width: fc.integer({ min: 1, max: 8192 }),
  height: fc.integer({ min: 1, max: 8192 }),
  quality: fc.integer({ min: 1, max: 100 }),
  format: fc.constantFrom('webp', 'avif', 'jpeg', 'jpg', 'png', 'auto' as const),
  gravity,
  crop: fc.record({ width: cropSide, height: cropSide, gravity }, { requiredKeys: ['width', 'height'] }),
  dpr: fc.double({ min: 1, max: 4, noNaN: true }),
  blur: fc.double({ min: 0.3, max: 100, noNaN: true }),
  sharpen: fc.double({ min: 0.01, max: 10, noNaN: true }),
  rotate: fc.constantFrom(...ROTATIONS),
  background: fc.oneof(
    fc.stringMatching(/^[0-9a-fA-F]{6}$/),
    fc.stringMatching(/^#[0-9a-fA-F]{3}$/),
  ),
  enlarge: fc.boolean(),
};

export const operations: fc.Arbitrary<ImageOperations> = fc.record(
  { ...common, fit: fc.constantFrom(...FITS) },
  { requiredKeys: [] },
);

export const imgproxyOptions: fc.Arbitrary<ImgproxyOptions> = fc.record(
  { ...common, resizingType: fc.constantFrom(...RESIZING_TYPES), expires: fc.integer({ min: 1, max: 2 ** 40 }) },
  { requiredKeys: [] },
);

// eslint-disable-next-line no-control-regex -- control characters are exactly what is being excluded
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A path segment of a remote source: anything printable but `/` and `?`, never `.` or `..`.
 * A `?` ends the path by definition, so a segment holding one is a query, not a segment.
 */
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((text) => !text.includes('/') && !text.includes('?') && text !== '.' && text !== '..' && !CONTROL.test(text));

/** Sources as a studio site writes them: a host, path segments, maybe a query, maybe a scheme. */
export const source: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', 'https://', 'http://'),
    fc.constantFrom('cdn.example.com', 'images.example.org:8443', 'localhost:3000', '[2001:db8::1]'),
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.option(fc.string({ unit: 'grapheme', maxLength: 20 }).filter((text) => !CONTROL.test(text)), {
      nil: undefined,
    }),
  )
  .map(([scheme, host, path, query]) => `${scheme}${host}/${path.join('/')}${query === undefined ? '' : `?${query}`}`);
