// A React 19 app: every setting given as a JSX prop (React 19 sets a prop as a property when the
// element has one of that name), the element's method called through a ref. Written with
// createElement so the build needs no JSX plugin; JSX compiles to exactly these calls.
import { createElement as h, useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import "progress-widgets";

function App() {
  const ref = useRef(null);
  const [player, setPlayer] = useState("p-react");
  useEffect(() => {
    window.reactApp = { element: () => ref.current, switchPlayer: setPlayer };
  }, []);
  return h("battlepass-progress", {
    id: "react-bp",
    ref,
    proxyUrl: window.location.origin,
    playerId: player,
    gameId: "g-1",
    battlepassId: "bp-7",
    refreshInterval: 0,
    theme: "dark",
    locale: "de-DE",
    playerToken: "react-token",
  });
}

createRoot(document.getElementById("root")).render(h(App));
