/**
 * The Electron shell: one window on the core, with the renderer served from a custom scheme,
 * context isolation, the sandbox, no Node in the page, a strict CSP, navigation and new
 * windows refused, and every IPC message validated.
 */
import './native';
import { app, BrowserWindow, dialog, Menu, nativeTheme, Notification, session, type WebContents } from 'electron';
import path from 'node:path';
import { API_VERBS } from '../../shared/contract/verbs';
import { Workstation } from '../core/workstation';
import { ImageService } from '../server/images';
import { defaultHome, openStore, type Store } from '../store/db';
import { LANGUAGES_SWITCH } from './channels';
import { matchLocale } from '../../shared/i18n/locale';
import { translator, type Translate } from '../../shared/i18n/catalogue';
import { MENU_WORDS } from '../../shared/i18n/menu-words';
import { handle, handleApi, send } from './ipc-main';
import { buildMenu } from './menu';
import { sqliteBindingNote } from './native';
import { handleProtocols, registerSchemes, rendererDir } from './protocols';
import { APP_ORIGIN } from './validation';

registerSchemes();
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let workstation: Workstation | null = null;
let closing = false;

/** Refuses everything a page could use to leave the app or reach further. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The OS's preferred languages, most preferred first (app locale when the OS says none). */
function systemLanguages(): string[] {
  const list = app.getPreferredSystemLanguages();
  return (list.length ? list : [app.getLocale()]).map((l) => l.replace(/[^A-Za-z0-9-]/g, ''));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Bloombench',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0e1014' : '#f6f7f9',
    icon: path.join(__dirname, '../../../resources/icon.png'),
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // The page speaks the OS's language (renderer/src/i18n): Electron's own locale is one
      // language, the OS's list says which to fall back to.
      additionalArguments: [`${LANGUAGES_SWITCH}${systemLanguages().join(',')}`],
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** The desktop shell's own words (menu, dialogs) in the OS's language. */
const shellText = (): Translate<typeof MENU_WORDS> => translator(MENU_WORDS, () => matchLocale(systemLanguages()));

function openStoreOrExplain(home: string): Store | null {
  try {
    return openStore(home);
  } catch (e) {
    const message = (e as Error).message;
    const abi = /NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|not a valid Win32 application/.test(message);
    dialog.showErrorBox(
      shellText()('dialog.noDatabase'),
      abi
        ? `The SQLite module is built for Node.js, not for this Electron.\n\n${sqliteBindingNote}\n\nRun "npm run rebuild:electron" (or reinstall with network access) and start again.\n\n${message}`
        : message,
    );
    return null;
  }
}

async function importFolderFromMenu(ws: Workstation): Promise<void> {
  const win = mainWindow;
  const options = { title: shellText()('dialog.pickFolder'), properties: ['openDirectory' as const] };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  const folder = picked.filePaths[0];
  if (picked.canceled || !folder) return;
  try {
    await ws.importDataset(folder);
  } catch (e) {
    dialog.showErrorBox(shellText()('dialog.importFailed'), (e as Error).message);
  }
}

async function start(): Promise<void> {
  const home = defaultHome();
  const store = openStoreOrExplain(home);
  if (!store) {
    app.exit(1);
    return;
  }
  const ws = new Workstation(store);
  ws.prewarm();
  workstation = ws;
  const images = new ImageService(ws, path.join(store.cacheDir, 'thumbnails'));
  handleProtocols(rendererDir(), images);

  handleApi(ws, API_VERBS);
  handle('desktop:pick-folder', async (event) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = { title: shellText()('dialog.pickFolder'), properties: ['openDirectory' as const] };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  handle('desktop:pick-weights', async (event) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = {
      title: shellText()('dialog.pickWeights'),
      properties: ['openFile' as const],
      filters: [{ name: shellText()('dialog.stateDicts'), extensions: ['pth', 'pt', 'safetensors'] }],
    };
    const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  handle('desktop:notify', (event, title, body) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title, body });
    // Clicking it brings the window that asked forward.
    note.on('click', () => {
      const win = BrowserWindow.fromWebContents(event.sender);
      if (!win) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    });
    note.show();
  });
  ws.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) send(win.webContents, 'app:event', event);
  });

  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  Menu.setApplicationMenu(buildMenu(() => mainWindow, { home, importFolder: () => void importFolderFromMenu(ws) }, matchLocale(systemLanguages())));
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (workstation && BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('before-quit', (event) => {
    // Stop training cleanly (the run is marked interrupted and can be resumed) before exiting.
    if (!workstation || closing) return;
    event.preventDefault();
    closing = true;
    const ws = workstation;
    workstation = null;
    void ws.close().finally(() => app.quit());
  });
  app.whenReady().then(start, (e: unknown) => {
    dialog.showErrorBox('Bloombench could not start', String(e));
    app.exit(1);
  });
}
