// Where a batch's input file is, from what its metadata recorded: a folder name and a path relative to it.
import * as path from 'path';

/** Metadata key naming the workspace folder the input file is in (multi-root workspaces have several). */
export const INPUT_FOLDER_METADATA_KEY = 'input_folder';

export interface FolderRef {
  readonly name: string;
  /** Absolute file-system path of the folder. */
  readonly path: string;
}

/** A relative path that stays inside its folder, or undefined. */
function safeSegments(relative: string): string[] | undefined {
  if (!relative || relative.startsWith('/') || /^[a-zA-Z]:/.test(relative) || relative.startsWith('\\')) return undefined;
  const segments = relative.split(/[\\/]+/).filter((s) => s && s !== '.');
  return segments.length && !segments.includes('..') ? segments : undefined;
}

/**
 * Absolute paths the input may be at, best first: in the folder the metadata names, then in the other
 * folders (the same project opened with another layout, or metadata from before folders were recorded).
 */
export function inputFileCandidates(relative: string | undefined, folderName: string | undefined, folders: readonly FolderRef[]): string[] {
  const segments = relative ? safeSegments(relative) : undefined;
  if (!segments) return [];
  const named = folderName ? folders.filter((f) => f.name === folderName) : [];
  const ordered = [...named, ...folders.filter((f) => !named.includes(f))];
  return ordered.map((f) => path.join(f.path, ...segments));
}

/**
 * What the CLI records, the same fields as the editor: the current directory stands for the workspace folder (a
 * person runs it in the project they open in VS Code), so the Batches view finds the file again.
 */
export function cliInputMetadata(file: string, cwd: string): { input_file: string; input_folder?: string } {
  return inputFileMetadata(path.resolve(cwd, file), [{ name: path.basename(cwd), path: cwd }]);
}

/** What to record for a file: its folder's name and the path inside it, or just the name outside every folder. */
export function inputFileMetadata(filePath: string, folders: readonly FolderRef[]): { input_file: string; input_folder?: string } {
  // The innermost folder wins when folders nest.
  const containing = folders
    .filter((f) => {
      const rel = path.relative(f.path, filePath);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    })
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!containing) return { input_file: path.basename(filePath) };
  return { input_file: path.relative(containing.path, filePath).split(path.sep).join('/'), input_folder: containing.name };
}
