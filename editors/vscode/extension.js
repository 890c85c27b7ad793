// The Proviso extension: starts `proviso lsp` over stdio for `.policy` files and restarts it on
// demand. Plain JavaScript (no build step); the grammar and language configuration are static
// files named in package.json.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, ExecuteCommandRequest, State } = require('vscode-languageclient/node');

const CLIENT_ID = 'proviso'; // also the prefix of the `proviso.trace.server` setting
const CLIENT_NAME = 'Proviso Language Server';
// The commands of the server's code lenses. The server executes them (`workspace/executeCommand`);
// vscode-languageclient registers every command the server lists in `executeCommandProvider`.
const LENS_COMMANDS = ['proviso.runTest', 'proviso.evaluateDecision'];

let client;
let outputChannel;
let traceChannel;
let fallbackCommands = [];
let starting;

// `proviso.path` as an executable path, or undefined when it cannot be found. A bare name is
// looked up on PATH; `~/` is the home directory; a relative path is taken from the first
// workspace folder.
function resolveExecutable(setting) {
  let candidate = (setting || '').trim() || 'proviso';
  if (candidate === '~' || candidate.startsWith('~/') || candidate.startsWith('~\\')) {
    candidate = path.join(os.homedir(), candidate.slice(1));
  }
  const isWindows = process.platform === 'win32';
  const extensions = isWindows
    ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  const usable = (file) => {
    for (const ext of extensions) {
      const full = file + ext;
      try {
        if (!fs.statSync(full).isFile()) continue;
        if (!isWindows) fs.accessSync(full, fs.constants.X_OK);
        return full;
      } catch (_) {
        // not here, or not executable
      }
    }
    return undefined;
  };
  if (candidate.includes('/') || (isWindows && candidate.includes('\\'))) {
    if (!path.isAbsolute(candidate)) {
      const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
      candidate = path.resolve(folder ? folder.uri.fsPath : process.cwd(), candidate);
    }
    return usable(candidate);
  }
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const found = usable(path.join(dir, candidate));
    if (found) return found;
  }
  return undefined;
}

async function showMissingBinary(setting) {
  const open = 'Open Settings';
  const choice = await vscode.window.showErrorMessage(
    `Proviso: cannot find the proviso executable "${setting}". Install Proviso (make build puts ` +
      `it in build/bin/proviso) and put it on PATH, or set "proviso.path" to its full path.`,
    open,
  );
  if (choice === open) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'proviso.path');
  }
}

// Lens commands the server did not offer to execute are sent to it by hand, so that a lens
// still works with a server that leaves `executeCommandProvider` out.
function registerFallbackCommands(context) {
  const offered = new Set(
    (client.initializeResult &&
      client.initializeResult.capabilities.executeCommandProvider &&
      client.initializeResult.capabilities.executeCommandProvider.commands) ||
      [],
  );
  for (const command of LENS_COMMANDS) {
    if (offered.has(command)) continue;
    const disposable = vscode.commands.registerCommand(command, async (...args) => {
      if (!client || client.state !== State.Running) {
        void vscode.window.showErrorMessage('Proviso: the language server is not running.');
        return undefined;
      }
      // The server reports the outcome itself (window/showMessage).
      return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    });
    fallbackCommands.push(disposable);
    context.subscriptions.push(disposable);
  }
}

async function startClient(context) {
  const config = vscode.workspace.getConfiguration('proviso');
  const setting = config.get('path', 'proviso');
  const command = resolveExecutable(setting);
  if (!command) {
    outputChannel.appendLine(`cannot find the proviso executable "${setting}" (setting proviso.path)`);
    // Not awaited: the message stays until dismissed, and a restart must not wait for it.
    showMissingBinary(setting).catch(() => {});
    return;
  }
  outputChannel.appendLine(`starting ${command} lsp`);

  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  // No `transport`: vscode-languageclient would add `--stdio` for TransportKind.stdio.
  const serverOptions = {
    command,
    args: ['lsp'],
    options: folder ? { cwd: folder.uri.fsPath } : {},
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'policy' },
      { scheme: 'untitled', language: 'policy' },
    ],
    synchronize: {
      // Imported module files change the policies that import them.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.policy'),
    },
    outputChannel,
    traceOutputChannel: traceChannel,
  };
  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err && err.message ? err.message : String(err);
    outputChannel.appendLine(`the language server did not start: ${message}`);
    void vscode.window.showErrorMessage(
      `Proviso: "${command} lsp" did not start (${message}). Check "proviso.path" and the ` +
        `"${CLIENT_NAME}" output.`,
    );
    return;
  }
  registerFallbackCommands(context);
}

async function stopClient() {
  for (const disposable of fallbackCommands) disposable.dispose();
  fallbackCommands = [];
  const old = client;
  client = undefined;
  if (old && old.state !== State.Stopped) {
    try {
      await old.stop();
    } catch (err) {
      outputChannel.appendLine(`stopping the language server: ${err && err.message ? err.message : err}`);
    }
  }
}

function restart(context) {
  // One start or restart at a time: a second request waits for the first.
  starting = (starting || Promise.resolve()).then(async () => {
    await stopClient();
    await startClient(context);
  });
  return starting;
}

function activate(context) {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  traceChannel = vscode.window.createOutputChannel(`${CLIENT_NAME} Trace`);
  context.subscriptions.push(outputChannel, traceChannel);
  context.subscriptions.push(
    vscode.commands.registerCommand('proviso.restartServer', () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('proviso.path')) restart(context);
    }),
  );
  return restart(context);
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate, resolveExecutable };
