// Whether an ELF object carries what a stack needs: DWARF line information
// (.debug_info / .debug_line) and a symbol table (.symtab, lost by strip).
// Read from the section headers, independent of the debugger's wording.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';

export type DebugInfo = 'full' | 'symbols-only' | 'stripped' | 'unknown';

function read(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, offset);
  return buf;
}

/** The section names of a 64-bit little-endian ELF file, or undefined when it is not one. */
function sectionNames(path: string): Set<string> | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const header = read(fd, 0, 64);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return undefined;
    const shoff = Number(header.readBigUInt64LE(0x28));
    const shentsize = header.readUInt16LE(0x3a);
    const shnum = header.readUInt16LE(0x3c);
    const shstrndx = header.readUInt16LE(0x3e);
    if (shoff === 0 || shoff + shnum * shentsize > size || shstrndx >= shnum) return undefined;
    const table = read(fd, shoff, shnum * shentsize);
    const strHeader = shstrndx * shentsize;
    const strtab = read(fd, Number(table.readBigUInt64LE(strHeader + 0x18)), Number(table.readBigUInt64LE(strHeader + 0x20)));
    const names = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const at = table.readUInt32LE(i * shentsize);
      const end = strtab.indexOf(0, at);
      names.add(strtab.subarray(at, end < 0 ? undefined : end).toString('latin1'));
    }
    return names;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function debugInfoOf(path: string): DebugInfo {
  const names = sectionNames(path);
  if (!names) return 'unknown';
  if (names.has('.debug_info') && names.has('.debug_line')) return 'full';
  return names.has('.symtab') ? 'symbols-only' : 'stripped';
}
