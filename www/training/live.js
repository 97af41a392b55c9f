// The live view of the "Training" section: the latest numbers, the three line charts (loss,
// recovery error, distance to the SVD solution) and the alignment view, drawn at most once per
// animation frame from the states the worker answers.

import { $ } from '../lib/dom.js';
import { drawLine } from './chart.js';

/** Most points kept per chart (older ones are thinned). */
const MAX_POINTS = 1500;

/**
 * Builds the view; `onFrame()` runs in each animation frame that draws a new state, before the
 * drawing. Returns {reset(), add(point, alignment), showNumbers()}.
 */
export function createLive(onFrame) {
  // fresh: a state (point and alignment view) has arrived that is not drawn yet
  // noRecovery: the level √(2p) of an estimate unrelated to the truth, kept in the error chart
  const live = { points: [], alignment: null, fresh: false, queued: false, frames: 0, noRecovery: undefined };

  // The latest point's numbers as text (each element's data-value holds the full double). While
  // playing they change with the charts, in the animation frame; otherwise at once (so the
  // counter is final when the state says 'paused').
  function showNumbers() {
    const p = live.points[live.points.length - 1];
    if (!p) return;
    $('train-iter').textContent = String(p.iteration);
    for (const [id, x, text] of [
      ['train-loss', p.loss, p.loss.toPrecision(5)],
      ['train-error', p.error, p.error.toFixed(4)],
      ['train-dist', p.distance_to_svd, p.distance_to_svd.toFixed(4)],
    ]) {
      $(id).textContent = text;
      $(id).dataset.value = String(x);
    }
  }

  // Draws the latest state at the next animation frame: the numbers, the three line charts and
  // the alignment view, all changed within that frame's callback (so the page lays out once per
  // frame). `data-frames` counts the frames that showed a new state.
  function queueDraw() {
    if (live.queued) return;
    live.queued = true;
    requestAnimationFrame(() => {
      live.queued = false;
      const fresh = live.fresh;
      live.fresh = false;
      if (fresh) onFrame();
      showNumbers();
      $('train-chart-align').innerHTML = live.alignment ?? ''; // SVG text from our Rust code
      const lessonAlign = $('lesson-train-align'); // the lesson's alignment view, while training
      if (lessonAlign && !lessonAlign.hidden) lessonAlign.innerHTML = live.alignment ?? '';
      const floor = live.points.length ? live.points[live.points.length - 1].svd_error : undefined;
      drawLine($('train-chart-loss'), live.points, 'loss', { title: 'Loss against iterations' });
      drawLine($('train-chart-error'), live.points, 'error', {
        title: 'Recovery error against iterations', colour: '#c2410c', floor, ceiling: live.noRecovery,
      });
      drawLine($('train-chart-dist'), live.points, 'distance_to_svd', {
        title: 'Distance to the SVD solution against iterations', colour: '#15803d', log: true, ceiling: live.noRecovery,
      });
      if (fresh) {
        live.frames += 1;
        $('training').dataset.frames = String(live.frames);
      }
    });
  }

  return {
    // Forgets the points and the alignment view (a new trainer); the charts clear at the next
    // frame. noRecovery: the new trainer's √(2p).
    reset(noRecovery) {
      Object.assign(live, { points: [], alignment: null, fresh: false, noRecovery });
      queueDraw();
    },
    // Keeps an answer's point and alignment view for the next frame (only the latest answer
    // is drawn when several arrive within one frame).
    add(p, alignment) {
      if (alignment) live.alignment = alignment;
      if (!p) return;
      live.points.push(p);
      if (live.points.length > MAX_POINTS) live.points = live.points.filter((_, i) => i % 2 === 0 || i === live.points.length - 1);
      live.fresh = true;
      queueDraw();
    },
    showNumbers,
  };
}
