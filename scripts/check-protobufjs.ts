// Guard for the @temporalio 1.24 packaging trap (specs/temporal-notes.md §2): more than one
// protobufjs 8.x copy under @temporalio/* breaks JSON history replay with "type must be a Type".
import { execFileSync } from 'node:child_process';

interface NpmLsNode {
  version?: string;
  path?: string;
  dependencies?: Record<string, NpmLsNode>;
}

/** The distinct install paths of protobufjs 8.x reached through an @temporalio/* package. */
export function protobufjs8CopiesUnderTemporal(tree: NpmLsNode): string[] {
  const copies = new Set<string>();
  const walk = (node: NpmLsNode, underTemporal: boolean) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const inside = underTemporal || name.startsWith('@temporalio/');
      if (name === 'protobufjs' && inside && child.version?.startsWith('8.')) {
        copies.add(child.path ?? `${child.version}@unknown-path`);
      }
      walk(child, inside);
    }
  };
  walk(tree, false);
  return [...copies];
}

export function readNpmLsTree(cwd: string): NpmLsNode {
  const out = execFileSync('npm', ['ls', 'protobufjs', '--json', '--long'], { cwd, encoding: 'utf8' });
  return JSON.parse(out) as NpmLsNode;
}

if (require.main === module) {
  const copies = protobufjs8CopiesUnderTemporal(readNpmLsTree(process.cwd()));
  if (copies.length !== 1) {
    console.error(
      `expected one protobufjs 8.x copy under @temporalio/*, found ${copies.length}:\n  ${copies.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`protobufjs: one 8.x copy under @temporalio/* (${copies[0]})`);
}
