"use strict";

// The UI shell: it reads the reference data and the service's health from the
// API and renders them. Pages of later features plug into the same shell.
(function () {
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function getJSON(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(path + " answered " + res.status);
    return res.json();
  }

  let nextCursor = "";

  function catalogueURL(form, cursor) {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) {
      if (v) params.append(k, v);
    }
    params.set("limit", "10");
    if (cursor) params.set("cursor", cursor);
    return "/api/v1/projects?" + params.toString();
  }

  async function searchCatalogue(append) {
    const form = document.getElementById("search");
    const list = document.getElementById("results");
    const status = document.getElementById("results-status");
    const more = document.getElementById("more");
    if (!append) list.replaceChildren();
    try {
      const url = catalogueURL(form, append ? nextCursor : "");
      const page = await getJSON(url);
      for (const p of page.items) {
        const item = el("li", { "data-id": p.id });
        item.append(el("h3", {}, p.title), el("div", { class: "meta" },
          p.organization + " · " + p.countries.join(", ") + " · " + p.action_lines.join(", ")), el("p", {}, p.summary));
        list.append(item);
      }
      status.textContent = page.total + (page.total === 1 ? " project" : " projects") + " found.";
      nextCursor = page.next_cursor;
      more.hidden = !nextCursor;
      list.dataset.query = url;
    } catch (err) {
      status.textContent = "The search failed: " + err.message;
    }
  }

  function fillFilters(ref) {
    const form = document.getElementById("search");
    for (const a of ref.action_lines) form.action_line.append(el("option", { value: a.code }, a.code + " " + a.name));
    for (const r of ref.regions) form.region.append(el("option", { value: r }, r));
  }

  async function showCategories() {
    const list = document.getElementById("categories");
    const status = document.getElementById("categories-status");
    try {
      const ref = await getJSON("/api/v1/reference");
      fillFilters(ref);
      for (const cat of ref.categories) {
        const item = el("li", { "data-code": cat.code });
        item.append(el("span", { class: "code" }, "Category " + cat.number + " · " + cat.code), el("div", {}, cat.name));
        list.append(item);
      }
      status.textContent = ref.categories.length + " categories, " + ref.countries.length + " countries and territories in " +
        ref.regions.length + " ITU regions.";
    } catch (err) {
      status.textContent = "The categories could not be loaded: " + err.message;
    }
  }

  async function showHealth() {
    const health = document.getElementById("health");
    try {
      await getJSON("/readyz");
      health.textContent = "Service ready.";
    } catch (err) {
      health.textContent = "Service not ready.";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCategories();
    showHealth();
    document.getElementById("search").addEventListener("submit", function (e) {
      e.preventDefault();
      searchCatalogue(false);
    });
    document.getElementById("more").addEventListener("click", function () { searchCatalogue(true); });
    searchCatalogue(false);
  });
})();
