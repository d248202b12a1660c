// Small enhancements of pages that work without this script: times shown
// also in the reader's own time zone (written out beside deadlines),
// catalogue filters that apply as soon as they change, live word counters
// under the limited text areas, and the check of a vote's inclusion proof in
// the browser.
const lang = document.documentElement.lang || "en";
// The digits the server writes numbers with, so that counts match.
const numberingSystem = document.documentElement.dataset.numbering || "latn";

function localTimes() {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short", numberingSystem });
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.dateTime);
    if (Number.isNaN(when.getTime()) || !el.dateTime.includes("T")) continue;
    el.title = format.format(when);
    // A deadline also says, beside its UTC time, when that is for the reader.
    if (el.dataset.local) el.insertAdjacentText("afterend", ` (${el.dataset.local}: ${format.format(when)})`);
  }
}

function filtersApplyOnChange() {
  for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
    form.addEventListener("change", (event) => {
      if (event.target.matches("input[type=checkbox], select")) form.requestSubmit();
    });
  }
}

function wordCounters() {
  const number = new Intl.NumberFormat(lang, { numberingSystem });
  for (const area of document.querySelectorAll("textarea[data-max-words]")) {
    const counter = document.querySelector(`[data-word-count-for="${area.name}"]`);
    if (!counter) continue;
    const max = Number(area.dataset.maxWords);
    const unit = counter.dataset.unit;
    const update = () => {
      const words = area.value.split(/\s+/).filter(Boolean).length;
      counter.textContent = `${number.format(words)} / ${number.format(max)} ${unit}`;
      counter.classList.toggle("error", words > max);
    };
    area.addEventListener("input", update);
  }
}

// The inclusion proof check of RFC 9162 §2.1.3.2, with Web Crypto's
// SHA-256: leaf = H(0x00 ‖ receipt), node = H(0x01 ‖ left ‖ right).
const hex = (s) => Uint8Array.from(s.match(/../g) || [], (b) => parseInt(b, 16));
async function sha256(...parts) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
}
async function verifyInclusion(receipt, index, size, path, root) {
  if (index < 0 || index >= size) return false;
  let fn = index, sn = size - 1;
  let r = await sha256(Uint8Array.of(0), receipt);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.length === root.length && r.every((b, i) => b === root[i]);
}

function proofChecks() {
  const proof = document.querySelector("[data-proof]");
  const button = document.querySelector("[data-verify-proof]");
  const result = document.querySelector("[data-proof-result]");
  if (!proof || !button || !result || !globalThis.crypto?.subtle) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const d = proof.dataset;
    const path = d.path ? d.path.split(" ").map(hex) : [];
    const ok = await verifyInclusion(hex(d.receipt), Number(d.index), Number(d.size), path, hex(d.root));
    result.textContent = ok ? result.dataset.ok : result.dataset.failed;
    result.dataset.state = ok ? "verified" : "failed";
  });
}

localTimes();
filtersApplyOnChange();
wordCounters();
proofChecks();
