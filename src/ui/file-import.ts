/**
 * Turning what a person drops or picks into app files: single files, whole folders (from a drop
 * or `<input webkitdirectory>`) and `.zip` archives (expanded with fflate). Paths are made
 * relative to the folder holding the shallowest `spin.toml`, as `spin up` resolves them relative
 * to the manifest's folder.
 */
import { normalizeAppPath, unzipCapped } from '../loader/unzip';

export interface ImportedFile {
  path: string;
  bytes: Uint8Array;
}

export interface ImportedApp {
  /** The text of the `spin.toml` found among the files, if any. */
  manifestText?: string;
  /** Every other file, by path relative to the manifest's folder (or as dropped, without one). */
  files: ImportedFile[];
}

/** Files from a file picker (`multiple`, or `webkitdirectory` with relative paths). */
export async function filesFromList(list: Iterable<File>): Promise<ImportedFile[]> {
  const out: ImportedFile[] = [];
  for (const file of list) out.push(...(await expand(file.webkitRelativePath || file.name, file)));
  return out;
}

/** Files from a drop: folders are walked with the File and Directory Entries API. */
export async function filesFromDrop(data: DataTransfer): Promise<ImportedFile[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.some((e) => e === null)) return filesFromList([...data.files]);
  const out: ImportedFile[] = [];
  for (const entry of entries) await walk(entry!, '', out);
  return out;
}

async function walk(entry: FileSystemEntry, parent: string, out: ImportedFile[]): Promise<void> {
  const path = parent ? `${parent}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(...(await expand(path, file)));
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns the folder in batches until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path, out);
    }
  }
}

async function expand(path: string, file: Blob): Promise<ImportedFile[]> {
  // A .zip is kept whole: the page imports it as an app with its data (importAppZip), or
  // expands it with `expandZip` when it holds no spin.toml.
  return [{ path, bytes: new Uint8Array(await file.arrayBuffer()) }];
}

/**
 * The files of a zip, by their paths inside it: the same caps and path rules as an app zip
 * (`unzipCapped`, which throws a `ZipError` naming the cap); entries that would leave the zip's
 * root (`../`, absolute) are returned in `outside`, not as files.
 */
export function expandZip(bytes: Uint8Array): { files: ImportedFile[]; outside: string[] } {
  const { files, outside } = unzipCapped(bytes);
  return { files: [...files].map(([path, content]) => ({ path, bytes: content })), outside };
}

/** Root the files at the shallowest `spin.toml`; files outside that folder are dropped. */
export function rootAtManifest(files: ImportedFile[]): ImportedApp & { dropped: string[] } {
  // Paths that would leave the app's folder (`../`, absolute) are dropped, as a zip's are.
  const clean: ImportedFile[] = [];
  const outside: string[] = [];
  for (const f of files) {
    const path = normalizeAppPath(f.path);
    if (path === undefined) outside.push(f.path);
    else clean.push({ ...f, path });
  }
  const manifests = clean.filter((f) => /(^|\/)spin\.toml$/.test(f.path)).sort((a, b) => depth(a.path) - depth(b.path));
  const manifest = manifests[0];
  if (!manifest) return { files: clean.filter((f) => !isJunk(f.path)), dropped: outside };
  const folder = manifest.path.slice(0, -'spin.toml'.length);
  const inside = clean.filter((f) => f !== manifest && f.path.startsWith(folder) && !isJunk(f.path));
  return {
    manifestText: new TextDecoder().decode(manifest.bytes),
    files: inside.map((f) => ({ path: f.path.slice(folder.length), bytes: f.bytes })),
    dropped: [...outside, ...clean.filter((f) => f !== manifest && !f.path.startsWith(folder)).map((f) => f.path)],
  };
}

const depth = (path: string) => path.split('/').length;
/** Build output and VCS folders an app folder usually carries but never serves. */
const isJunk = (path: string) => /(^|\/)(\.git|node_modules|\.DS_Store|\.spin)(\/|$)/.test(path);
