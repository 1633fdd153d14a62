// Two pages: the plain app (index.html) and the React 19 app (react.html).
export default {
  build: { rollupOptions: { input: { main: "index.html", react: "react.html" } } },
};
