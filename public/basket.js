// The basket's islands load their WebAssembly only when they are wanted:
// at the first tap on "add to basket", or at once when this browser already
// keeps a basket (so that it shows). A first visit costs this file only.
// A file rather than an inline script: the public pages are kept rendered
// for every visitor, so they carry no per-response nonce.
const KEY = "takamul-basket";
let ready = null;
let hydrated = false;

function wake() {
  ready ??= import("/pkg/takamul.js").then(async (mod) => {
    await mod.default({ module_or_path: "/pkg/takamul.wasm" });
    mod.hydrate();
    for (const island of document.querySelectorAll("leptos-island")) {
      const hydrateIsland = mod[island.dataset.component];
      if (hydrateIsland) hydrateIsland(island);
    }
    hydrated = true;
  });
  return ready;
}

for (const button of document.querySelectorAll("[data-basket-add]")) {
  button.hidden = false;
  button.addEventListener(
    "click",
    () => {
      // Before the islands wake, this tap is replayed once they are awake.
      if (!hydrated) wake().then(() => button.click());
    },
    { once: true },
  );
}

if (localStorage.getItem(KEY)) wake();
