window.__reportErrors = [];
(function () {
  'use strict';
  function show(msg) {
    window.__reportErrors.push(String(msg));
    var el = document.getElementById('report-errors');
    if (el) { el.hidden = false; el.textContent += msg + '\n'; }
    var st = document.getElementById('report-status');
    if (st) { st.setAttribute('data-state', 'error'); }
  }
  window.__reportError = show;
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) { show('failed to load ' + (t.src || t.href)); }
    else { show('error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')'); }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { show('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    show('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
