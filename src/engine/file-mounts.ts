/**
 * Which files a component sees, from its `files` and `exclude_files` (manifest paths relative to
 * the app folder), resolved against the files the app bundle holds. Globs expand against the
 * bundle; a bundle fetched over HTTP holds only the files named explicitly, since HTTP cannot
 * list a folder (the loader says so before this point).
 */
import picomatch from 'picomatch/posix';
import type { SpinComponent } from '../manifest/types';
import { getOwn, setOwn } from '../protocol/own-keys';

export class MountError extends Error {}

const isGlob = (pattern: string) => /[*?[\]{}]/.test(pattern);
const clean = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');

/** Guest path (absolute) -> bytes. */
export function planMounts(component: SpinComponent, bundle: Record<string, ArrayBuffer>): Map<string, Uint8Array> {
  const mounts = new Map<string, Uint8Array>();
  const available = Object.keys(bundle).filter((key) => !/^[a-z]+:\/\//.test(key));
  const excluded = component.excludeFiles.length ? picomatch(component.excludeFiles.map(clean), { dot: true }) : () => false;
  for (const entry of component.files) {
    if (entry.kind === 'glob') {
      const pattern = clean(entry.pattern);
      // Call the matcher with the path alone: its second parameter is not an array index.
      const matcher = picomatch(pattern, { dot: true });
      const matches = isGlob(pattern) ? available.filter((key) => matcher(key)) : available.filter((key) => key === pattern);
      if (!isGlob(pattern) && matches.length === 0) {
        throw new MountError(`component "${component.id}": files entry "${entry.pattern}" is not among the app's files`);
      }
      for (const key of matches) if (!excluded(key)) mounts.set(`/${key}`, new Uint8Array(bundle[key]!));
    } else {
      const source = clean(entry.source);
      const destination = entry.destination.replace(/\/+$/, '') || '';
      if (!entry.destination.startsWith('/')) {
        throw new MountError(`component "${component.id}": files destination "${entry.destination}" must be an absolute path`);
      }
      const file = bundle[source];
      if (file) {
        mounts.set(destination || '/', new Uint8Array(file));
        continue;
      }
      const inside = available.filter((key) => source === '' || key.startsWith(`${source}/`));
      if (inside.length === 0) throw new MountError(`component "${component.id}": files source "${entry.source}" is not among the app's files`);
      for (const key of inside) {
        if (excluded(key)) continue;
        mounts.set(`${destination}/${source === '' ? key : key.slice(source.length + 1)}`, new Uint8Array(bundle[key]!));
      }
    }
  }
  return mounts;
}

/** A directory tree in the shape preview2-shim's in-memory filesystem takes. */
export type FileTree = { dir: Record<string, FileTree | { source: Uint8Array }> };

export function toFileTree(mounts: Map<string, Uint8Array>): FileTree {
  const root: FileTree = { dir: {} };
  for (const [path, bytes] of mounts) {
    const parts = path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) setOwn(node.dir, part, { source: bytes });
      else {
        const next = getOwn(node.dir, part);
        if (next && 'dir' in next) node = next;
        else {
          const made: FileTree = { dir: {} };
          setOwn(node.dir, part, made);
          node = made;
        }
      }
    });
  }
  return root;
}
