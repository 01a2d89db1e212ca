import { $ } from "./dom.js";

/** The home-care result's tabs: arrow keys move between them, as in WAI-ARIA's tab pattern. */
const tabs = () => [...document.querySelectorAll<HTMLButtonElement>("#homecare-result [role=tab]")];
export function selectTab(id: string): void {
  for (const t of tabs()) {
    const on = t.id === id;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute("aria-controls")!).hidden = !on;
  }
}
for (const t of tabs()) {
  t.addEventListener("click", () => selectTab(t.id));
  t.addEventListener("keydown", (e) => {
    const all = tabs();
    const i = all.indexOf(t);
    const next = e.key === "ArrowRight" ? all[(i + 1) % all.length] : e.key === "ArrowLeft" ? all[(i - 1 + all.length) % all.length] : undefined;
    if (next) {
      next.click();
      next.focus();
    }
  });
}
