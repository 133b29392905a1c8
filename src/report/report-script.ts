/**
 * The report's only script: the weight filter box and expand/collapse buttons. It reads names
 * from `data-name` attributes and holds no data of its own, so nothing from the history is ever
 * inside a script element. The page's Content-Security-Policy allows exactly this script (by
 * hash) and nothing else.
 */
import { createHash } from 'crypto';

export const REPORT_SCRIPT = `(function () {
  var box = document.getElementById('filter');
  var count = document.getElementById('shown');
  var sections = Array.prototype.slice.call(document.querySelectorAll('details.weight'));
  function apply() {
    var q = box.value.trim().toLowerCase();
    var shown = 0;
    sections.forEach(function (s) {
      var hit = q === '' || s.getAttribute('data-name').indexOf(q) !== -1;
      s.classList.toggle('hidden', !hit);
      if (hit) shown++;
    });
    count.textContent = shown + ' of ' + sections.length + ' weights';
  }
  function setOpen(open) {
    sections.forEach(function (s) { if (!s.classList.contains('hidden')) s.open = open; });
  }
  box.addEventListener('input', apply);
  document.getElementById('expand').addEventListener('click', function () { setOpen(true); });
  document.getElementById('collapse').addEventListener('click', function () { setOpen(false); });
  apply();
})();`;

/** The CSP source that allows the script above: `'sha256-...'`. */
export const REPORT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(REPORT_SCRIPT).digest('base64')}'`;
