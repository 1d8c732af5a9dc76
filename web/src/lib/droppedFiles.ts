/**
 * The files in a drag and drop or a folder picker, with dropped folders walked through
 * (the File and Directory Entries API). Hidden files inside folders (`.DS_Store`, `._IMG_0001.JPG`,
 * a `.thumbnails` folder) are left out: nobody meant to upload those.
 */

/** Whether a drag carries files from the computer (rather than, say, text from the page). */
export function carriesFiles(dataTransfer: DataTransfer | null): boolean {
  return dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Every file dropped, folders included. A drop's items can only be read while its event is
 * being dispatched, so call this from the `drop` handler itself; the walk goes on after.
 */
export function droppedFiles(dataTransfer: DataTransfer): Promise<File[]> {
  const walks = [...dataTransfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => {
      const entry = item.webkitGetAsEntry();
      if (entry !== null) return filesIn(entry);
      const file = item.getAsFile();
      return Promise.resolve(file === null ? [] : [file]);
    });
  return Promise.all(walks).then((lists) => lists.flat());
}

/** The files a folder picker (`<input webkitdirectory>`) chose, without hidden ones. */
export function visibleFiles(files: Iterable<File>): File[] {
  return [...files].filter((file) => !(file.webkitRelativePath || file.name).split('/').some(isHidden));
}

async function filesIn(entry: FileSystemEntry): Promise<File[]> {
  if (isFileEntry(entry)) return [await new Promise<File>((resolve, reject) => entry.file(resolve, reject))];
  if (!isDirectoryEntry(entry)) return [];
  const children = (await readAllEntries(entry.createReader())).filter((child) => !isHidden(child.name));
  return (await Promise.all(children.map(filesIn))).flat();
}

/** `readEntries` answers in batches (of 100 in Chrome) until it answers an empty one. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return entries;
    entries.push(...batch);
  }
}

function isFileEntry(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectoryEntry(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

function isHidden(name: string): boolean {
  return name.startsWith('.');
}
