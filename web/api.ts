/** The page's only way to the server: the HTTP API with the signed-in token. */

const TOKEN_KEY = "kontinuum.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t: string) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API answer that is not 2xx: its problem details, readable as one message. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token.get() ?? ""}`);
  const res = await fetch(path, { ...init, headers });
  if (res.ok) return res;
  let detail = `${res.status} ${res.statusText}`;
  try {
    const problem = (await res.json()) as { detail?: string };
    if (problem.detail) detail = problem.detail;
  } catch {
    // not problem details: the status line says it
  }
  throw new ApiProblem(res.status, detail);
}

export const getJson = async <T>(path: string): Promise<T> => (await (await api(path)).json()) as T;

export const postJson = async <T>(path: string, body: unknown): Promise<T> =>
  (await (await api(path, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) })).json()) as T;

/** Fetches a result with the token and hands it to the browser as a file. */
export async function download(path: string, accept: string, filename: string): Promise<void> {
  const blob = await (await api(path, { headers: { accept } })).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
