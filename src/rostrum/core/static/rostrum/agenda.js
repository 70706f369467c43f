// Star buttons (templates/programme/_star.html), progressively enhanced.
// Signed in: a star is sent to /api/v1/me/agenda/ without leaving the page (the plain form is the fallback).
// Not signed in: stars are kept in this browser (localStorage) and handed to the API after signing in,
// then forgotten here. The script tag in base.html says whether the visitor is signed in.
(() => {
  "use strict";
  const KEY = "rostrum.agenda";
  const script = document.currentScript;
  const api = (script && script.dataset.api) || "/api/v1/me/agenda/";
  const signedIn = Boolean(script && script.dataset.signedIn === "1");

  const stored = () => {
    try {
      return new Set(JSON.parse(localStorage.getItem(KEY) || "[]"));
    } catch {
      return new Set();
    }
  };
  const keep = (stars) => {
    try {
      if (stars.size) localStorage.setItem(KEY, JSON.stringify([...stars]));
      else localStorage.removeItem(KEY);
    } catch {
      // Private browsing may refuse storage; the star then lasts only for this page.
    }
  };
  const csrfToken = () => {
    const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (cookie) return decodeURIComponent(cookie[1]);
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  };
  const keyOf = (form) => `${form.dataset.kind}:${form.dataset.id}`;

  const show = (form, starred) => {
    const button = form.querySelector(".star-button");
    button.setAttribute("aria-pressed", String(starred));
    form.querySelector(".star-icon").textContent = starred ? "★" : "☆";
    form.querySelector(".star-label").textContent = starred ? "Starred" : "Star";
    form.querySelector("input[name=action]").value = starred ? "unstar" : "star";
  };

  const send = async (method, body) => {
    const response = await fetch(api, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`agenda API answered ${response.status}`);
    return response.json();
  };
  const payload = (keys) => {
    const body = { sessions: [], presentations: [] };
    for (const key of keys) {
      const [kind, id] = key.split(":");
      if ((kind === "session" || kind === "presentation") && /^\d+$/.test(id)) body[`${kind}s`].push(Number(id));
    }
    return body;
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest && event.target.closest(".star-form");
    if (!form) return;
    event.preventDefault();
    const starring = form.querySelector(".star-button").getAttribute("aria-pressed") !== "true";
    if (!signedIn) {
      const stars = stored();
      if (starring) stars.add(keyOf(form));
      else stars.delete(keyOf(form));
      keep(stars);
      show(form, starring);
      return;
    }
    try {
      await send(starring ? "POST" : "DELETE", payload([keyOf(form)]));
      show(form, starring);
    } catch {
      form.submit();
    }
  });

  const forms = document.querySelectorAll(".star-form");
  const stars = stored();
  if (!signedIn) {
    forms.forEach((form) => show(form, stars.has(keyOf(form))));
  } else if (stars.size) {
    send("POST", payload(stars))
      .then(() => {
        keep(new Set());
        forms.forEach((form) => {
          if (stars.has(keyOf(form))) show(form, true);
        });
        if (document.querySelector("[data-agenda-page]")) window.location.reload();
      })
      .catch(() => {
        // Kept for the next page: the stars are not lost if the network fails once.
      });
  }
})();
