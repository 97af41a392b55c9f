// "Your data"'s drop zone: files dropped on it, and the files inside dropped folders (an OMOP
// CDM export is often a folder of table files), walked with the browser's FileSystemEntry API.

// Every file of a drop: folders walked to the files inside; plain files as they are. The entries
// are taken before the first await (a drop's items are valid only during its event).
async function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.some((e) => e.isDirectory)) return [...(dataTransfer?.files ?? [])];
  const out = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      out.push(await new Promise((ok, fail) => entry.file(ok, fail)));
      return;
    }
    const reader = entry.createReader();
    for (;;) { // readEntries answers in batches until an empty one
      const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
      if (!batch.length) return;
      for (const e of batch) await walk(e);
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

/** Calls `take(files)` with the files (and folders' files) dropped on `zone`; `onError(e)` when
 * a folder cannot be read. */
export function wireDropZone(zone, take, onError) {
  const stop = (e) => {
    e.preventDefault();
    e.stopPropagation();
  };
  for (const type of ['dragenter', 'dragover']) zone.addEventListener(type, (e) => { stop(e); zone.classList.add('over'); });
  zone.addEventListener('dragleave', (e) => { stop(e); zone.classList.remove('over'); });
  zone.addEventListener('drop', (e) => {
    stop(e);
    zone.classList.remove('over');
    droppedFiles(e.dataTransfer).then((files) => files.length && take(files), onError);
  });
}
