// The methods and trainers and their display names: the one table that the page's scripts and
// index.html's labels (filled at start by `fillMethodLabels`) take them from.

/** Every SVD method, in table order. */
export const METHODS = Object.freeze(['claime', 'concate', 'cl']);

/** The gradient-descent trainers that the experiments can run beside the methods. */
export const TRAINERS = Object.freeze(['claime-gd', 'cl-gd']);

/** Display names of the methods and trainers. */
export const LABELS = Object.freeze({
  claime: 'CLAIME', concate: 'Concate', cl: 'CL', 'claime-gd': 'CLAIME-GD', 'cl-gd': 'CL-GD',
});

// Fills every element marked data-method-label="name" (optionally data-label-suffix) with the
// table's name, so index.html names no method by hand.
export function fillMethodLabels(root = document) {
  for (const node of root.querySelectorAll('[data-method-label]')) {
    const name = LABELS[node.dataset.methodLabel] ?? node.dataset.methodLabel;
    node.textContent = `${name}${node.dataset.labelSuffix ?? ''}`;
  }
}
