import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { OriginGuard } from './app/OriginGuard';
import './styles.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html is missing <div id="root">.');

createRoot(rootElement).render(
  <StrictMode>
    <OriginGuard>
      <App />
    </OriginGuard>
  </StrictMode>,
);
