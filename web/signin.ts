import { api, ApiProblem, token } from "./api.js";
import { $, show } from "./dom.js";

/** Sign in with a token (kept in the session), sign out. */
function signedIn(): void {
  show("sign-in", false);
  show("start", true);
  show("sign-out", true);
}

$("token-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  token.set($<HTMLInputElement>("token").value.trim());
  try {
    await api("/v1/runs?limit=1");
    $("token-error").textContent = "";
    signedIn();
  } catch (err) {
    token.clear();
    $("token-error").textContent = err instanceof ApiProblem && err.status === 401 ? "That token is not known to this server." : String((err as Error).message);
  }
});
$("sign-out").addEventListener("click", () => {
  token.clear();
  location.reload();
});
if (token.get()) signedIn();
