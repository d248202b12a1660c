// Small enhancements of pages that work without this script: times shown
// also in the reader's own time zone, catalogue filters that apply as soon
// as they change, and live word counters under the limited text areas.
const lang = document.documentElement.lang || "en";
// The digits the server writes numbers with, so that counts match.
const numberingSystem = document.documentElement.dataset.numbering || "latn";

function localTimes() {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short", numberingSystem });
  for (const el of document.querySelectorAll("time[datetime]")) {
    const when = new Date(el.dateTime);
    if (!Number.isNaN(when.getTime()) && el.dateTime.includes("T")) el.title = format.format(when);
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

localTimes();
filtersApplyOnChange();
wordCounters();
