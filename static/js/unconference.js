// Vote and star buttons without a page reload. Without this script the same forms post and
// redirect back; with it they post with "Accept: application/json" and update in place.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function setPressed(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    const hidden = button.querySelector(".visually-hidden");
    button.textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
    if (hidden) button.appendChild(hidden);
  }

  function announce(form, text) {
    let live = document.getElementById("unconference-live");
    if (!live) {
      live = document.createElement("p");
      live.id = "unconference-live";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = text;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-enhance]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        const data = result.data;
        if (!result.ok) {
          announce(form, data.detail || "That did not work.");
          window.alert(data.detail || "That did not work.");
          return;
        }
        form.action = data.action;
        if (form.dataset.enhance === "vote") {
          setPressed(button, data.voted);
          button.classList.toggle("button-secondary", data.voted);
          const id = form.action.match(/sessions\/(\d+)\//)[1];
          document.querySelectorAll("[data-vote-count='" + id + "']").forEach(function (el) {
            el.textContent = data.vote_count;
          });
          document.querySelectorAll("[data-votes-left]").forEach(function (el) {
            el.textContent = data.votes_left;
          });
          announce(form, (data.voted ? "Voted. " : "Vote taken back. ") + data.votes_left + " votes left.");
        } else {
          setPressed(button, data.starred);
          announce(form, data.starred ? "Starred." : "Unstarred.");
        }
      })
      .catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });
})();
