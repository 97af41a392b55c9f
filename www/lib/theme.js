// Light or dark colours. Without a stored choice the page follows the system
// (`prefers-color-scheme`, handled by style.css alone); the toggle button stores the reader's
// choice in localStorage and marks it on <html data-theme="light|dark">.

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
