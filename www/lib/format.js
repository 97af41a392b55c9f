// Number formats shared by the tables and progress lines.

// Formats a number with fixed decimals, or "–".
export function fmt(value, digits) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

// Formats an integer with thousands separators ("20,000"); plain string work, because the
// first toLocaleString call loads locale data and can hold the main thread for ~50 ms.
export function fmtInt(value) {
  const n = Math.round(Number(value));
  if (!Number.isFinite(n)) return '–';
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
