// The demo page's controls: they change the elements' attributes, as a game site would.
import { configure } from "../pkg/progress-widgets.js";

// Every element on this page talks to the proxy that serves the page.
configure({ proxyUrl: window.location.origin });

const elements = () => document.querySelectorAll("battlepass-progress, collection-progress");

document.getElementById("theme").addEventListener("change", (event) => {
  for (const element of elements()) element.setAttribute("theme", event.target.value);
  document.documentElement.dataset.theme = event.target.value;
});

document.getElementById("player").addEventListener("change", (event) => {
  const [playerId, platformUserId] = event.target.value.split(":");
  document.querySelector("battlepass-progress").setAttribute("player-id", playerId);
  for (const element of document.querySelectorAll("collection-progress")) {
    element.setAttribute("platform-user-id", platformUserId);
  }
});

const log = document.getElementById("events");
for (const type of ["progress-load", "progress-error"]) {
  document.addEventListener(type, (event) => {
    const line = document.createElement("li");
    line.textContent = `${new Date().toLocaleTimeString()} ${type} from <${event.target.localName}>` +
      (type === "progress-error" ? `: ${event.detail.message}` : "");
    log.prepend(line);
    while (log.children.length > 6) log.lastChild.remove();
  });
}
