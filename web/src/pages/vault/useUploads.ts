import { useEffect, useState } from 'react';
import { ApiError, messageForPeople } from '../../api/client';
import { DuplicateUploadError, uploadFileResumable, type FileView } from '../../api/vault';
import { UploadQueue, type UploadEvents } from '../../lib/uploadQueue';

/** Uploads into an album (its id), or into none (`null`). */
export type VaultUploadQueue = UploadQueue<string | null, FileView>;

const CONCURRENT_UPLOADS = 3;

/**
 * The library's upload queue, for as long as the library is shown: resumable (tus) uploads,
 * a few at a time, retried with backoff. A photo the library already holds is not stored
 * again unless the person chooses "Keep both" (UploadPanel). Leaving the library pauses what is still going —
 * the uploads stay on the server and resume when the same files are added again, in this
 * tab or a later one.
 */
export function useUploads({ onUploaded, onIdle }: UploadEvents<FileView>): VaultUploadQueue {
  const [queue] = useState<VaultUploadQueue>(
    () => new UploadQueue({ concurrency: CONCURRENT_UPLOADS, upload: uploadFileResumable, describeFailure: uploadErrorMessage, duplicateOf: duplicateName }),
  );
  useEffect(() => queue.listen({ onUploaded, onIdle }), [queue, onUploaded, onIdle]);
  useEffect(() => () => queue.pauseAll(), [queue]);
  return queue;
}

const UPLOAD_ERRORS: ReadonlyMap<string, string> = new Map([
  ['file_type_not_allowed', 'Not a supported photo type.'],
  ['file_corrupt', 'The file is damaged or incomplete, so it can’t be read as a photo.'],
  ['image_too_large', 'The image has more pixels than this server can process.'],
  ['file_infected', 'Refused: the virus scanner flagged this file.'],
  ['quota_exceeded', 'Not enough storage left: your studio’s quota is full.'],
  ['file_too_large', 'The file is larger than this server accepts.'],
  ['file_empty', 'The file is empty.'],
  ['upload_expired', 'The unfinished upload expired; add the file again to start over.'],
  ['scanner_unavailable', 'The virus scanner isn’t available right now. Try again in a few minutes.'],
]);

/** Why one upload failed, in a sentence short enough for its row in the queue. */
function uploadErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return messageForPeople(error);
  const known = UPLOAD_ERRORS.get(error.code);
  if (known !== undefined) return known;
  if (error.status === 0) return 'Network error: the upload didn’t reach the server. Check your connection and try again.';
  if (error.status === 413) return 'The file is larger than this server accepts.';
  return messageForPeople(error);
}

/** For a photo refused as a duplicate: the name of the one already in the library ('' when it could not be looked up). */
function duplicateName(error: unknown): string | null {
  return error instanceof DuplicateUploadError ? (error.existingName ?? '') : null;
}
