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

  async function showCategories() {
    const list = document.getElementById("categories");
    const status = document.getElementById("categories-status");
    try {
      const ref = await getJSON("/api/v1/reference");
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
  });
})();
