// Search page: queries the Pagefind index in the browser (no server code).
const form = document.getElementById("search");
const input = document.getElementById("q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const selects = [...form.querySelectorAll("select[data-filter]")];
const bundle = form.dataset.bundle;
let pagefind = null;
let latest = 0;

async function load() {
  if (pagefind) return pagefind;
  try {
    pagefind = await import(bundle + "pagefind.js");
  } catch (error) {
    status.textContent = form.dataset.missing;
    throw error;
  }
  await pagefind.options({ excerptLength: 24 });
  pagefind.init();
  const filters = await pagefind.filters();
  let any = false;
  for (const select of selects) {
    const values = Object.keys(filters[select.dataset.filter] || {}).sort((a, b) => a.localeCompare(b));
    const wanted = new URLSearchParams(location.search).get(select.name) || "";
    for (const value of values) {
      const option = new Option(`${value} (${filters[select.dataset.filter][value]})`, value, false, value === wanted);
      option.dir = "auto";
      select.add(option);
      any = true;
    }
  }
  form.querySelector(".filters").hidden = !any;
  return pagefind;
}

function chosenFilters() {
  const chosen = {};
  for (const select of selects) if (select.value) chosen[select.dataset.filter] = select.value;
  return chosen;
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  const ticket = ++latest;
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, value] of Object.entries(filters)) params.set(key, value);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const engine = await load();
  status.textContent = form.dataset.searching;
  const search = await engine.search(query || null, { filters });
  const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...data.map(render));
  const count = search.results.length;
  const many = form.dataset.many.replace("%(num)s", count.toLocaleString(document.documentElement.lang));
  status.textContent = count === 0 ? form.dataset.none : count === 1 ? form.dataset.one : many;
}

function render(result) {
  const item = document.createElement("li");
  item.dir = "auto";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  link.dir = "auto";
  heading.append(link);
  const excerpt = document.createElement("p");
  excerpt.dir = "auto";
  excerpt.innerHTML = result.excerpt; // Pagefind escapes the text and adds <mark> only
  item.append(heading, excerpt);
  if (result.meta.date) {
    const date = document.createElement("p");
    date.className = "meta";
    date.textContent = result.meta.date;
    item.append(date);
  }
  return item;
}

let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(run, 200);
});
for (const select of selects) select.addEventListener("change", run);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
const initial = new URLSearchParams(location.search);
input.value = initial.get("q") || "";
load().then(() => (input.value || selects.some((s) => s.value)) && run()).catch(() => {});
