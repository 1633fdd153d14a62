// A server render (`vite build --ssr`): the module imports the package as an app would, and
// renders the elements as plain tags. Importing must not throw outside a browser.
import { configure, defineElements, mountBattlepass } from "progress-widgets";

export function render() {
  defineElements(); // nothing to define on a server: must be harmless
  configure({ proxyUrl: "/progress-proxy" });
  return `<battlepass-progress proxy-url="/progress-proxy" player-id="p-ssr" game-id="g-1"></battlepass-progress>${typeof mountBattlepass}`;
}
