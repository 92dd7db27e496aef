/**
 * Renderer entry: picks the transport (Electron preload or HTTP) and mounts the app.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { AppState } from './state/app.svelte';
import { connect } from './transport';

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
