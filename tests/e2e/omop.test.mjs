// OMOP CDM tables in "Your data": the fixture's table files (one gzipped, gunzipped in the page)
// chosen with the domains set in the page give a summary whose download is, byte for byte, the
// file `claime summarize --omop` writes from the same files; bad tables are named FILE:LINE:COLUMN
// in the status and the page keeps working; the Eunomia sample fits and its inspector lists
// clinical names. Nothing leaves the origin. Uses the system Chromium (see helpers.mjs).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureCli } from './cli.mjs';
import { checkClean, download, openPage } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'tests', 'data', 'omop');
const TIMEOUT = 90_000;

const env = useBrowser();

// A copy of the fixture in a fresh folder, drug_exposure.tsv replaced by DRUG_EXPOSURE.tsv.gz.
function fixtureCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'claime-omop-e2e-'));
  for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(dir, f));
  writeFileSync(join(dir, 'DRUG_EXPOSURE.tsv.gz'), gzipSync(readFileSync(join(dir, 'drug_exposure.tsv'))));
  unlinkSync(join(dir, 'drug_exposure.tsv'));
  return dir;
}

// Runs `action` (which starts a load) and waits until the section is done or failed; returns
// [state, status text]. The state is cleared first, so an earlier run's "done" does not count.
async function settled(page, action) {
  await page.$eval('#data', (d) => { d.dataset.state = 'reset'; });
  await action();
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#data').dataset.state), null, { timeout: TIMEOUT });
  return [await page.getAttribute('#data', 'data-state'), await page.textContent('#data-status')];
}

test('OMOP tables in the page: the command line\'s summary, byte for byte; bad tables named', { timeout: 240_000 }, async () => {
  const cli = ensureCli();
  const dir = fixtureCopy();
  try {
    const out = join(dir, 'cli.summary.json');
    execFileSync(cli, ['summarize', '--omop', dir, '--codes', 'condition', '--cuis', 'drug,note_nlp', '--out', out], { stdio: 'pipe' });
    const files = readdirSync(dir).filter((f) => f !== 'cli.summary.json').map((f) => join(dir, f));
    assert.ok(files.some((f) => f.endsWith('.gz')), 'one table is gzipped');

    const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=60&d2=40&n=2000`);
    const origin = new URL(page.url()).origin;
    await page.selectOption('#data-omop-note_nlp', 'cuis');
    let [state, status] = await settled(page, () => page.setInputFiles('#data-files', files));
    assert.equal(state, 'done', `status: ${status}`);
    const info = await page.textContent('#data-info');
    assert.match(info, /condition_occurrence 312 rows, 310 tokens, 2 unmapped/, info);
    assert.match(info, /Codes: condition; CUIs: drug,note_nlp/, info);
    const got = await download(page, '#data-summary');
    assert.equal(got.name, 'omop.summary.json');
    assert.ok(got.bytes.equals(readFileSync(out)), 'the page\'s summary is the command line\'s, byte for byte');
    assert.ok(await page.locator('#data-scatter svg .code').count() > 0, 'the scatter is drawn');

    // A changed role reads the tables again: drugs alone as CUIs is the command line's default run.
    const out2 = join(dir, 'cli2.summary.json');
    execFileSync(cli, ['summarize', '--omop', dir, '--codes', 'condition', '--cuis', 'drug', '--out', out2], { stdio: 'pipe' });
    [state, status] = await settled(page, () => page.selectOption('#data-omop-note_nlp', ''));
    assert.match(await page.textContent('#data-info'), /CUIs: drug\./);
    assert.equal(state, 'done', `status: ${status}`);
    assert.ok((await download(page, '#data-summary')).bytes.equals(readFileSync(out2)), 'the second choice too');

    // Bad tables: a non-integer person id, then a missing table; each named in the status.
    const bad = readFileSync(join(dir, 'condition_occurrence.csv'), 'utf8').split('\n');
    bad[1] = bad[1].replace(/^(\d+),\d+,/, '$1,P1,');
    const badFile = join(dir, 'bad', 'condition_occurrence.csv');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(badFile, bad.join('\n'));
    [state, status] = await settled(page, () => page.setInputFiles('#data-files', [badFile, join(dir, 'DRUG_EXPOSURE.tsv.gz')]));
    assert.equal(state, 'error', status);
    assert.match(status, /condition_occurrence\.csv:2:2: person_id must be an integer, got 'P1'/);
    assert.equal(await page.locator('#data-results').isHidden(), true, 'nothing of the earlier data stays on screen');

    [state, status] = await settled(page, () => page.setInputFiles('#data-files', [join(dir, 'condition_occurrence.csv')]));
    assert.equal(state, 'error', status);
    assert.match(status, /drug_exposure\.csv: missing table; expected the export of drug_exposure/);

    // Two files of one table.
    [state, status] = await settled(page, () => page.setInputFiles('#data-files', [join(dir, 'condition_occurrence.csv'), badFile, join(dir, 'DRUG_EXPOSURE.tsv.gz')]));
    assert.equal(state, 'error', status);
    assert.match(status, /condition_occurrence: several exports of condition_occurrence \(condition_occurrence\.csv, condition_occurrence\.csv\); expected one/);

    // A .gz file that is not gzip.
    const notGzip = join(dir, 'bad', 'condition_occurrence.csv.gz');
    writeFileSync(notGzip, 'person_id,condition_concept_id\n1,2\n');
    [state, status] = await settled(page, () => page.setInputFiles('#data-files', [notGzip, join(dir, 'DRUG_EXPOSURE.tsv.gz')]));
    assert.equal(state, 'error', status);
    assert.match(status, /condition_occurrence\.csv\.gz: could not be read as gzip/);

    // And the page still works.
    [state, status] = await settled(page, () => page.setInputFiles('#data-files', files.filter((f) => !/note/.test(f))));
    assert.equal(state, 'done', `status: ${status}`);
    checkClean(seen, `${origin}/`);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder of tables, roles not chosen: the domains present are read, other files left out', { timeout: 120_000 }, async () => {
  const cli = ensureCli();
  const dir = fixtureCopy();
  try {
    const folder = join(dir, 'cdm');
    mkdirSync(folder);
    for (const f of ['concept.csv', 'condition_occurrence.csv', 'note.csv', 'note_nlp.csv']) copyFileSync(join(dir, f), join(folder, f));
    writeFileSync(join(folder, 'person.csv'), 'person_id,year_of_birth\n1,1970\n');
    writeFileSync(join(folder, 'README.txt'), 'an export of four tables\n');
    const out = join(dir, 'cli.summary.json');
    execFileSync(cli, ['summarize', '--omop', folder, '--codes', 'condition', '--cuis', 'note_nlp', '--out', out], { stdio: 'pipe' });

    const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=60&d2=40&n=2000`);
    const [state, status] = await settled(page, () => page.setInputFiles('#data-folder', folder));
    assert.equal(state, 'done', `status: ${status}`);
    const info = await page.textContent('#data-info');
    assert.match(info, /Codes: condition; CUIs: note_nlp\./, 'no drug table: note_nlp is the second modality');
    assert.match(info, /Not read .*person\.csv/, info);
    assert.match(info, /README\.txt/, info);
    assert.equal(await page.inputValue('#data-omop-drug'), '', 'the selects show the domains read');
    assert.equal(await page.inputValue('#data-omop-note_nlp'), 'cuis');
    assert.ok((await download(page, '#data-summary')).bytes.equals(readFileSync(out)), 'the command line\'s bytes');

    // Files dropped on the section (a synthetic drop: plain files, no folder entries).
    const dropped = ['condition_occurrence.csv', 'drug_exposure.tsv'].map((f) => [f, readFileSync(join(FIXTURE, f), 'utf8')]);
    const [dropState, dropStatus] = await settled(page, () => page.$eval('#data-drop', (zone, list) => {
      const dt = new DataTransfer();
      for (const [name, text] of list) dt.items.add(new File([text], name));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped));
    assert.equal(dropState, 'done', `status: ${dropStatus}`);
    assert.match(await page.textContent('#data-info'), /Codes: condition; CUIs: drug\. No concept table/);
    checkClean(seen, env.server.url);
    await page.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Eunomia sample: fitted, and the inspector lists clinical names', { timeout: 120_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=60&d2=40&n=2000`);
  const [state, status] = await settled(page, () => page.click('#data-sample-eunomia'));
  assert.equal(state, 'done', `status: ${status}`);
  assert.match(await page.textContent('#data-info'), /eunomia\.summary\.json.*2694 patients, 80 codes, 113 CUIs/);
  await page.fill('#data-feature', '80180 Osteoarthritis');
  await page.click('#data-inspector button[type=submit]');
  await page.waitForSelector('#data-inspector .inspector-tables table', { timeout: TIMEOUT });
  const names = await page.$$eval('#data-inspector .inspector-tables table:first-of-type tbody tr', (rows) => rows.map((r) => r.dataset.name));
  assert.equal(names.length, 10);
  for (const n of names) assert.match(n, /^\d+ [A-Za-z]/, `a concept id and a clinical name: ${n}`);
  assert.ok(names.some((n) => /Oral Tablet|Injection|Oral Solution/.test(n)), `drugs among the neighbours: ${names}`);
  checkClean(seen, env.server.url);
  await page.close();
});
