/** The page's small DOM helpers: elements by id, figures as text, plain tables. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
export const show = (id: string, visible: boolean) => ($(id).hidden = !visible);

export const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? "–" : x.toFixed(digits));
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${Math.round(x * 100)} %`);

export function cell(text: string | number, cls?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = String(text);
  if (cls) td.className = cls;
  return td;
}

export function fillTable(table: HTMLTableElement, header: string[], rows: (string | number)[][]): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of header) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  // figures right-aligned, words left
  for (const r of rows) body.insertRow().append(...r.map((v) => cell(v, /^[-+]?[\d.,]*\s?%?$|^–$/.test(String(v)) ? undefined : "text")));
}

/** The text of the file chosen in an input, or undefined. */
export const fileText = async (id: string) => $<HTMLInputElement>(id).files?.[0]?.text();
