// The demo page: mounts the three widgets against the proxy that serves this page.
import init, { mountBattlepass, mountCollections } from "../pkg/progress_widgets.js";

const proxyUrl = window.location.origin;

try {
  await init();
  mountBattlepass(document.getElementById("battlepass"), {
    proxyUrl,
    playerId: "demo-player",
    gameId: "demo-game",
  });
  mountCollections(document.getElementById("collections"), {
    proxyUrl,
    platform: "discord",
    platformUserId: "123456789012345678",
  });
  mountCollections(document.getElementById("collection"), {
    proxyUrl,
    platform: "discord",
    platformUserId: "123456789012345678",
    programId: "program_winter",
  });
} catch (error) {
  const message = document.createElement("p");
  message.className = "page-error";
  message.textContent = `The widgets could not start: ${error.message}. Run \`cargo xtask demo\` and open the URL it prints.`;
  document.querySelector("main").prepend(message);
  throw error;
}
