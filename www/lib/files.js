// Reading the user's files as text in a worker. A browser cannot hold a string of more than
// about 512 MiB (Chromium: 2^29 - 24 characters), and Blob.text() then returns "" rather than
// failing, so a big summary or pairs file would read as empty: such a file is refused by its
// size first, with a message that names it and says what to do instead.

/** The largest file read as one text, in bytes (a little under Chromium's string limit). */
export const MAX_TEXT_BYTES = 2 ** 29 - 2 ** 16;

const MiB = 2 ** 20;

// Why `file` ({name, size}) cannot be read as text, or null when it can.
export function textRefusal(file) {
  if (file.size <= MAX_TEXT_BYTES) return null;
  return `${file.name}: ${(file.size / MiB).toFixed(0)} MiB is more than this page can read as text `
    + `(at most ${Math.floor(MAX_TEXT_BYTES / MiB)} MiB); use the command line (claime merge, claime evaluate), `
    + 'which has no such limit, or split the file';
}

// The text of `file`, refused by size first (textRefusal); a non-empty file read as "" is
// refused too rather than taken for an empty one.
export async function readText(file) {
  const refusal = textRefusal(file);
  if (refusal) throw new Error(refusal);
  const text = await file.text();
  if (!text && file.size > 0) throw new Error(`${file.name}: could not be read as text (${file.size} bytes read as none)`);
  return text;
}
