import "./csp";
import "./styles.css";
import { connect, HoardError } from "@hoard/client-sdk";
import { forgetToken, readClaims, storedToken, storeToken, takeTokenFromFragment } from "./auth";
import { errorBox, h, replaceChildren } from "./lib/dom";
import { mountShell } from "./shell";
import { mountSignIn } from "./sign-in";
import { views } from "./views";

const root = document.getElementById("app") ?? document.body;
const retryMs = 3000;

/** Signs in with the stored token (or asks for one), connects through the SDK, then shows the shell. */
async function start(problem?: string): Promise<void> {
  const token = storedToken();
  if (!token) {
    mountSignIn(root, {
      ...(problem ? { problem } : {}),
      onToken: (value) => {
        storeToken(value);
        void start();
      },
    });
    return;
  }
  replaceChildren(root, h("div", { class: "center muted" }, "Connecting…"));
  let hoard: Awaited<ReturnType<typeof connect>>;
  try {
    hoard = await connect(location.origin, { token, timeoutMs: 8000 });
  } catch (error) {
    if (error instanceof HoardError && error.code.startsWith("AUTH_")) {
      forgetToken();
      await start(`The node refused the token (${error.code}): ${error.message}`);
      return;
    }
    // The node is down or restarting: say so and try again, keeping the token.
    const retry = setTimeout(() => void start(), retryMs);
    const otherToken = () => {
      clearTimeout(retry);
      forgetToken();
      void start();
    };
    replaceChildren(
      root,
      h(
        "div",
        { class: "center" },
        h(
          "div",
          { class: "card" },
          h("h1", null, "Cannot reach the node"),
          errorBox(error),
          h("p", { class: "muted" }, "Retrying every few seconds."),
          h("button", { type: "button", class: "link", onclick: otherToken }, "Sign in with another token"),
        ),
      ),
    );
    return;
  }
  const unmount = mountShell(root, {
    hoard,
    views,
    claims: readClaims(token),
    signOut: () => {
      unmount();
      hoard.close();
      forgetToken();
      void start();
    },
  });
}

const fromFragment = takeTokenFromFragment();
if (fromFragment) storeToken(fromFragment);
void start();
