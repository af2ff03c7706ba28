// "Someone may already offer this": a non-blocking hint while a listing is written.
(function () {
  const form = document.querySelector("form[data-similar-url]");
  if (!form) return;
  const title = form.querySelector("[name=title]");
  const summary = form.querySelector("[name=summary]");
  const hint = document.getElementById("similar-hint");
  if (!title || !summary || !hint) return;
  let timer = null;
  let last = "";
  function check() {
    if (title.value.trim().length < 3 || summary.value.trim().length < 3) return;
    const params = new URLSearchParams({ title: title.value, summary: summary.value });
    const query = params.toString();
    if (query === last) return;
    last = query;
    fetch(form.dataset.similarUrl + "?" + query, { headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { hint.innerHTML = html; })
      .catch(function () { /* a hint only: stay quiet */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(check, 500); }
  title.addEventListener("input", later);
  summary.addEventListener("input", later);
  summary.addEventListener("blur", check);
})();
