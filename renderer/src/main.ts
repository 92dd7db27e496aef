/**
 * Renderer entry: picks the language and the transport (Electron preload or HTTP) and mounts
 * the app.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { AppState } from './state/app.svelte';
import { i18n } from './i18n/i18n.svelte';
import { connect } from './transport';

// The OS's preferred languages in Electron (from the main process), the browser's in `serve`.
const desktopLanguages = window.bloombench?.desktop.languages;
i18n.init(desktopLanguages ?? navigator.languages, localStorage);
document.documentElement.lang = i18n.locale;
if (!desktopLanguages) window.addEventListener('languagechange', () => i18n.setSystemLanguages(navigator.languages));

const target = document.getElementById('app')!;
const transport = connect();
if ('error' in transport) {
  target.innerHTML = '';
  const box = document.createElement('div');
  box.className = 'no-token';
  box.setAttribute('role', 'alert');
  box.innerHTML = '<h1>Bloombench</h1><p></p>';
  box.querySelector('p')!.textContent = transport.error;
  target.append(box);
} else {
  mount(App, { target, props: { app: new AppState(transport) } });
}
