// The page's own sample data (www/sample/, README.md there): the simulated cohort with its
// known pairs, and the Eunomia cohort; and how a pairs file is told from the data files.

/** The files of each sample. */
const SAMPLES = Object.freeze({ sample: ['sample.summary.json', 'sample.pairs.csv'], eunomia: ['eunomia.summary.json'] });

/** What each sample is, said beside its results (www/sample/README.md). */
export const SAMPLE_NOTES = Object.freeze({
  sample: 'The sample is simulated from the paper’s model: its feature names and known pairs are fictional labels, not clinical facts.',
  eunomia: 'Eunomia’s patients are synthetic (Synthea), recorded in the OMOP CDM with real concept names.',
});

// The files of sample `which` ("sample" or "eunomia"), fetched from the page's own files.
export async function sampleFiles(which) {
  return Promise.all(SAMPLES[which].map(async (name) => {
    const r = await fetch(new URL(`../sample/${name}`, import.meta.url));
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return new File([await r.blob()], name);
  }));
}

// Whether a text file is a pairs file (its header names feature_a).
export async function isPairs(file) {
  const head = (await file.slice(0, 512).text()).split(/\r?\n/, 1)[0].toLowerCase();
  return /^\s*"?feature_a"?\s*[,\t]/.test(head);
}
