import '@fontsource-variable/inter/wght.css';
import './styles/index.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.js';
import { preloadRoute } from './app/preload.js';
import { createAppRuntime } from './app/runtime.js';
import { applyInitialTheme } from './app/theme.js';

applyInitialTheme();

const runtime = createAppRuntime();
preloadRoute(window.location.pathname, runtime);

const root = document.getElementById('root');
if (root === null) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App runtime={runtime} />
  </StrictMode>,
);
