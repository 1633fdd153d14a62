// What an app bundling the npm package writes: import it (defining the elements), set the proxy
// once, and mount a widget by hand too.
import { configure, mountCollections } from "progress-widgets";

configure({ proxyUrl: window.location.origin });
mountCollections(document.getElementById("mounted"), {
  proxyUrl: window.location.origin,
  platform: "discord",
  platformUserId: "123456789012345678",
  refreshInterval: 0,
});
