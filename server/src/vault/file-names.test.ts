import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, safeFileName } from './file-names.ts';
import { photoTypes } from '../imaging/file-types.ts';

describe('safe file names', () => {
  it('keeps an ordinary name, and the case of a matching extension', () => {
    expect(safeFileName('Wedding 0042.JPG', photoTypes.jpeg)).toBe('Wedding 0042.JPG');
    expect(safeFileName('Wedding 0042.jpeg', photoTypes.jpeg)).toBe('Wedding 0042.jpeg');
  });

  it('corrects an extension that disagrees with the content, and adds a missing one', () => {
    expect(safeFileName('photo.png', photoTypes.jpeg)).toBe('photo.jpg');
    expect(safeFileName('photo', photoTypes.webp)).toBe('photo.webp');
    expect(safeFileName('invoice.html', photoTypes.jpeg)).toBe('invoice.html.jpg');
    expect(safeFileName('shoot.2023.06', photoTypes.tiff)).toBe('shoot.2023.06.tif');
  });

  it('strips path parts, whatever the separator', () => {
    expect(safeFileName('../../etc/passwd.jpg', photoTypes.jpeg)).toBe('passwd.jpg');
    expect(safeFileName('C:\\Users\\ada\\IMG_1.jpg', photoTypes.jpeg)).toBe('IMG_1.jpg');
    expect(safeFileName('..', photoTypes.jpeg)).toBe('untitled.jpg');
    expect(safeFileName('../', photoTypes.png)).toBe('untitled.png');
  });

  it('removes control and bidirectional override characters, and normalises to NFC', () => {
    expect(safeFileName('evil\u202Egpj.exe', photoTypes.jpeg)).toBe('evilgpj.exe.jpg');
    expect(safeFileName('a\u0000b\u0007c\u2066d\u200Fe.jpg', photoTypes.jpeg)).toBe('abcde.jpg');
    expect(safeFileName('Cafe\u0301.jpg', photoTypes.jpeg)).toBe('Caf\u00e9.jpg');
  });

  it('is never empty and never hidden', () => {
    expect(safeFileName(undefined, photoTypes.gif)).toBe('untitled.gif');
    expect(safeFileName('   ', photoTypes.gif)).toBe('untitled.gif');
    expect(safeFileName('.jpg', photoTypes.jpeg)).toBe('untitled.jpg');
    expect(safeFileName('.hidden.jpg', photoTypes.jpeg)).toBe('hidden.jpg');
  });

  it('bounds the length, keeping the extension and whole characters', () => {
    const long = safeFileName(`${'a'.repeat(10_000)}.jpg`, photoTypes.jpeg);
    expect(long).toHaveLength(MAX_NAME_LENGTH);
    expect(long.endsWith('.jpg')).toBe(true);
    const emoji = safeFileName(`${'📷'.repeat(300)}.png`, photoTypes.png);
    expect(Array.from(emoji)).toHaveLength(MAX_NAME_LENGTH);
    expect(emoji.endsWith('📷.png')).toBe(true);
  });
});
