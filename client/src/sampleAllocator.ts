import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { copySample, SampleCopyError, sampleSourceDir, sampleTargetState } from '../../server/src/init/sample';

export const OPEN_SAMPLE_COMMAND = 'hakmem.openSampleAllocator';
const SUBFOLDER = 'Copy into a New Subfolder…';
const BESIDE = 'Copy Beside Its Files';
const DEFAULT_NAME = 'hakmem-sample';

/** A name for the new subfolder that is not taken yet: hakmem-sample, hakmem-sample-2, … */
function freeName(parent: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? DEFAULT_NAME : `${DEFAULT_NAME}-${n}`;
    if (sampleTargetState(join(parent, name)) === 'missing') return name;
  }
}

function checkSubfolderName(parent: string, name: string): string | undefined {
  if (!name.trim()) return 'A folder name';
  if (/[/\\]/.test(name) || name === '.' || name === '..') return 'One folder name, without slashes';
  const state = sampleTargetState(join(parent, name));
  if (state === 'not-a-folder') return `${name} is a file`;
  if (state === 'not-empty') return `${name} already exists and is not empty`;
  return undefined;
}

/**
 * Where to copy, asked of the user: a folder from the dialog, and for a folder
 * that holds anything, a new subfolder of it or (confirmed) beside its files.
 */
async function chooseTarget(): Promise<{ target: string; besideExisting: boolean } | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Copy Sample Here',
    title: 'HAKMEM: Folder for the Sample Allocator',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()),
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return undefined;
  if (sampleTargetState(folder) !== 'not-empty') return { target: folder, besideExisting: false };
  const answer = await vscode.window.showWarningMessage(
    `${folder} is not empty.`,
    {
      modal: true,
      detail:
        'Copy the sample allocator into a new subfolder of it, or beside the files it holds? Nothing is replaced: if one of its files has the name of a sample file, nothing is copied.',
    },
    SUBFOLDER,
    BESIDE,
  );
  if (answer === BESIDE) return { target: folder, besideExisting: true };
  if (answer !== SUBFOLDER) return undefined;
  const name = await vscode.window.showInputBox({
    title: 'HAKMEM: New Folder for the Sample Allocator',
    prompt: `A new folder in ${folder}`,
    value: freeName(folder),
    validateInput: (value) => checkSubfolderName(folder, value),
  });
  return name ? { target: join(folder, name), besideExisting: false } : undefined;
}

/**
 * HAKMEM: Open Sample Allocator — copies the bundled allocator (its sources,
 * benchmarks, tests, Makefile and .hakmem.json, packaged in the extension)
 * into a folder the user picks and opens that folder. Copying runs nothing,
 * so it needs no trusted workspace.
 */
export async function openSampleAllocator(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): Promise<void> {
  const source = sampleSourceDir(context.asAbsolutePath(join('server', 'dist')));
  if (!source) {
    void vscode.window.showErrorMessage('HAKMEM: this installation has no sample allocator (server/dist/sample is missing).');
    return;
  }
  const choice = await chooseTarget();
  if (!choice) return;
  try {
    const copy = copySample(choice.target, { source, besideExisting: choice.besideExisting });
    output.info(`copied the sample allocator (${copy.files.length} files) from ${source} to ${copy.target}`);
  } catch (e) {
    if (!(e instanceof SampleCopyError)) throw e;
    output.warn(`sample allocator not copied: ${e.message}`);
    void vscode.window.showErrorMessage(`HAKMEM: ${e.message}.`);
    return;
  }
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(choice.target));
}
