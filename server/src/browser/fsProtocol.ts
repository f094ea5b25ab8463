// Requests the browser language server sends to the VS Code client, which answers them with the
// VS Code file system API (vscode.workspace.fs, vscode.workspace.findFiles): a web worker has no disk,
// and the workspace may live anywhere a file system provider serves (GitHub for github.dev, the
// browser's own storage, a test server). URIs are those of the workspace; texts are UTF-8 decoded.

/** `{ uri }` → the file's text, or null when it does not exist, cannot be read or lies outside the workspace folders. */
export const READ_FILE_REQUEST = 'gohazard/fs/readFile';
export interface ReadFileParams {
  uri: string;
}

/**
 * `{ uri, maxBytes }` → the file's bytes as base64 (`{ base64 }`), `{ tooLarge: size }` when it holds
 * more than maxBytes, or null when it does not exist, cannot be read or lies outside the workspace
 * folders. For CPU profiles, which are binary.
 */
export const READ_BINARY_FILE_REQUEST = 'gohazard/fs/readBinaryFile';
export interface ReadBinaryFileParams {
  uri: string;
  maxBytes: number;
}
export type ReadBinaryFileResult = { base64: string } | { tooLarge: number } | null;

/** `{ uri }` → the names of a directory's entries, or null. */
export const READ_DIRECTORY_REQUEST = 'gohazard/fs/readDirectory';
export interface ReadDirectoryParams {
  uri: string;
}

/** `{ include, exclude }` → the URIs of the workspace's files that match (vscode.workspace.findFiles). */
export const FIND_FILES_REQUEST = 'gohazard/fs/findFiles';
export interface FindFilesParams {
  include: string;
  /** A glob of files and folders not to list; none: every file, whatever files.exclude says. */
  exclude?: string;
}

/** What the browser client sends as initializationOptions. */
export interface BrowserInitializationOptions {
  trusted?: boolean;
  /** The grammar's WASM files, base64: the worker cannot read the extension's files itself. */
  grammar: { language: string; runtime: string };
}
