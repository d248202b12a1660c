// Small enhancements of pages that work without this script: times shown
// also in the reader's own time zone, and catalogue filters that apply as
// soon as they change.
const lang = document.documentElement.lang || "en";

function localTimes() {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
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

localTimes();
filtersApplyOnChange();
