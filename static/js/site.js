// Small niceties for every page. Each page works without them.
(function () {
  // A form that came back with errors: start keyboard and screen-reader users on the summary
  // that lists them (each entry links to its field).
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    // Following a link in the summary puts the cursor in that field, its label in view.
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      const label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  // Search filters: a long list on a phone pushes the results out of sight, so below the
  // two-column breakpoint the panel starts closed behind its "Filters" button.
  const filters = document.querySelector("details.filters-panel");
  if (filters && window.matchMedia) {
    const narrow = window.matchMedia("(max-width: 48rem)");
    const fit = function () { filters.open = !narrow.matches; };
    fit();
    narrow.addEventListener("change", fit);
  }
})();
