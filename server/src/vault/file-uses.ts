/**
 * Where a studio's files are shown outside the vault — a live delivery's gallery now — so that
 * trashing one is never silent. The vault cannot read another capability's tables, and the
 * capabilities that show files depend on the vault, not the other way round: each of them
 * registers a source at start-up (`Vault.registerFileUses`, deliveries/capability.ts), and the
 * vault asks them all before a file goes to the trash (files.ts).
 */

/** A place that shows some of the files asked about to someone outside the studio. */
export interface FileUse {
  /** What kind of place: a delivery (its client's gallery). */
  kind: 'delivery';
  id: string;
  /** What the photographer calls it (the delivery's title). */
  title: string;
  /** Which of the files asked about it shows. */
  fileIds: string[];
}

/** Answers, for one studio, which of its live places show any of `fileIds`; always asked with that studio. */
export type FileUseSource = (studioId: string, fileIds: readonly string[]) => Promise<FileUse[]>;

export interface FileUses {
  register(source: FileUseSource): void;
  /** Every registered source's answer, in registration order. */
  of(studioId: string, fileIds: readonly string[]): Promise<FileUse[]>;
}

export function createFileUses(): FileUses {
  const sources: FileUseSource[] = [];
  return {
    register: (source) => void sources.push(source),
    async of(studioId, fileIds) {
      if (fileIds.length === 0) return [];
      return (await Promise.all(sources.map((source) => source(studioId, fileIds)))).flat();
    },
  };
}
