/**
 * Loads Wycheproof vector files for the crypto tests from the shared vector directory beside the
 * checkout. A missing or short file fails the run loudly rather than letting a suite test nothing.
 */
import { readFileSync } from 'node:fs';

export interface WycheproofFile<Group> {
  algorithm: string;
  numberOfTests: number;
  testGroups: Group[];
}

const VECTOR_DIRECTORY = new URL('../../../../shared/vectors/wycheproof/', import.meta.url);

export function loadWycheproof<Group extends { tests: unknown[] }>(fileName: string): WycheproofFile<Group> {
  const location = new URL(fileName, VECTOR_DIRECTORY);
  let text: string;
  try {
    text = readFileSync(location, 'utf8');
  } catch (error) {
    throw new Error(`Wycheproof vector file missing: ${location.pathname}`, { cause: error });
  }
  const file = JSON.parse(text) as WycheproofFile<Group>;
  const count = file.testGroups.reduce((sum, group) => sum + group.tests.length, 0);
  if (count === 0 || count !== file.numberOfTests) {
    throw new Error(`${fileName} declares ${file.numberOfTests} tests but holds ${count}.`);
  }
  return file;
}

export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}
