'use strict';
// The uploads page: every value from a file or a job is put in the page as text (textContent), never as markup.
// The key lives in this tab's sessionStorage only and travels in POST bodies, never in a URL.

const PREVIEW_BYTES = 256 * 1024;
const CHUNK_BYTES = 8 * 1024 * 1024; // a multiple of 256 KiB, as Cloud Storage's resumable uploads need
const $ = (id) => document.getElementById(id);
let listToken = null;
let refreshTimer = null;
// Objects uploaded from this page whose import has not shown in the list yet: Cloud Storage answers the upload before
// Eventarc has delivered its event to the trigger, so the list keeps refreshing until each one's job is there.
const awaitingJobs = new Map();
const AWAIT_JOB_MS = 120000;
let detail = null;

function session() {
  const appId = sessionStorage.getItem('appId');
  return appId ? { appId, clientKey: sessionStorage.getItem('clientKey'), email: sessionStorage.getItem('email') } : null;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function call(action, parameters) {
  const s = session();
  const body = Object.assign({ action, appId: s.appId, clientKey: s.clientKey }, parameters || {});
  const response = await fetch('/api', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store',
  });
  let element;
  try {
    element = (await response.json()).response[0];
  } catch (e) {
    throw new ApiError(response.status, 'the API answered ' + response.status + ' without its JSON envelope');
  }
  if (!element.success) {
    throw new ApiError(response.status, element.error ? element.error.message : 'the call failed');
  }
  return element;
}

function show(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// --- Sign in ---

async function signIn(event) {
  event.preventDefault();
  sessionStorage.setItem('appId', $('appId').value.trim());
  sessionStorage.setItem('clientKey', $('clientKey').value.trim());
  sessionStorage.setItem('email', $('email').value.trim());
  try {
    await call('listJobs', { limit: '1' });
  } catch (e) {
    sessionStorage.clear();
    show($('signInError'), e.message);
    return;
  }
  $('clientKey').value = '';
  show($('signInError'), '');
  enter();
}

function enter() {
  const s = session();
  $('signInPanel').hidden = true;
  $('appPanel').hidden = false;
  $('who').hidden = false;
  $('who').textContent = s.email + ' · ' + s.appId;
  $('signOut').hidden = false;
  loadUploads(true);
}

function signOut() {
  sessionStorage.clear();
  location.reload();
}

// --- Preview ---

function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function shownValue(td, value) {
  if (value == null) {
    td.classList.add('unchanged');
    td.textContent = '—';
    td.title = 'empty: leaves the value unchanged';
    return;
  }
  if (value.type === 'remove') {
    td.classList.add('remove');
    td.textContent = 'null (remove)';
    return;
  }
  const shown = Array.isArray(value.value) ? '[' + value.value.join(', ') + ']' : String(value.value);
  td.textContent = shown + ' ';
  const type = document.createElement('span');
  type.className = 'type';
  type.textContent = '(' + value.type + ')';
  td.appendChild(type);
}

/**
 * The file's first PREVIEW_BYTES of CSV: a gzip-compressed file (told by its first two bytes, as the
 * import tells it) is decompressed in the browser as far as that.
 */
async function firstPart(file) {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    return { bytes: new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer()), partial: file.size > PREVIEW_BYTES };
  }
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const bytes = new Uint8Array(PREVIEW_BYTES);
  let length = 0;
  while (length < PREVIEW_BYTES) {
    const { done, value } = await reader.read();
    if (done) return { bytes: bytes.subarray(0, length), partial: false };
    const take = Math.min(value.length, PREVIEW_BYTES - length);
    bytes.set(value.subarray(0, take), length);
    length += take;
    if (take < value.length) break;
  }
  reader.cancel();
  return { bytes, partial: true };
}

// What the open file's columns are read as: by a column's header in the file, the header to read it as. Null until
// the file's first preview has proposed one.
let mapping = null;
let filePart = null;

async function chooseFile() {
  const file = $('file').files[0];
  show($('uploadError'), '');
  mapping = null;
  filePart = null;
  if (!file) return;
  $('importName').value = file.name;
  filePart = await firstPart(file);
  await preview();
}

function mappingParameter() {
  return mapping && Object.keys(mapping).length > 0 ? JSON.stringify(mapping) : null;
}

// Each change of the mapping asks for a preview; only the answer to the latest one is shown.
let previewsAsked = 0;

async function preview() {
  if (!filePart) return;
  const proposing = mapping === null;
  const asked = ++previewsAsked;
  let answer;
  try {
    const parameters = {
      csv: base64(filePart.bytes), partial: String(filePart.partial), defaultAction: $('defaultAction').value,
    };
    if (mappingParameter()) parameters.mapping = mappingParameter();
    answer = await call('preview', parameters);
  } catch (e) {
    if (asked !== previewsAsked) return;
    show($('uploadError'), e.message);
    $('upload').disabled = true;
    $('dryRun').disabled = true;
    return;
  }
  if (asked !== previewsAsked) return;
  show($('uploadError'), '');
  if (proposing) {
    mapping = answer.proposedMapping;
    showMapping(answer);
    if (mappingParameter()) {
      await preview();
      return;
    }
  }
  showPreview(answer);
}

// --- Column mapping ---

const USER_KEYS = ['userId', 'identity', 'objectId'];
const FIELDS = [
  ['userId', 'user key'], ['attribute', 'attribute'], ['event', 'event name'], ['time', 'event time'],
  ['value', 'event value'], ['currencyCode', 'event currency code'], ['info', 'event info'],
  ['param', 'event parameter'], ['deviceId', 'device id'], ['device', 'device field'],
  ['created', 'when the user was created'], ['lastActive', 'when the user was last active'],
  ['action', "the row's action"], ['ignore', 'ignored'],
];
const NAMED = ['attribute', 'param'];

/** What a header read as {@code target} is, in the mapping's terms. */
function fieldOf(target, deviceFields) {
  if (target == null) return { field: 'header' };
  if (target.startsWith('#')) return { field: 'ignore' };
  if (USER_KEYS.includes(target)) return { field: 'userId' };
  if (FIELDS.some(([field]) => field === target && !NAMED.includes(field) && field !== 'device')) {
    return { field: target };
  }
  if (deviceFields.includes(target)) return { field: 'device', name: target };
  let field = 'attribute';
  let rest = target;
  if (rest.startsWith('params.')) {
    field = 'param';
    rest = rest.slice('params.'.length);
  }
  const typed = /^(.*?)\s*<([^>]*)>$/.exec(rest);
  return typed ? { field, name: typed[1], type: typed[2] } : { field, name: rest, type: '' };
}

/** The header a column of the file is read as, or null to read it as its header says. */
function targetOf(header, chosen) {
  const typed = (name) => name + (chosen.type ? '<' + chosen.type + '>' : '');
  switch (chosen.field) {
    case 'header': return null;
    case 'ignore': return '#' + header;
    case 'attribute': return typed(chosen.name);
    case 'param': return 'params.' + typed(chosen.name);
    case 'device': return chosen.name;
    default: return chosen.field;
  }
}

function option(select, value, text) {
  const choice = document.createElement('option');
  choice.value = value;
  choice.textContent = text;
  select.appendChild(choice);
  return choice;
}

/** One select, one name and one type per column of the file, set to the proposed mapping. */
function showMapping(answer) {
  const body = $('mappingTable').tBodies[0];
  body.replaceChildren();
  $('mappingPanel').hidden = answer.fileHeader.length === 0;
  answer.fileHeader.forEach((raw) => {
    const header = raw.trim();
    const chosen = fieldOf(mapping[header], answer.deviceFields);
    const tr = body.insertRow();
    tr.dataset.header = header;
    cell(tr, header);
    const field = document.createElement('select');
    field.className = 'field';
    field.setAttribute('aria-label', 'read ' + header + ' as');
    option(field, 'header', 'as its header says');
    FIELDS.forEach(([value, text]) => option(field, value, text));
    field.value = chosen.field;
    const name = document.createElement('input');
    name.className = 'name';
    name.setAttribute('aria-label', 'name for ' + header);
    name.value = chosen.name || header;
    const device = document.createElement('select');
    device.className = 'device';
    device.setAttribute('aria-label', 'device field for ' + header);
    answer.deviceFields.forEach((f) => option(device, f, f));
    if (chosen.field === 'device') device.value = chosen.name;
    const type = document.createElement('select');
    type.className = 'type';
    type.setAttribute('aria-label', 'type of ' + header);
    option(type, '', 'as its values say');
    answer.types.forEach((t) => option(type, t, t));
    type.value = chosen.type || '';
    cell(tr, '').appendChild(field);
    cell(tr, '').append(name, device);
    cell(tr, '').appendChild(type);
    const shown = () => {
      name.hidden = !NAMED.includes(field.value);
      type.hidden = !NAMED.includes(field.value);
      device.hidden = field.value !== 'device';
    };
    shown();
    const changed = () => {
      shown();
      const target = targetOf(header, {
        field: field.value, name: field.value === 'device' ? device.value : name.value.trim(), type: type.value,
      });
      if (target == null) delete mapping[header]; else mapping[header] = target;
      preview();
    };
    field.addEventListener('change', changed);
    name.addEventListener('change', changed);
    device.addEventListener('change', changed);
    type.addEventListener('change', changed);
  });
}

// --- Preview ---

function showPreview(answer) {
  $('previewPanel').hidden = false;
  const table = $('previewTable');
  table.replaceChildren();
  const mapped = mappingParameter() ? 'With the columns read as mapped, this file cannot be imported: '
      : 'This file cannot be imported: ';
  show($('fileFailure'), answer.fileFailure ? mapped + answer.fileFailure : '');
  $('upload').disabled = Boolean(answer.fileFailure);
  $('dryRun').disabled = Boolean(answer.fileFailure);
  if (answer.fileFailure) {
    $('previewSummary').textContent = '';
    return;
  }
  const failed = answer.rows.filter((r) => r.status === 'failed').length;
  $('previewSummary').textContent = 'First ' + answer.rows.length + ' of ' + answer.rowsInPart + ' rows'
      + (answer.partial ? ' in the first 256 KiB' : '') + ', as they would be applied: ' + failed + ' would fail.';
  const head = table.createTHead().insertRow();
  cell(head, 'Row');
  answer.columns.forEach((column, i) => {
    const th = document.createElement('th');
    const own = (answer.fileHeader[i] || column.header).trim();
    th.textContent = own;
    if (own !== column.header.trim()) {
      const readAs = document.createElement('small');
      readAs.textContent = 'read as ' + column.header;
      th.appendChild(readAs);
    }
    const meaning = document.createElement('small');
    meaning.textContent = column.meaning;
    th.appendChild(meaning);
    head.appendChild(th);
  });
  cell(head, 'Problem');
  const body = table.createTBody();
  for (const row of answer.rows) {
    const tr = body.insertRow();
    tr.className = row.status;
    cell(tr, row.row);
    const problem = row.problem;
    answer.columns.forEach((column, i) => {
      const td = cell(tr, '');
      if (row.status !== 'failed') {
        shownValue(td, row.values[i]);
        return;
      }
      // A failed row shows what it holds, so that a person sees what to fix; the cell at fault is marked.
      td.textContent = row.cells[i] == null ? '' : row.cells[i];
      if (problem && problem.column === column.header) {
        td.classList.add('bad');
        td.title = problem.message;
      }
    });
    cell(tr, problem ? (problem.column ? problem.column + ': ' : '') + problem.message : '', 'problem');
  }
}

// --- Upload ---

function putChunk(url, file, start, end) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.setRequestHeader('Content-Range', 'bytes ' + start + '-' + (end - 1) + '/' + file.size);
    request.upload.onprogress = (e) => file.progress(start + e.loaded);
    request.onload = () => resolve(request.status);
    request.onerror = () => reject(new Error('the upload was interrupted'));
    request.send(file.blob.slice(start, end));
  });
}

async function upload(event, dryRun) {
  event.preventDefault();
  const blob = $('file').files[0];
  if (!blob) return;
  if (!$('uploadForm').reportValidity()) return;
  const what = dryRun ? 'Checking ' : 'Uploading ';
  show($('uploadError'), '');
  let grant;
  try {
    grant = await call('uploadUrl', {
      name: $('importName').value, uploadedBy: session().email, defaultAction: $('defaultAction').value,
      createDisposition: $('createDisposition').value,
      dryRun: dryRun ? 'true' : 'false',
      fileName: blob.name,
      ...(mappingParameter() ? { mapping: mappingParameter() } : {}),
    });
  } catch (e) {
    show($('uploadError'), e.message);
    return;
  }
  const item = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = what + $('importName').value + ' ';
  const bar = document.createElement('progress');
  bar.max = blob.size || 1;
  bar.value = 0;
  item.append(label, bar);
  $('uploadsInFlight').appendChild(item);
  const file = { blob, size: blob.size, progress: (n) => { bar.value = n; } };
  try {
    const started = await fetch(grant.url, { method: 'POST', headers: grant.headers });
    const location = started.headers.get('Location');
    if (!started.ok || !location) throw new Error('the upload could not start (' + started.status + ')');
    let start = 0;
    do {
      const end = Math.min(start + CHUNK_BYTES, blob.size);
      const status = await putChunk(location, file, start, end);
      if (status !== 308 && (status < 200 || status > 201)) throw new Error('the upload failed (' + status + ')');
      start = end;
    } while (start < blob.size);
    label.textContent = 'Uploaded ' + $('importName').value + ' ';
    bar.value = bar.max;
    setTimeout(() => item.remove(), 3000);
    awaitingJobs.set(grant.object, Date.now() + AWAIT_JOB_MS);
    loadUploads(true);
  } catch (e) {
    label.textContent = 'Upload of ' + $('importName').value + ' failed: ' + e.message + ' ';
  }
}

// --- Uploads list ---

function when(seconds) {
  return seconds == null ? '' : new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

const STATUS = {
  PENDING: 'Pending', RUNNING: 'Running', CANCELLING: 'Cancelling', FINISHED: 'Finished', FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};
const COUNTED = ['FINISHED', 'CANCELLED'];

async function loadUploads(fromStart) {
  if (fromStart) listToken = null;
  let answer;
  try {
    answer = await call('listJobs', listToken ? { limit: '20', pageToken: listToken } : { limit: '20' });
  } catch (e) {
    show($('uploadError'), e.message);
    return;
  }
  const body = $('uploads').tBodies[0];
  if (fromStart) body.replaceChildren();
  let running = false;
  for (const job of answer.jobs) {
    awaitingJobs.delete(job.file);
    const tr = body.insertRow();
    tr.className = 'job';
    tr.dataset.jobId = job.jobId;
    const name = cell(tr, job.name);
    if (job.dryRun) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'dry run';
      name.append(' ', badge);
    }
    cell(tr, when(job.createdAt));
    cell(tr, job.uploadedBy);
    const status = cell(tr, STATUS[job.state] || job.state, 'status-' + job.state);
    cell(tr, COUNTED.includes(job.state) ? job.failuresCount : '');
    cell(tr, COUNTED.includes(job.state) ? job.successesCount : '');
    if (job.state === 'PENDING' || job.state === 'RUNNING' || job.state === 'CANCELLING') {
      running = true;
      if (job.progress) showProgress(job.progress, status, tr);
      if (job.state !== 'CANCELLING') status.append(' ', cancelButton(job));
    } else if (job.state === 'CANCELLED') {
      status.append(' (stopped on request: what was applied stays, nothing more was applied)');
    } else if (job.state === 'FAILED') {
      status.textContent = 'Failed: ' + job.reason;
    } else if (job.state === 'FINISHED' && job.skippedCount > 0) {
      status.append(' (' + job.skippedCount + ' skipped: users not found, an update-only import)');
    }
    if (job.dryRun && job.state === 'FINISHED') status.append(' (dry run: nothing was written)');
    tr.addEventListener('click', () => openJob(job));
  }
  listToken = answer.nextPageToken || null;
  $('morePages').hidden = !listToken;
  for (const [object, until] of awaitingJobs) {
    if (Date.now() > until) awaitingJobs.delete(object);
  }
  clearTimeout(refreshTimer);
  if (running || awaitingJobs.size > 0) refreshTimer = setTimeout(() => loadUploads(true), 2000);
}

// A running import's Cancel: it stops at a chunk boundary, keeping what was applied.
function cancelButton(job) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'cancel';
  button.textContent = 'Cancel';
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    if (!confirm('Cancel ' + job.name + '? Rows applied so far stay applied; no more are.')) return;
    try {
      await call('cancelJob', { jobId: job.jobId });
    } catch (e) {
      show($('uploadError'), e.message);
    }
    loadUploads(true);
  });
  return button;
}

function showProgress(progress, status, tr) {
  const bar = document.createElement('progress');
  bar.max = Math.max(progress.rowsRead, 1);
  bar.value = progress.rowsApplied + progress.rowsFailed;
  status.append(' ', bar, ' ' + progress.rowsApplied + ' applied, ' + progress.rowsFailed + ' failed');
  if (progress.waiting) status.append(' (waiting for a retry: ' + progress.waiting + ')');
  tr.cells[4].textContent = progress.rowsFailed;
}

// --- One import's failed and warned rows ---

async function openJob(job) {
  detail = { job, offset: 0 };
  $('jobDetail').hidden = false;
  $('jobTitle').textContent = job.name;
  $('jobNotice').hidden = true;
  if (['FINISHED', 'FAILED', 'CANCELLED'].includes(job.state)) showNotice(detail);
  $('resultsTable').tBodies[0].replaceChildren();
  $('moreResults').hidden = true;
  $('download').hidden = !job.results;
  $('downloadFailed').hidden = !job.failedRows;
  $('importChecked').hidden = !(job.dryRun && job.state === 'FINISHED');
  show($('importCheckedError'), '');
  if (job.state === 'CANCELLED') {
    $('jobSummary').textContent = 'Cancelled: ' + job.successesCount + ' rows applied and ' + job.failuresCount
        + ' failed before it stopped; no row was applied after.'
        + (job.results ? ' Failed rows and rows with a warning among them:' : '');
    if (job.results) await moreResults();
    return;
  }
  if (job.state !== 'FINISHED') {
    $('jobSummary').textContent = job.state === 'FAILED' ? 'This import failed as a whole: nothing of it was applied.'
        : 'This import has not finished yet.';
    return;
  }
  $('jobSummary').textContent = (job.dryRun
      ? 'Dry run, nothing written: ' + job.successesCount + ' rows would apply, '
      : job.successesCount + ' rows applied, ') + job.failuresCount
      + ' failed. Failed rows and rows with a warning:';
  await moreResults();
  $('jobDetail').scrollIntoView();
}

// How the import's end was told (the job-events topic, the app's webhook), read fresh; looked at again every
// 2 seconds while it is not yet told and the same import stays open.
async function showNotice(opened) {
  for (let look = 0; look < 30 && detail === opened; look++) {
    let notice;
    try {
      notice = (await call('getMultiResults', { jobId: opened.job.jobId })).notice;
    } catch (e) {
      return;
    }
    if (detail !== opened) return;
    $('jobNotice').textContent = noticeText(notice);
    $('jobNotice').hidden = false;
    const pending = !notice || notice.publishedAt === null
        || (notice.webhook && notice.webhook.deliveredAt === null && !notice.webhook.gaveUp);
    if (!pending) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function noticeText(notice) {
  if (!notice || notice.publishedAt === null) {
    return 'Its end is not told yet (the job-events topic, the app\'s webhook): it will be within a minute.';
  }
  const told = 'Told when it ended: published on the job-events topic';
  const webhook = notice.webhook;
  if (!webhook) return told + '; the app has no webhook.';
  const attempts = webhook.attempts + (webhook.attempts === 1 ? ' attempt' : ' attempts');
  if (webhook.deliveredAt !== null) {
    return told + ' and delivered to the webhook ' + webhook.url + ' (' + attempts + ').';
  }
  if (webhook.gaveUp) {
    return told + '; the webhook ' + webhook.url + ' was not reached after ' + attempts + ' (last: '
        + webhook.lastResult + ').';
  }
  return told + '; the webhook ' + webhook.url + ' has not answered yet (' + attempts + ', last: '
      + webhook.lastResult + '); next try ' + when(webhook.nextAttemptAt) + '.';
}

async function moreResults() {
  const answer = await call('results', { jobId: detail.job.jobId, offset: String(detail.offset), limit: '50' });
  const body = $('resultsTable').tBodies[0];
  for (const line of answer.lines) {
    const tr = body.insertRow();
    tr.className = line.status === 'failed' ? 'failed' : 'warning';
    [line.row, line.line, line.userId, line.status, line.column, line.value, line.message]
        .forEach((v) => cell(tr, v));
  }
  detail.offset = answer.nextOffset || 0;
  $('moreResults').hidden = !answer.nextOffset;
}

async function download() {
  const lines = [];
  let offset = 0;
  do {
    const answer = await call('results', { jobId: detail.job.jobId, offset: String(offset), limit: '500' });
    answer.lines.forEach((line) => lines.push(JSON.stringify(line)));
    offset = answer.nextOffset || 0;
  } while (offset);
  saveAs(new Blob([lines.join('\n') + '\n'], { type: 'application/x-ndjson' }), detail.job.jobId + '.jsonl');
}

function saveAs(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// After a dry run: the same object, imported for real, with the same choices; no second upload.
async function importChecked() {
  const job = detail.job;
  try {
    await call('multi', {
      createJob: 'true', gcsBucket: job.bucket, file: job.file, defaultAction: job.action || '',
      createDisposition: job.createDisposition, name: job.name, uploadedBy: session().email,
      ...(job.mapping ? { mapping: JSON.stringify(job.mapping) } : {}),
    });
  } catch (e) {
    show($('importCheckedError'), e.message);
    return;
  }
  $('importChecked').hidden = true;
  loadUploads(true);
}

// The failed rows as a CSV to fix and upload again, fetched in parts.
async function downloadFailed() {
  const parts = [];
  let offset = 0;
  let fileName = 'failed.csv';
  do {
    const answer = await call('failedRows', { jobId: detail.job.jobId, offset: String(offset) });
    parts.push(Uint8Array.from(atob(answer.bytes), (c) => c.charCodeAt(0)));
    fileName = answer.fileName;
    offset = answer.nextOffset || 0;
  } while (offset);
  saveAs(new Blob(parts, { type: 'text/csv' }), fileName);
}

document.addEventListener('DOMContentLoaded', () => {
  $('signInForm').addEventListener('submit', signIn);
  $('signOut').addEventListener('click', signOut);
  $('file').addEventListener('change', chooseFile);
  $('defaultAction').addEventListener('change', preview);
  $('uploadForm').addEventListener('submit', (e) => upload(e, false));
  $('dryRun').addEventListener('click', (e) => upload(e, true));
  $('morePages').addEventListener('click', () => loadUploads(false));
  $('moreResults').addEventListener('click', moreResults);
  $('download').addEventListener('click', download);
  $('downloadFailed').addEventListener('click', downloadFailed);
  $('importChecked').addEventListener('click', importChecked);
  if (session()) enter();
});
