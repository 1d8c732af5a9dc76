/**
 * The chunk worker's thread (chunk-offload.ts starts it): seals or opens each batch it is
 * sent and sends the result back, transferring its buffer. Batches are handled one at a time
 * in the order they came, so results go back in that order too.
 */
import { parentPort } from 'node:worker_threads';
import { IntegrityError } from '../errors.ts';
import { type ChunkBatch, processBatch } from './chunk-aead.ts';

export type BatchRequest = ChunkBatch & { id: number };
export type BatchReply = { id: number; output: Uint8Array } | { id: number; integrity: string } | { id: number; failure: string };

function reply(request: BatchRequest): { message: BatchReply; transfer: ArrayBuffer[] } {
  try {
    const output = processBatch(request);
    return { message: { id: request.id, output }, transfer: [output.buffer as ArrayBuffer] };
  } catch (error) {
    // IntegrityError messages are client-safe constants (chunk-aead.ts); anything else is a bug, reported as such.
    if (error instanceof IntegrityError) return { message: { id: request.id, integrity: error.message }, transfer: [] };
    return { message: { id: request.id, failure: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

parentPort?.on('message', (request: BatchRequest) => {
  const { message, transfer } = reply(request);
  parentPort?.postMessage(message, transfer);
});
