// Light or dark colours. Without a stored choice the page follows the system
// (`prefers-color-scheme`, handled by style.css alone); the toggle button stores the reader's
// choice in localStorage and marks it on <html data-theme="light|dark">.

/** The modalities' colours in every chart, the Rust ones' too (src/plot/alignment.rs):
 * Okabe-Ito blue for codes and vermillion for CUIs, as [r, g, b]. */
export const MODALITY_RGB = Object.freeze({ code: Object.freeze([0, 114, 178]), cui: Object.freeze([213, 94, 0]) });

/** A colour [r, g, b] as CSS. */
export const cssRgb = ([r, g, b]) => `rgb(${r},${g},${b})`;

/** localStorage key of the reader's choice ("light" or "dark"). */
export const THEME_KEY = 'claime-theme';

const system = matchMedia('(prefers-color-scheme: dark)');
let choice = readChoice(); // "light", "dark" or null (follow the system)

// The stored choice, or null; storage may be unavailable (then nothing is remembered).
function readChoice() {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

// The theme in force: the reader's choice, else the system's.
export function currentTheme() {
  return choice ?? (system.matches ? 'dark' : 'light');
}

// Marks the page with the choice (or none) and updates the button's pressed state.
function apply(button) {
  if (choice) document.documentElement.dataset.theme = choice;
  else delete document.documentElement.dataset.theme;
  button?.setAttribute('aria-pressed', String(currentTheme() === 'dark'));
}

// Switches to the other theme and remembers it.
function toggle(button) {
  choice = currentTheme() === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(THEME_KEY, choice);
  } catch {
    // private mode or storage disabled: applied for this visit only
  }
  apply(button);
}

// Wires the dark-mode toggle button (aria-pressed = dark) and follows system changes.
export function createTheme(button) {
  apply(button);
  button?.addEventListener('click', () => toggle(button));
  system.addEventListener('change', () => apply(button));
}

createTheme(document.getElementById('theme-toggle'));
