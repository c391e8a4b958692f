import { execFileSync } from 'node:child_process';

/**
 * The cycle check of `npm run lint`. dependency-cruiser (`.dependency-cruiser.cjs`) finds circles between files;
 * this adds circles between modules — a module being `connectors/<x>`, `infra/<x>`, the plugin API or a top-level
 * folder — which
 * a file rule cannot see (a.ts → b.ts in one direction, c.ts → d.ts in the other). Tests are left out: nothing
 * imports them. Type-only imports count: a circle between modules is a boundary problem even if it compiles away.
 */
const roots = ['bin', 'connectors', 'infra', 'challenges', 'verify', 'generators', 'bench', 'docs'];

/**
 * Module circles that exist today and are left on purpose, each with why. A circle with a module outside its set
 * fails the check, so none can grow unnoticed.
 */
export const knownModuleCycles: Array<{ name: string; allows: (module: string) => boolean; why: string }> = [
  {
    name: 'the stack registry',
    // Every service module (infra/<service>, and the worker and connectors through connectors/runtime/service.ts)
    // joins this circle the day it is registered, so the exception names the kind of module, not a list.
    allows: (module) =>
      /^(infra|connectors)\/[^/]+$/.test(module) && module !== 'connectors/runtime/api+data',
    why:
      'infra/stack is both the stack file every service reads (a leaf) and the registry that imports every ' +
      'service (the root). Splitting it waits for the services other branches are adding to the registry.',
  },
  {
    name: 'challenges and verify',
    allows: (module) => module === 'challenges' || module === 'verify',
    why: 'verify runs challenge specs and challenges lint with verify’s checks; the challenge framework being built in challenges/ settles which side owns the spec.',
  },
];

export function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'connectors' && parts[1] === 'runtime' && (parts[2] === 'api' || parts[2] === 'data'))
    return 'connectors/runtime/api+data';
  return (parts[0] === 'connectors' || parts[0] === 'infra') && parts.length > 2
    ? `${parts[0]}/${parts[1]}`
    : parts.length > 1
      ? parts[0]!
      : file;
}

/** Strongly connected components of more than one node (Tarjan). */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do component.push((member = stack.pop()!));
      while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

interface CruiseResult {
  modules: Array<{ source: string; dependencies: Array<{ resolved: string; coreModule: boolean }> }>;
  summary: { violations: Array<{ from: string; to: string; rule: { name: string }; cycle?: unknown[] }> };
}

function main(): void {
  const output = execFileSync(
    'npx',
    ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...roots],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const result = JSON.parse(output) as CruiseResult;
  const problems: string[] = result.summary.violations.map(
    (violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`,
  );
  const edges = new Map<string, Set<string>>();
  const evidence = new Map<string, string>();
  for (const module of result.modules) {
    const from = moduleOf(module.source);
    for (const dependency of module.dependencies) {
      if (dependency.coreModule || dependency.resolved.startsWith('node_modules')) continue;
      const to = moduleOf(dependency.resolved);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
      evidence.set(`${from}>${to}`, `${module.source} → ${dependency.resolved}`);
    }
  }
  for (const component of cycles(edges)) {
    const known = knownModuleCycles.find((entry) => component.every(entry.allows));
    if (known) {
      process.stdout.write(`known module cycle, ${known.name} (${known.why}): ${component.join(', ')}\n`);
      continue;
    }
    const links = component.flatMap((a) =>
      component.filter((b) => edges.get(a)?.has(b)).map((b) => `    ${evidence.get(`${a}>${b}`)}`),
    );
    problems.push(`module cycle: ${component.join(', ')}\n${links.join('\n')}`);
  }
  if (problems.length > 0) {
    process.stderr.write(`Dependency cycles (move what both sides need into a module that needs neither):\n`);
    for (const problem of problems) process.stderr.write(`  ${problem}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`No new dependency cycles (${result.modules.length} modules checked).\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
